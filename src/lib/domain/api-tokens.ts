// The rules for personal API tokens, apart from storage and HTTP.

import { londonDate, londonMidnightUtc, nextIsoDate } from './london-days';

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

/** The value of the lifetime option that takes a date instead of a number of days. */
export const UNTIL_A_DATE = 'date';

/** The last day a token may be set to last until: a year from today (London). */
export function latestTokenDate(now: Date): string {
	return londonDate(now.getTime() + MAX_TOKEN_DAYS * DAY_MS);
}

/**
 * When a token chosen to last until the end of `isoDate` (London) stops working, or null when
 * that day is today or earlier, or more than a year away.
 */
export function expiryAtEndOf(isoDate: string, now: Date): Date | null {
	if (isoDate <= londonDate(now) || isoDate > latestTokenDate(now)) return null;
	return new Date(londonMidnightUtc(nextIsoDate(isoDate)));
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
