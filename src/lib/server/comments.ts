import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from './db/client';
import { assessmentComments, users } from './db/schema';
import { newId } from './ids';
import { recordAuditEvent } from './audit/record';
import type { Person } from './access/policy';

export const MAX_COMMENT_LENGTH = 2000;

export const commentInputSchema = z.object({
	body: z
		.string({ error: 'Enter a comment' })
		.trim()
		.min(1, 'Enter a comment')
		.max(
			MAX_COMMENT_LENGTH,
			`A comment must be ${MAX_COMMENT_LENGTH.toLocaleString('en-GB')} characters or fewer`
		)
});

export function listComments(db: Db, assessmentId: string) {
	return db
		.select({
			id: assessmentComments.id,
			body: assessmentComments.body,
			createdAt: assessmentComments.createdAt,
			author: users.name
		})
		.from(assessmentComments)
		.leftJoin(users, eq(users.id, assessmentComments.userId))
		.where(eq(assessmentComments.assessmentId, assessmentId))
		.orderBy(asc(assessmentComments.createdAt))
		.all();
}

export function addComment(
	db: Db,
	person: Person,
	assessment: { id: string; serviceId: string },
	organisationId: string,
	body: string,
	now = new Date()
): string {
	const row = { id: newId(), assessmentId: assessment.id, userId: person.id, body, createdAt: now };
	db.transaction((tx) => {
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
	});
	return row.id;
}
