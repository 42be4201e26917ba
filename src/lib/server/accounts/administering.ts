// Administering every account on the server: disabling and enabling, and reset links.

import { and, asc, count, eq, gt, isNull, sql } from 'drizzle-orm';
import { recordSecurityEvent } from '../audit/security';
import type { SessionLimits } from '../auth/session';
import { hashLinkToken, newLinkToken } from '../auth/tokens';
import type { Db } from '../db/client';
import { passwordResets, sessions, totpCredentials, users } from '../db/schema';
import { newId } from '../ids';
import { activeSessionCondition, endSessions } from './sessions';
import { withdrawInvitationsSentBy } from '../invitations';

/** A reset link works for this long after it is issued. */
const RESET_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;

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
			resetLinkExpiresAt: pendingReset.expiresAt,
			mfaEnabledAt: totpCredentials.confirmedAt
		})
		.from(users)
		.leftJoin(active, eq(active.userId, users.id))
		.leftJoin(totpCredentials, eq(totpCredentials.userId, users.id))
		.leftJoin(pendingReset, eq(pendingReset.userId, users.id))
		.orderBy(asc(users.name), asc(users.email))
		.all()
		.map(({ mfaEnabledAt, ...row }) => ({
			...row,
			mfaEnabled: mfaEnabledAt !== null,
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
		recordSecurityEvent(
			tx,
			{
				actorId,
				account: accountId,
				action: disabled ? 'account.disabled' : 'account.enabled',
				entityType: 'user',
				entityId: accountId,
				before: { disabledAt: account.disabledAt },
				after: disabled ? { disabledAt, endedSessions } : { disabledAt }
			},
			now
		);
		// A disabled account's invitations stop working with it.
		if (disabled) withdrawInvitationsSentBy(tx, accountId, actorId, 'inviter-disabled', now);
		return { ok: true, name: account.name, changed: true } as const;
	});
}

export type IssueResetResult =
	| { ok: true; token: string; name: string; expiresAt: Date }
	| { ok: false; problem: AccountProblem };

/**
 * How a reset link came to be issued, as the audit trail records it: by a platform administrator
 * (Manage accounts), by email to the person who asked on the sign-in page, or on the server by
 * whoever runs it (`npm run reset-password`). Only an administrator's has someone signed in behind it.
 */
const RESET_ISSUED_ACTIONS = {
	administrator: 'account.password_reset_issued',
	email: 'account.password_reset_emailed',
	command: 'account.password_reset_issued_on_server'
} as const;

export type ResetIssuedBy = keyof typeof RESET_ISSUED_ACTIONS;

/**
 * Makes a single-use link to set a new password and returns its token, which is never stored
 * (only its hash). Any earlier unused link for the account stops working. `actorId` is the
 * administrator who issued it, or null when no one signed in did.
 */
export function issuePasswordReset(
	db: Db,
	actorId: string | null,
	accountId: string,
	now = new Date(),
	issuedBy: ResetIssuedBy = 'administrator'
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
		recordSecurityEvent(
			tx,
			{
				actorId,
				account: accountId,
				action: RESET_ISSUED_ACTIONS[issuedBy],
				entityType: 'user',
				entityId: accountId,
				after: { resetId: row.id, expiresAt: row.expiresAt }
			},
			now
		);
		return { ok: true, token, name: account.name, expiresAt: row.expiresAt } as const;
	});
}

/**
 * Signs a person out everywhere without disabling them: for a lost laptop, or a session someone
 * does not recognise. They can sign in again at once.
 */
export function endAllSessionsOf(
	db: Db,
	actorId: string,
	accountId: string,
	organisationId: string | null,
	now = new Date()
): AccountChangeResult {
	return db.transaction((tx) => {
		const account = tx
			.select({ id: users.id, name: users.name })
			.from(users)
			.where(eq(users.id, accountId))
			.get();
		if (!account) return { ok: false, problem: 'not-found' } as const;
		const endedSessions = endSessions(tx, accountId, null);
		recordSecurityEvent(
			tx,
			{
				actorId,
				organisationId,
				account: accountId,
				action: 'account.sessions_ended_by_administrator',
				entityType: 'user',
				entityId: accountId,
				after: { endedSessions }
			},
			now
		);
		return { ok: true, name: account.name, changed: endedSessions > 0 } as const;
	});
}
