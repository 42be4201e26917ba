import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import {
	addComment,
	commentInputSchema,
	listComments,
	MAX_COMMENT_LENGTH
} from '$lib/server/comments';
import { auditEvents, assessmentComments, assessments, rounds } from '$lib/server/db/schema';
import { seedDemo } from '$lib/server/demo/seed';
import { personFor } from '$lib/server/users';
import { freshDb } from './helpers/db';

describe('comments on an assessment', () => {
	it('are listed oldest first with their author, and recorded in the audit trail', async () => {
		const db = freshDb();
		await seedDemo(db, new Date('2026-11-23T09:00:00Z'));
		const facilitator = db.query.users
			.findFirst({ where: (u, { eq }) => eq(u.email, 'facilitator@demo.example') })
			.sync()!;
		const person = personFor(db, {
			id: facilitator.id,
			email: facilitator.email,
			name: facilitator.name,
			isPlatformAdmin: false
		});
		// Comments are only taken while an assessment is being agreed.
		const assessment = db
			.select({ id: assessments.id, serviceId: assessments.serviceId })
			.from(assessments)
			.innerJoin(rounds, eq(rounds.id, assessments.roundId))
			.where(and(eq(rounds.status, 'open'), eq(assessments.status, 'in_progress')))
			.get()!;
		const organisationId = person.memberships[0].organisationId;

		addComment(
			db,
			person,
			assessment,
			organisationId,
			'Second thought',
			new Date('2026-11-23T11:00:00Z')
		);
		addComment(
			db,
			person,
			assessment,
			organisationId,
			'First thought',
			new Date('2026-11-23T10:00:00Z')
		);
		expect(listComments(db, assessment.id).items.map((c) => [c.body, c.author])).toEqual([
			['First thought', 'Aisha Rahman'],
			['Second thought', 'Aisha Rahman']
		]);
		expect(
			db.select().from(auditEvents).where(eq(auditEvents.action, 'comment.created')).all()
		).toHaveLength(2);
	});

	it('must say something, and not too much', () => {
		expect(commentInputSchema.safeParse({ body: '   ' }).success).toBe(false);
		expect(commentInputSchema.safeParse({ body: 'x'.repeat(MAX_COMMENT_LENGTH + 1) }).success).toBe(
			false
		);
		expect(commentInputSchema.parse({ body: '  Good evidence from carers  ' })).toEqual({
			body: 'Good evidence from carers'
		});
	});

	it('cannot point at an assessment that does not exist', () => {
		const db = freshDb();
		const person = { id: 'nobody', isPlatformAdmin: false, memberships: [] };
		expect(() =>
			addComment(db, person, { id: 'missing', serviceId: 'missing' }, 'missing', 'Hello')
		).toThrow();
		expect(db.select().from(assessmentComments).all()).toHaveLength(0);
		expect(db.select().from(auditEvents).all()).toHaveLength(0);
	});
});
