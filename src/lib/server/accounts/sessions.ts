// A person's sessions, as their account page lists and ends them.

import { and, desc, eq, gt, ne } from 'drizzle-orm';
import { recordSecurityEvent } from '../audit/security';
import type { SessionLimits } from '../auth/session';
import type { Db, Tx } from '../db/client';
import { sessions } from '../db/schema';

export function activeSessionCondition(limits: SessionLimits, now: Date) {
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

export function endSessions(tx: Tx, userId: string, keepSessionId: string | null): number {
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
		recordSecurityEvent(
			tx,
			{
				actorId: userId,
				account: userId,
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
