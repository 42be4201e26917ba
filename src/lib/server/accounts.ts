import { and, asc, count, desc, eq, gt, gte, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from './db/client';
import { passwordResets, sessions, users } from './db/schema';
import { newId } from './ids';
import { recordAuditEvent } from './audit/record';
import {
	hashPassword,
	MAX_PASSWORD_LENGTH,
	MIN_PASSWORD_LENGTH,
	verifyPassword
} from './auth/password';
import { hashLinkToken, newLinkToken } from './auth/tokens';
import type { SessionLimits } from './auth/session';

const RESET_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Forms

const newPasswordField = z
	.string({ error: 'Enter a new password' })
	.min(1, 'Enter a new password')
	.min(MIN_PASSWORD_LENGTH, `New password must be at least ${MIN_PASSWORD_LENGTH} characters`)
	.max(MAX_PASSWORD_LENGTH, `New password must be ${MAX_PASSWORD_LENGTH} characters or fewer`);

const confirmField = z
	.string({ error: 'Enter your new password again' })
	.min(1, 'Enter your new password again');

const passwordsMatch = {
	path: ['confirmPassword'],
	message: 'The new passwords do not match'
};

export const changePasswordSchema = z
	.object({
		currentPassword: z
			.string({ error: 'Enter your current password' })
			.min(1, 'Enter your current password')
			.max(MAX_PASSWORD_LENGTH, 'Your current password is not right'),
		newPassword: newPasswordField,
		confirmPassword: confirmField
	})
	.refine((v) => v.newPassword === v.confirmPassword, passwordsMatch);

export const resetPasswordSchema = z
	.object({ newPassword: newPasswordField, confirmPassword: confirmField })
	.refine((v) => v.newPassword === v.confirmPassword, passwordsMatch);

/** The account an administrator acts on, from a hidden form field. */
export const accountIdSchema = z.object({
	accountId: z
		.string({ error: 'No account was chosen' })
		.trim()
		.min(1, 'No account was chosen')
		.max(64, 'No such account')
		.regex(/^[a-z0-9]+$/, 'No such account')
});

// ---------------------------------------------------------------------------------------------
// Sessions

function activeSessionCondition(limits: SessionLimits, now: Date) {
	// A session lives until the earlier of its idle limit and its absolute limit.
	return and(
		gt(sessions.lastVerifiedAt, new Date(now.getTime() - limits.idleMs)),
		gt(sessions.createdAt, new Date(now.getTime() - limits.maxMs))
	);
}

/** The person's sessions that have not expired, the current one first. No ids leave this module. */
export function listActiveSessions(
	db: Db,
	userId: string,
	currentSessionId: string,
	limits: SessionLimits,
	now = new Date()
) {
	return db
		.select({
			id: sessions.id,
			createdAt: sessions.createdAt,
			lastActiveAt: sessions.lastVerifiedAt
		})
		.from(sessions)
		.where(and(eq(sessions.userId, userId), activeSessionCondition(limits, now)))
		.orderBy(desc(sessions.lastVerifiedAt))
		.all()
		.map(({ id, ...session }) => ({ ...session, current: id === currentSessionId }))
		.sort((a, b) => Number(b.current) - Number(a.current));
}

function endSessions(tx: Tx, userId: string, keepSessionId: string | null): number {
	const where = keepSessionId
		? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId))
		: eq(sessions.userId, userId);
	return tx.delete(sessions).where(where).run().changes;
}

/** "Sign out everywhere else": ends every session of the person but the one they are using. */
export function endOtherSessions(
	db: Db,
	userId: string,
	currentSessionId: string,
	now = new Date()
): number {
	return db.transaction((tx) => {
		const ended = endSessions(tx, userId, currentSessionId);
		recordAuditEvent(
			tx,
			{
				userId,
				organisationId: null,
				action: 'account.sessions_ended',
				entityType: 'user',
				entityId: userId,
				after: { endedSessions: ended }
			},
			now
		);
		return ended;
	});
}

// ---------------------------------------------------------------------------------------------
// Changing one's own password

export type ChangePasswordResult =
	{ ok: true; endedSessions: number } | { ok: false; problem: 'wrong-password' };

/**
 * Checks the current password, sets the new one and ends every other session of the person, so
 * that someone who had their old password (or a session of theirs) is shut out.
 */
