// Signing in: the password, then (for those who use it) a code from an authenticator app. Both
// steps go through the same throttles, and both check in the same way whatever the answer will be.

import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { users } from '../db/schema';
import { findUserByEmail } from '../users';
import { checkSignInCode, mfaState } from './mfa';
import { verifyAgainstDummy, verifyPassword } from './password';
import {
	accountThrottle,
	addressThrottle,
	clientKey,
	sleep,
	throttledCheck,
	type Throttle
} from './throttle';
import { hashLinkToken } from './tokens';

export interface SignInDeps {
	accountThrottle: Throttle;
	addressThrottle: Throttle;
	sleep: (ms: number) => Promise<void>;
	/** Demo databases are exempt from two-step sign-in. */
	demo: boolean;
	clock: () => Date;
}

export const defaultSignInDeps = (demo: boolean): SignInDeps => ({
	accountThrottle,
	addressThrottle,
	sleep,
	demo,
	clock: () => new Date()
});

export type SignInStep =
	| { ok: true; userId: string; next: 'session' | 'code' }
	| { ok: false; problem: 'wrong' }
	| { ok: false; problem: 'busy'; retryAfterSeconds: number };

export const accountKey = (email: string) => `email:${email.trim().toLowerCase()}`;

/** A check through the account's and the client address's throttles. */
export function throttled<T extends { ok: boolean }>(
	deps: SignInDeps,
	keys: { email: string; address: string },
	check: () => Promise<T> | T
) {
	return throttledCheck(
		[
			{ throttle: deps.accountThrottle, key: accountKey(keys.email) },
			{ throttle: deps.addressThrottle, key: clientKey(keys.address) }
		],
		check,
		deps.sleep
	);
}

/** The first step: the email address and password. */
export async function checkPassword(
	db: Db,
	input: { email: string; password: string; address: string },
	deps: SignInDeps
): Promise<SignInStep> {
	const result = await throttled(deps, input, async (): Promise<SignInStep> => {
		const user = findUserByEmail(db, input.email);
		// The hash is always computed, for an unknown or disabled account too, so that the time
		// taken does not tell them apart from a wrong password.
		const valid = user
			? await verifyPassword(user.passwordHash, input.password)
			: await verifyAgainstDummy(input.password);
		if (!user || !valid || user.disabledAt) return { ok: false, problem: 'wrong' };
		const next = !deps.demo && mfaState(db, user.id).enabled ? 'code' : 'session';
		return { ok: true, userId: user.id, next };
	});
	// Only a whole sign-in forgives the account's failures: a right password alone does not.
	if (result.ok && result.next === 'session') deps.accountThrottle.reset(accountKey(input.email));
	return result;
}

/** The second step: a code from the app, or a recovery code. */
export async function checkCode(
	db: Db,
	key: Buffer,
	input: { userId: string; code: string; address: string },
	deps: SignInDeps
) {
	const account = db
		.select({ email: users.email, disabledAt: users.disabledAt })
		.from(users)
		.where(eq(users.id, input.userId))
		.get();
	if (!account) return { ok: false, problem: 'wrong' } as const;
	const result = await throttled(deps, { email: account.email, address: input.address }, () => {
		if (account.disabledAt) return { ok: false, problem: 'wrong' } as const;
		const checked = checkSignInCode(db, key, input.userId, input.code, deps.clock());
		return checked.ok ? checked : ({ ok: false, problem: 'wrong' } as const);
	});
	if (result.ok) deps.accountThrottle.reset(accountKey(account.email));
	return result;
}

// Between the two steps, the sign-in is held on the server for a few minutes under a random
// token that only a cookie carries; no session exists until the code is right.

const PENDING_LIFETIME_MS = 5 * 60 * 1000;
const MAX_PENDING = 10_000;

interface PendingSignIn {
	userId: string;
	redirectTo: string;
	expiresAt: number;
}

const pending = new Map<string, PendingSignIn>();

export function holdSignIn(userId: string, redirectTo: string, now = Date.now()): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	const token = encodeBase32LowerCaseNoPadding(bytes);
	for (const [hash, held] of pending) if (held.expiresAt <= now) pending.delete(hash);
	if (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value!);
	pending.set(hashLinkToken(token), { userId, redirectTo, expiresAt: now + PENDING_LIFETIME_MS });
	return token;
}

export function heldSignIn(token: string | undefined, now = Date.now()): PendingSignIn | null {
	if (!token || token.length > 64) return null;
	const held = pending.get(hashLinkToken(token));
	if (!held || held.expiresAt <= now) return null;
	return held;
}

export function releaseSignIn(token: string | undefined): void {
	if (token) pending.delete(hashLinkToken(token));
}
