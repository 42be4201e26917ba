import { and, asc, count, desc, eq, gte } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from './db/client';
import { assessmentComments, assessments, rounds, users } from './db/schema';
import { newId } from './ids';
import { recordAuditEvent } from './audit/record';
import { freeText } from './forms';
import type { Person } from './access/policy';
import { pageWindow, type Paging } from '$lib/domain/paging';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import { minutesToWait, POSTING_WINDOW_MS, POSTS_PER_HOUR } from '$lib/domain/posting-limits';

export const MAX_COMMENT_LENGTH = 2000;

export const commentInputSchema = z.object({
	body: freeText('a comment', MAX_COMMENT_LENGTH, { required: true, kind: 'long' })
});

/** One page of an assessment's comments with their authors (oldest first unless asked). */
export function listComments(
	db: Db,
	assessmentId: string,
	paging: Paging = { page: 1, order: 'oldest' }
) {
	const where = eq(assessmentComments.assessmentId, assessmentId);
	const total = db.select({ n: count() }).from(assessmentComments).where(where).get()?.n ?? 0;
	const window = pageWindow(paging.page, total);
	const by = paging.order === 'oldest' ? asc : desc;
	const items = db
		.select({
			id: assessmentComments.id,
			body: assessmentComments.body,
			createdAt: assessmentComments.createdAt,
			author: users.name
		})
		.from(assessmentComments)
		.leftJoin(users, eq(users.id, assessmentComments.userId))
		.where(where)
		.orderBy(by(assessmentComments.createdAt), by(assessmentComments.id))
		.limit(window.limit)
		.offset(window.offset)
		.all();
	return { items, total, page: window.page, pages: window.pages, order: paging.order };
}

/** Minutes this person must wait before another comment, or null when they may add one now. */
export function commentWait(db: Pick<Db, 'select'>, userId: string, now: Date): number | null {
	const nth = db
		.select({ at: assessmentComments.createdAt })
		.from(assessmentComments)
		.where(
			and(
				eq(assessmentComments.userId, userId),
				gte(assessmentComments.createdAt, new Date(now.getTime() - POSTING_WINDOW_MS))
			)
		)
		.orderBy(desc(assessmentComments.createdAt))
		.limit(1)
		.offset(POSTS_PER_HOUR - 1)
		.get();
	return minutesToWait(nth?.at ?? null, now);
}

export type CommentRefusal =
	| { ok: false; reason: 'locked'; message: string }
	| { ok: false; reason: 'too-many'; minutesToWait: number };

/**
 * Adds a comment, unless the assessment is locked (its round closed, or it is complete: comments
 * are part of agreeing it) or the person has already added as many as an hour allows.
 */
export function addComment(
	db: Db,
	person: Person,
	assessment: { id: string; serviceId: string },
	organisationId: string,
	body: string,
	now = new Date()
): { ok: true; id: string } | CommentRefusal {
	const row = { id: newId(), assessmentId: assessment.id, userId: person.id, body, createdAt: now };
	return db.transaction((tx): { ok: true; id: string } | CommentRefusal => {
		const current = tx
			.select({ status: assessments.status, roundStatus: rounds.status })
			.from(assessments)
			.innerJoin(rounds, eq(rounds.id, assessments.roundId))
			.where(eq(assessments.id, assessment.id))
			.get();
		const locked = current && whyAssessmentIsLocked(current.roundStatus, current.status);
		if (locked) return { ok: false, reason: 'locked', message: locked };
		const wait = commentWait(tx, person.id, now);
		if (wait !== null) return { ok: false, reason: 'too-many', minutesToWait: wait };
		tx.insert(assessmentComments).values(row).run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				serviceId: assessment.serviceId,
				action: 'comment.created',
				entityType: 'assessment_comment',
				entityId: row.id,
				after: { assessmentId: assessment.id, body }
			},
			now
		);
		return { ok: true, id: row.id };
	});
}
