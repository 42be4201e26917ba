import { describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { addComment, listComments } from '$lib/server/comments';
import { addActionNote, createAction } from '$lib/server/actions/changes';
import { actionNotesFor } from '$lib/server/actions/plan';
import { actionNotes, assessmentComments, assessments, auditEvents } from '$lib/server/db/schema';
import { minutesToWait, POSTS_PER_HOUR, tooManyPostsMessage } from '$lib/domain/posting-limits';
import { pageWindow, pagingFrom } from '$lib/domain/paging';
import { openedRound, trustWithService } from './helpers/world';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { parseForm } from '$lib/server/forms';
import { actionInputSchema } from '$lib/server/actions/form';

const start = new Date('2026-05-01T09:00:00Z');
const minutesAfter = (m: number) => new Date(start.getTime() + m * 60_000);

function commentCount(w: ReturnType<typeof trustWithService>) {
	return w.db.select({ n: count() }).from(assessmentComments).get()!.n;
}

describe('how often one person may post', () => {
	it('waits until the oldest of the last hour’s posts is an hour old', () => {
		expect(minutesToWait(null, start)).toBeNull();
		expect(minutesToWait(minutesAfter(-61), start)).toBeNull();
		expect(minutesToWait(minutesAfter(-60), start)).toBeNull();
		expect(minutesToWait(minutesAfter(-59.5), start)).toBe(1);
		expect(minutesToWait(minutesAfter(-20), start)).toBe(40);
		expect(tooManyPostsMessage('comments', 40)).toBe(
			'You have added 30 comments in the last hour, the most anyone can. Please wait 40 minutes before adding another.'
		);
	});

	it('refuses the 31st comment in an hour, saying how long to wait, and records nothing', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-04-01', start);
		for (let i = 0; i < POSTS_PER_HOUR; i++)
			expect(
				addComment(w.db, w.person, assessment, w.organisationId, `Comment ${i}`, minutesAfter(i))
			).toMatchObject({ ok: true });
		const audited = w.db.select().from(auditEvents).all().length;

		expect(
			addComment(w.db, w.person, assessment, w.organisationId, 'One more', minutesAfter(40))
		).toEqual({ ok: false, reason: 'too-many', minutesToWait: 20 });
		expect(commentCount(w)).toBe(POSTS_PER_HOUR);
		expect(w.db.select().from(auditEvents).all()).toHaveLength(audited);

		// An hour after the first, one more is allowed again.
		expect(
			addComment(w.db, w.person, assessment, w.organisationId, 'Later', minutesAfter(60))
		).toMatchObject({ ok: true });
	});

	it('refuses comments on a complete assessment and in a closed round', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-04-01', start);
		w.db
			.update(assessments)
			.set({ status: 'complete' })
			.where(eq(assessments.id, assessment.id))
			.run();
		expect(addComment(w.db, w.person, assessment, w.organisationId, 'Too late', start)).toEqual({
			ok: false,
			reason: 'locked',
			message: 'This assessment has been marked complete.'
		});
		expect(commentCount(w)).toBe(0);
		expect(
			w.db.select().from(auditEvents).where(eq(auditEvents.action, 'comment.created')).all()
		).toHaveLength(0);
	});

	it('refuses the 31st progress note in an hour, and records nothing', () => {
		const w = trustWithService();
		openedRound(w, 'Spring 2026', '2026-04-01', start);
		const action = addedAction(w);
		for (let i = 0; i < POSTS_PER_HOUR; i++)
			expect(addActionNote(w.db, w.person, action, `Note ${i}`, minutesAfter(i))).toEqual({
				ok: true
			});
		expect(addActionNote(w.db, w.person, action, 'One more', minutesAfter(59))).toEqual({
			ok: false,
			minutesToWait: 1
		});
		expect(w.db.select({ n: count() }).from(actionNotes).get()!.n).toBe(POSTS_PER_HOUR);
	});
});