export async function changePassword(
	db: Db,
	input: { userId: string; currentSessionId: string; currentPassword: string; newPassword: string },
	now = new Date()
): Promise<ChangePasswordResult> {
	const user = db
		.select({ passwordHash: users.passwordHash, disabledAt: users.disabledAt })
		.from(users)
		.where(eq(users.id, input.userId))
		.get();
	if (
		!user ||
		user.disabledAt ||
		!(await verifyPassword(user.passwordHash, input.currentPassword))
	) {
		return { ok: false, problem: 'wrong-password' };
	}
	const passwordHash = await hashPassword(input.newPassword);

	return db.transaction((tx) => {
		// The check above ran outside the transaction; refuse if the password changed meanwhile.
		const still = tx
			.select({ passwordHash: users.passwordHash })
			.from(users)
			.where(eq(users.id, input.userId))
			.get();
		if (!still || still.passwordHash !== user.passwordHash)
			return { ok: false, problem: 'wrong-password' } as const;

		tx.update(users).set({ passwordHash }).where(eq(users.id, input.userId)).run();
		const endedSessions = endSessions(tx, input.userId, input.currentSessionId);
		recordAuditEvent(
			tx,
			{
				userId: input.userId,
				organisationId: null,
				action: 'account.password_changed',
				entityType: 'user',
				entityId: input.userId,
				after: { endedSessions }
			},
			now
		);
		return { ok: true, endedSessions } as const;
	});
}

// ---------------------------------------------------------------------------------------------
// Administering accounts

/** Every account on the server, for platform administrators. */
export function listAccounts(db: Db, limits: SessionLimits, now = new Date()) {
	const active = db
		.select({ userId: sessions.userId, n: count().as('n') })
		.from(sessions)
		.where(activeSessionCondition(limits, now))
		.groupBy(sessions.userId)
		.as('active');
	const pendingReset = db
		.select({
			userId: passwordResets.userId,
			expiresAt: sql<number>`max(${passwordResets.expiresAt})`.as('expires_at')
		})
		.from(passwordResets)
		.where(and(isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)))
		.groupBy(passwordResets.userId)
		.as('pending_reset');

	return db
		.select({
			id: users.id,
			name: users.name,
			email: users.email,
			isPlatformAdmin: users.isPlatformAdmin,
			disabledAt: users.disabledAt,
			activeSessions: sql<number>`coalesce(${active.n}, 0)`,
			resetLinkExpiresAt: pendingReset.expiresAt
		})
		.from(users)
		.leftJoin(active, eq(active.userId, users.id))
		.leftJoin(pendingReset, eq(pendingReset.userId, users.id))
		.orderBy(asc(users.name), asc(users.email))
		.all()
		.map((row) => ({
			...row,
			activeSessions: Number(row.activeSessions),
			resetLinkExpiresAt:
				row.resetLinkExpiresAt === null ? null : new Date(Number(row.resetLinkExpiresAt))
		}));
}

export type AccountProblem = 'not-found' | 'self' | 'disabled';

export const ACCOUNT_PROBLEM_MESSAGES: Record<AccountProblem, string> = {
	'not-found': 'That account could not be found. It may have been removed.',
	self: 'You cannot disable your own account. Ask another platform administrator to do it.',
	disabled: 'This account is disabled. Enable it before you issue a reset link.'
};

export type AccountChangeResult =
	{ ok: true; name: string; changed: boolean } | { ok: false; problem: AccountProblem };

/**
 * Disables or enables an account. Disabling ends its sessions at once; sign-in and session checks
 * refuse a disabled account from then on.
 */
export function setAccountDisabled(
	db: Db,
	actorId: string,
	accountId: string,
	disabled: boolean,
	now = new Date()
): AccountChangeResult {
	if (disabled && actorId === accountId) return { ok: false, problem: 'self' };
	return db.transaction((tx) => {
		const account = tx
			.select({ id: users.id, name: users.name, disabledAt: users.disabledAt })
			.from(users)
			.where(eq(users.id, accountId))
			.get();
		if (!account) return { ok: false, problem: 'not-found' } as const;
		if (!!account.disabledAt === disabled)
			return { ok: true, name: account.name, changed: false } as const;

		const disabledAt = disabled ? now : null;
		tx.update(users).set({ disabledAt }).where(eq(users.id, accountId)).run();
		const endedSessions = disabled ? endSessions(tx, accountId, null) : 0;
		recordAuditEvent(
			tx,
			{
				userId: actorId,
				organisationId: null,
				action: disabled ? 'account.disabled' : 'account.enabled',
				entityType: 'user',
				entityId: accountId,
				before: { disabledAt: account.disabledAt },
				after: disabled ? { disabledAt, endedSessions } : { disabledAt }
			},
			now
		);
		return { ok: true, name: account.name, changed: true } as const;
	});
}

export type IssueResetResult =
	| { ok: true; token: string; name: string; expiresAt: Date }
	| { ok: false; problem: AccountProblem };

/**
 * Makes a single-use link to set a new password and returns its token, which is never stored
 * (only its hash). Any earlier unused link for the account stops working.
 */
