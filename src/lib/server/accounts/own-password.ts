// Changing one's own password.

import { and, eq, gt, isNull } from 'drizzle-orm';
import { recordSecurityEvent } from '../audit/security';
import { hashPassword, verifyPassword } from '../auth/password';
import type { Db } from '../db/client';
import { passwordResets, users } from '../db/schema';
import { endSessions } from './sessions';

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
		// A reset link made before the change would otherwise undo it.
		const endedResetLinks = tx
			.update(passwordResets)
			.set({ expiresAt: now })
			.where(
				and(
					eq(passwordResets.userId, input.userId),
					isNull(passwordResets.usedAt),
					gt(passwordResets.expiresAt, now)
				)
			)
			.run().changes;
		recordSecurityEvent(
			tx,
			{
				actorId: input.userId,
				account: input.userId,
				action: 'account.password_changed',
				entityType: 'user',
				entityId: input.userId,
				after: { endedSessions, endedResetLinks }
			},
			now
		);
		return { ok: true, endedSessions } as const;
	});
}