function addedAction(w: ReturnType<typeof trustWithService>) {
	const form = new FormData();
	const fields = {
		challengeId: frameworkContent(w.db, w.frameworkId).challenges[0].id,
		title: 'Peer workers at ward rounds',
		ownerName: 'Sam Patel',
		startDay: '1',
		startMonth: '4',
		startYear: '2026',
		dueDay: '30',
		dueMonth: '9',
		dueYear: '2026'
	};
	for (const [k, v] of Object.entries(fields)) form.set(k, v);
	const parsed = parseForm(actionInputSchema, form);
	if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
	const created = createAction(w.db, w.person, w.organisationId, w.serviceId, parsed.data, start);
	if (!created.ok) throw new Error('action not created');
	return { id: created.id, organisationId: w.organisationId, serviceId: w.serviceId };
}

describe('long lists are shown a page at a time', () => {
	it('reads the page and order from the address, and keeps the page within the list', () => {
		const names = { page: 'notes-page', order: 'notes-order' };
		expect(
			pagingFrom(new URLSearchParams('notes-page=3&notes-order=oldest'), names, 'newest')
		).toEqual({
			page: 3,
			order: 'oldest'
		});
		expect(
			pagingFrom(new URLSearchParams('notes-page=-1&notes-order=sideways'), names, 'newest')
		).toEqual({
			page: 1,
			order: 'newest'
		});
		expect(pagingFrom(new URLSearchParams('notes-page=1e999'), names, 'oldest').page).toBe(1);
		expect(pageWindow(9, 45)).toEqual({ page: 3, pages: 3, offset: 40, limit: 20 });
		expect(pageWindow(1, 0)).toEqual({ page: 1, pages: 1, offset: 0, limit: 20 });
	});

	it('gives an action with many notes 20 a page, newest first unless asked', () => {
		const w = trustWithService();
		openedRound(w, 'Spring 2026', '2026-04-01', start);
		const action = addedAction(w);
		w.db
			.insert(actionNotes)
			.values(
				Array.from({ length: 1000 }, (_, i) => ({
					id: `note-${String(i).padStart(4, '0')}`,
					actionId: action.id,
					userId: w.person.id,
					body: `Note ${i}`,
					createdAt: minutesAfter(i)
				}))
			)
			.run();

		const first = actionNotesFor(w.db, action.id);
		expect(first).toMatchObject({ total: 1000, page: 1, pages: 50, order: 'newest' });
		expect(first.items.map((n) => n.body)).toEqual(
			Array.from({ length: 20 }, (_, i) => `Note ${999 - i}`)
		);
		const oldest = actionNotesFor(w.db, action.id, { page: 2, order: 'oldest' });
		expect(oldest.items.map((n) => n.body)).toEqual(
			Array.from({ length: 20 }, (_, i) => `Note ${20 + i}`)
		);
		expect(actionNotesFor(w.db, action.id, { page: 99, order: 'newest' }).page).toBe(50);
	});

	it('gives an assessment with many comments 20 a page, oldest first unless asked', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-04-01', start);
		w.db
			.insert(assessmentComments)
			.values(
				Array.from({ length: 45 }, (_, i) => ({
					id: `comment-${String(i).padStart(2, '0')}`,
					assessmentId: assessment.id,
					userId: w.person.id,
					body: `Comment ${i}`,
					createdAt: minutesAfter(i)
				}))
			)
			.run();
		const last = listComments(w.db, assessment.id, { page: 3, order: 'oldest' });
		expect(last).toMatchObject({ total: 45, page: 3, pages: 3 });
		expect(last.items.map((c) => c.body)).toEqual(
			Array.from({ length: 5 }, (_, i) => `Comment ${40 + i}`)
		);
		expect(listComments(w.db, assessment.id, { page: 1, order: 'newest' }).items[0].body).toBe(
			'Comment 44'
		);
	});
});