export function issuePasswordReset(
	db: Db,
	actorId: string,
	accountId: string,
	now = new Date()
): IssueResetResult {
	return db.transaction((tx) => {
		const account = tx
			.select({ id: users.id, name: users.name, disabledAt: users.disabledAt })
			.from(users)
			.where(eq(users.id, accountId))
			.get();
		if (!account) return { ok: false, problem: 'not-found' } as const;
		if (account.disabledAt) return { ok: false, problem: 'disabled' } as const;

		tx.update(passwordResets)
			.set({ expiresAt: now })
			.where(
				and(
					eq(passwordResets.userId, accountId),
					isNull(passwordResets.usedAt),
					gt(passwordResets.expiresAt, now)
				)
			)
			.run();
		const token = newLinkToken();
		const row = {
			id: newId(),
			tokenHash: hashLinkToken(token),
			userId: accountId,
			issuedBy: actorId,
			createdAt: now,
			expiresAt: new Date(now.getTime() + RESET_LINK_LIFETIME_MS)
		};
		tx.insert(passwordResets).values(row).run();
		recordAuditEvent(
			tx,
			{
				userId: actorId,
				organisationId: null,
				action: 'account.password_reset_issued',
				entityType: 'user',
				entityId: accountId,
				after: { resetId: row.id, expiresAt: row.expiresAt }
			},
			now
		);
		return { ok: true, token, name: account.name, expiresAt: row.expiresAt } as const;
	});
}

// ---------------------------------------------------------------------------------------------
// Using a reset link

export type ResetLinkProblem = 'unknown' | 'used' | 'expired' | 'superseded' | 'disabled';

export const RESET_LINK_PROBLEM_MESSAGES: Record<ResetLinkProblem, string> = {
	unknown:
		'This link is not valid. Check you copied the whole link, or ask an administrator for a new one.',
	used: 'This link has already been used. Each link works once: ask an administrator for a new one.',
	expired: 'This link has expired. Links work for 24 hours: ask an administrator for a new one.',
	superseded:
		'A newer link has been made for this account, so this one no longer works. Use the newest link.',
	disabled:
		'This account has been disabled, so this link cannot be used. Ask an administrator for help.'
};

export const RESET_LINK_PROBLEM_STATUS: Record<ResetLinkProblem, 404 | 410> = {
	unknown: 404,
	used: 410,
	expired: 410,
	superseded: 410,
	disabled: 410
};

/** Whose password a link may set, or why it cannot be used. */
export function openPasswordReset(db: Tx, token: string, now = new Date()) {
	// A real token is 32 characters; anything far longer is not worth hashing.
	if (!token || token.length > 128) return { ok: false, problem: 'unknown' } as const;
	const link = db
		.select({
			id: passwordResets.id,
			userId: passwordResets.userId,
			createdAt: passwordResets.createdAt,
			expiresAt: passwordResets.expiresAt,
			usedAt: passwordResets.usedAt,
			email: users.email,
			disabledAt: users.disabledAt
		})
		.from(passwordResets)
		.innerJoin(users, eq(users.id, passwordResets.userId))
		.where(eq(passwordResets.tokenHash, hashLinkToken(token)))
		.get();
	if (!link) return { ok: false, problem: 'unknown' } as const;
	if (link.usedAt) return { ok: false, problem: 'used' } as const;
	if (link.disabledAt) return { ok: false, problem: 'disabled' } as const;
	if (link.expiresAt.getTime() <= now.getTime()) {
		// Issuing a link cuts earlier ones short; say so rather than "expired" when that is why.
		const newer = db
			.select({ id: passwordResets.id })
			.from(passwordResets)
			.where(
				and(
					eq(passwordResets.userId, link.userId),
					ne(passwordResets.id, link.id),
					gte(passwordResets.createdAt, link.createdAt)
				)
			)
			.get();
		return { ok: false, problem: newer ? 'superseded' : 'expired' } as const;
	}
	return { ok: true, link: { id: link.id, userId: link.userId, email: link.email } } as const;
}

export type ResetPasswordResult =
	{ ok: true; userId: string } | { ok: false; problem: ResetLinkProblem };

/** Sets the new password, uses up the link and ends every session of the account. */
export async function resetPassword(
	db: Db,
	token: string,
	newPassword: string,
	now = new Date()
): Promise<ResetPasswordResult> {
	const before = openPasswordReset(db, token, now);
	if (!before.ok) return before;
	const passwordHash = await hashPassword(newPassword);

	return db.transaction((tx) => {
		// Checked again inside the transaction, so two tabs cannot both use the link.
		const opened = openPasswordReset(tx, token, now);
		if (!opened.ok) return opened;
		const { id, userId } = opened.link;

		tx.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
		tx.update(passwordResets).set({ usedAt: now }).where(eq(passwordResets.id, id)).run();
		const endedSessions = endSessions(tx, userId, null);
		recordAuditEvent(
			tx,
			{
				userId,
				organisationId: null,
				action: 'account.password_reset_used',
				entityType: 'user',
				entityId: userId,
				after: { resetId: id, endedSessions }
			},
			now
		);
		return { ok: true, userId } as const;
	});
}
