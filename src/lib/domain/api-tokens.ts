// The rules for personal API tokens, apart from storage and HTTP.

/** How long a new token may last, as offered on the form. */
export const TOKEN_LIFETIMES = [
	{ days: 30, label: '30 days' },
	{ days: 90, label: '90 days' },
	{ days: 365, label: '1 year' }
] as const;
export const MAX_TOKEN_DAYS = 365;
export const TOKEN_NAME_MAX = 80;

const DAY_MS = 24 * 60 * 60 * 1000;

/** When a token made now for this many days stops working: never later than a year from now. */
export function tokenExpiry(days: number, now: Date): Date {
	const capped = Math.min(Math.max(1, Math.floor(days)), MAX_TOKEN_DAYS);
	return new Date(now.getTime() + capped * DAY_MS);
}

export type TokenState = 'active' | 'expired' | 'revoked';

export function tokenState(
	token: { expiresAt: Date; revokedAt: Date | null },
	now: Date
): TokenState {
	if (token.revokedAt) return 'revoked';
	return token.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

export const TOKEN_STATE_LABELS: Record<TokenState, string> = {
	active: 'Active',
	expired: 'Expired',
	revoked: 'Revoked'
};

/** The start of the UTC hour an instant falls in: API calls are counted per token per hour. */
export function hourOf(at: Date): Date {
	const HOUR = 60 * 60 * 1000;
	return new Date(Math.floor(at.getTime() / HOUR) * HOUR);
}

/** Last-used times are written back at most this often, so a busy token does not write on every call. */
export const LAST_USED_WRITE_INTERVAL_MS = 60 * 1000;

export function shouldRecordUse(lastUsedAt: Date | null, now: Date): boolean {
	return !lastUsedAt || now.getTime() - lastUsedAt.getTime() >= LAST_USED_WRITE_INTERVAL_MS;
}
