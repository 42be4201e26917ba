// Using a reset link: whose password it may set, or why it cannot be used.

import { and, eq, gte, ne } from 'drizzle-orm';
import { recordSecurityEvent } from '../audit/security';
import { hashPassword } from '../auth/password';
import { hashLinkToken } from '../auth/tokens';
import type { Db, Tx } from '../db/client';
import { passwordResets, users } from '../db/schema';
import { endSessions } from './sessions';

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
			name: users.name,
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
	return {
		ok: true,
		link: { id: link.id, userId: link.userId, email: link.email, name: link.name }
	} as const;
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
		recordSecurityEvent(
			tx,
			{
				actorId: userId,
				account: userId,
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
