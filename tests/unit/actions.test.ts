import { agreedScoreField, reviewField } from '$lib/forms/field-names';
import { describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createOrganisation } from '$lib/server/organisations';
import { createService } from '$lib/server/services';
import { closeRound } from '$lib/server/rounds/transitions';
import { parseAssessmentForm } from '$lib/server/assessments/form';
import { saveAssessment } from '$lib/server/assessments/save';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { personFor } from '$lib/server/users';
import { actionInputSchema, actionUpdateSchema } from '$lib/server/actions/form';
import { addActionNote, createAction, updateAction } from '$lib/server/actions/changes';
import { getAction } from '$lib/server/actions/rows';
import { servicePlan } from '$lib/server/actions/plan';
import { actionsToReview, parseReviewForm, saveReview } from '$lib/server/actions/review';
import { myWork } from '$lib/server/actions/my-work';
import { organisationActions, servicesWithoutPlan } from '$lib/server/actions/overview';
import {
	actionNotes,
	assessments,
	auditEvents,
	frameworks,
	improvementActions,
	memberships
} from '$lib/server/db/schema';
import { parseForm } from '$lib/server/forms';
import { newId } from '$lib/server/ids';
import { freshDb, insertUser } from './helpers/db';
import { openedRound as openRoundOf, trustWithService } from './helpers/world';
import type { Db } from '$lib/server/db/client';

function world() {
	const w = trustWithService();
	return { ...w, challenges: frameworkContent(w.db, w.frameworkId).challenges };
}
type World = ReturnType<typeof world>;

const openedRound = (w: World, title: string, periodStart: string, now: Date) =>
	openRoundOf(w, title, periodStart, now).assessment;

const actionForm = (fields: Record<string, string>) => {
	const form = new FormData();
	const defaults = {
		title: 'Peer worker at every ward round',
		description: '',
		ownerUserId: '',
		ownerName: 'Sam Patel',
		startDay: '1',
		startMonth: '4',
		startYear: '2026',
		dueDay: '30',
		dueMonth: '9',
		dueYear: '2026'
	};
	for (const [k, v] of Object.entries({ ...defaults, ...fields })) form.set(k, v);
	return form;
};

function addAction(w: World, fields: Record<string, string>, now: Date) {
	const parsed = parseForm(
		actionInputSchema,
		actionForm({ challengeId: w.challenges[0].id, ...fields })
	);
	if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
	const created = createAction(w.db, w.person, w.organisationId, w.serviceId, parsed.data, now);
	if (!created.ok) throw new Error(JSON.stringify(created.errors));
	return created.id;
}

function update(w: World, actionId: string, fields: Record<string, string>, now: Date) {
	const action = w.db
		.select()
		.from(improvementActions)
		.where(eq(improvementActions.id, actionId))
		.get()!;
	const form = actionForm({
		challengeId: action.challengeId,
		title: action.title,
		ownerName: action.ownerName ?? '',
		ownerUserId: action.ownerUserId ?? '',
		status: action.status,
		outcome: action.outcome,
		...fields
	});
	const parsed = parseForm(actionUpdateSchema, form);
	if (!parsed.ok) return { ok: false as const, errors: parsed.errors };
	return updateAction(w.db, w.person, w.organisationId, w.serviceId, actionId, parsed.data, now);
}

const auditCount = (db: Db, action: string) =>
	db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.action, action)).get()!.n;

describe('bad input to an action', () => {
	it('refuses a due date before the start date, an over-long owner and a status that does not exist', () => {
		const dueFirst = parseForm(
			actionInputSchema,
			actionForm({ challengeId: 'c', dueDay: '1', dueMonth: '3', dueYear: '2026' })
		);
		expect(dueFirst.ok).toBe(false);
		if (!dueFirst.ok)
			expect(dueFirst.errors.dueDay).toBe(
				'The due date must be the same as or after the start date'
			);

		const longOwner = parseForm(
			actionInputSchema,
			actionForm({ challengeId: 'c', ownerName: 'x'.repeat(121) })
		);
		expect(longOwner.ok).toBe(false);
		if (!longOwner.ok)
			expect(longOwner.errors.ownerName).toBe("The owner's name must be 120 characters or fewer");

		const noOwner = parseForm(actionInputSchema, actionForm({ challengeId: 'c', ownerName: '' }));
		expect(noOwner.ok).toBe(false);
		if (!noOwner.ok) expect(noOwner.errors.ownerUserId).toMatch(/Select the owner/);

		const status = parseForm(
			actionUpdateSchema,
			actionForm({ challengeId: 'c', status: 'finished', outcome: '' })
		);
		expect(status.ok).toBe(false);
		if (!status.ok) expect(status.errors.status).toBe('Select a status from the list');

		const noDue = parseForm(
			actionInputSchema,
			actionForm({ challengeId: 'c', dueDay: '', dueMonth: '', dueYear: '' })
		);
		expect(noDue.ok).toBe(false);
		if (!noDue.ok) expect(noDue.errors.dueDay).toBe('Enter the date the action is due');
	});

	it('refuses a challenge outside the service’s pack and an owner from outside the service, storing nothing', () => {
		const w = world();
		openedRound(w, 'Spring 2026', '2026-04-01', new Date('2026-04-01T09:00:00Z'));
		const otherPack = freshDb(); // a challenge id that exists nowhere in this database
		const foreignChallenge = frameworkContent(
			otherPack,
			otherPack.select().from(frameworks).get()!.id
		).challenges[0].id;
		const parsed = parseForm(actionInputSchema, actionForm({ challengeId: foreignChallenge }));
		if (!parsed.ok) throw new Error('form should parse');
		const refused = createAction(w.db, w.person, w.organisationId, w.serviceId, parsed.data);
		expect(refused).toEqual({
			ok: false,
			status: 400,
			errors: { challengeId: 'Select one of this service’s challenges from the list' }
		});

		const stranger = insertUser(w.db, { name: 'Not In This Trust' });
		const withStranger = parseForm(
			actionInputSchema,
			actionForm({ challengeId: w.challenges[0].id, ownerName: '', ownerUserId: stranger.id })
		);
		if (!withStranger.ok) throw new Error('form should parse');
		const refusedOwner = createAction(
			w.db,
			w.person,
			w.organisationId,
			w.serviceId,
			withStranger.data
		);
		expect(refusedOwner.ok).toBe(false);
		expect(w.db.select({ n: count() }).from(improvementActions).get()!.n).toBe(0);
		expect(auditCount(w.db, 'action.created')).toBe(0);
	});

	it('will not change an action through another organisation’s address', () => {
		const w = world();
		openedRound(w, 'Spring 2026', '2026-04-01', new Date('2026-04-01T09:00:00Z'));
		const actionId = addAction(w, {}, new Date('2026-04-02T09:00:00Z'));
		const otherOrganisation = createOrganisation(w.db, w.person, {
			name: 'Eastgate',
			odsCode: '',
			groupingLabel: 'Directorate'
		});
		const parsed = parseForm(
			actionUpdateSchema,
			actionForm({
				challengeId: w.challenges[0].id,
				title: 'Hijacked',
				status: 'in_progress',
				outcome: ''
			})
		);
		if (!parsed.ok) throw new Error('form should parse');
		expect(
			updateAction(w.db, w.person, otherOrganisation, w.serviceId, actionId, parsed.data).ok
		).toBe(false);
		expect(getAction(w.db, otherOrganisation, w.serviceId, actionId)).toBeUndefined();
		expect(getAction(w.db, w.organisationId, w.serviceId, actionId)!.title).toBe(
			'Peer worker at every ward round'
		);
	});
});

describe('planning and changing actions', () => {
	it('records who owns it, its changes and notes, each in the audit trail', () => {
		const w = world();
		const assessment = openedRound(
			w,
			'Spring 2026',
			'2026-04-01',
			new Date('2026-04-01T09:00:00Z')
		);
		const lead = insertUser(w.db, { name: 'Priya Shah' });
		w.db
			.insert(memberships)
			.values({
				id: newId(),
				userId: lead.id,
				organisationId: w.organisationId,
				serviceId: w.serviceId,
				role: 'service_lead',
				createdAt: new Date()
			})
			.run();

		const actionId = addAction(
			w,
			{ ownerName: '', ownerUserId: lead.id },
			new Date('2026-04-02T09:00:00Z')
		);
		const created = getAction(w.db, w.organisationId, w.serviceId, actionId)!;
		expect(created).toMatchObject({
			ownerName: 'Priya Shah',
			status: 'not_started',
			assessmentId: assessment.id,
			dueDate: '2026-09-30',
			startDate: '2026-04-01'
		});

		expect(
			update(
				w,
				actionId,
				{ status: 'in_progress', ownerUserId: '', ownerName: 'Jo, carer representative' },
				new Date('2026-04-10T09:00:00Z')
			).ok
		).toBe(true);
		expect(getAction(w.db, w.organisationId, w.serviceId, actionId)!.ownerName).toBe(
			'Jo, carer representative'
		);

		const closeWithoutOutcome = update(
			w,
			actionId,
			{ status: 'done' },
			new Date('2026-05-01T09:00:00Z')
		);
		expect(closeWithoutOutcome).toMatchObject({
			ok: false,
			errors: { outcome: expect.stringMatching(/outcome note/) }
		});
		expect(getAction(w.db, w.organisationId, w.serviceId, actionId)!.status).toBe('in_progress');

		expect(
			update(
				w,
				actionId,
				{ status: 'done', outcome: 'Peer workers attend every ward round' },
				new Date('2026-05-01T09:00:00Z')
			).ok
		).toBe(true);
		const done = getAction(w.db, w.organisationId, w.serviceId, actionId)!;
		expect(done.status).toBe('done');
		expect(done.closedAt).toEqual(new Date('2026-05-01T09:00:00Z'));

		addActionNote(
			w.db,
			w.person,
			done,
			'Discussed at the team meeting',
			new Date('2026-05-02T09:00:00Z')
		);
		expect(w.db.select({ n: count() }).from(actionNotes).get()!.n).toBe(1);
		expect(auditCount(w.db, 'action.created')).toBe(1);
		expect(auditCount(w.db, 'action.updated')).toBe(2);
		expect(auditCount(w.db, 'action.note_added')).toBe(1);
	});

	it('shows the latest priorities with their actions, the rest apart, and flags what is overdue', () => {
		const w = world();
		const assessment = openedRound(
			w,
			'Spring 2026',
			'2026-04-01',
			new Date('2026-04-01T09:00:00Z')
		);
		const content = frameworkContent(w.db, w.frameworkId);
		const form = new FormData();
		form.set(agreedScoreField.priority(1), w.challenges[2].id);
		const parsed = parseAssessmentForm(form, content);
		if (!parsed.ok) throw new Error('bad form');
		saveAssessment(w.db, w.person, assessment, w.organisationId, { ...parsed.input, scores: [] });

		addAction(
			w,
			{ challengeId: w.challenges[2].id, title: 'On the priority', dueDay: '10', dueMonth: '6' },
			new Date('2026-04-02T09:00:00Z')
		);
		addAction(
			w,
			{ challengeId: w.challenges[5].id, title: 'Elsewhere' },
			new Date('2026-04-02T09:00:00Z')
		);
		const plan = servicePlan(w.db, w.serviceId, {}, new Date('2026-06-11T08:00:00Z'));
		expect(
			plan.priorities.map((p) => [p.rank, p.actions.map((a) => [a.title, a.overdue])])
		).toEqual([[1, [['On the priority', true]]]]);
		expect(plan.otherActions.map((a) => a.title)).toEqual(['Elsewhere']);
		expect(plan.overdueCount).toBe(1);
		expect(servicePlan(w.db, w.serviceId, { challenge: w.challenges[5].key }).total).toBe(1);
		expect(servicePlan(w.db, w.serviceId, { status: 'done' }).total).toBe(0);
	});
});

describe('review at the next round', () => {
	function twoRounds() {
		const w = world();
		const first = openedRound(w, 'Spring 2026', '2026-04-01', new Date('2026-04-01T09:00:00Z'));
		const done = addAction(w, { title: 'Done already' }, new Date('2026-04-02T09:00:00Z'));
		const open1 = addAction(w, { title: 'Still going' }, new Date('2026-04-02T09:00:00Z'));
		const open2 = addAction(w, { title: 'Never started' }, new Date('2026-04-02T09:00:00Z'));
		expect(
			update(
				w,
				done,
				{ status: 'done', outcome: 'Finished in May' },
				new Date('2026-05-01T09:00:00Z')
			).ok
		).toBe(true);
		const second = openedRound(w, 'Autumn 2026', '2026-10-01', new Date('2026-10-01T09:00:00Z'));
		return { w, first, second, done, open1, open2 };
	}

	it('lists the actions open when the next assessment started, and not the one already done', () => {
		const { w, second, open1, open2 } = twoRounds();
		expect(
			actionsToReview(w.db, second)
				.map((a) => a.id)
				.sort()
		).toEqual([open1, open2].sort());
		// An action raised during the new round is the new round's, not one to review.
		addAction(w, { title: 'New this round' }, new Date('2026-10-02T09:00:00Z'));
		expect(actionsToReview(w.db, second)).toHaveLength(2);
	});

	it('is part of completing: refused until every listed action has a decision, then carried forward stays open', () => {
		const { w, second, open1, open2 } = twoRounds();
		const content = frameworkContent(w.db, w.frameworkId);
		const scores = new FormData();
		for (const c of content.challenges) scores.set(agreedScoreField.level(c.id), '2');
		const parsed = parseAssessmentForm(scores, content);
		if (!parsed.ok) throw new Error('bad form');
		const refused = saveAssessment(w.db, w.person, second, w.organisationId, parsed.input, {
			complete: true
		});
		expect(refused).toMatchObject({
			ok: false,
			status: 400,
			errors: { review: expect.stringMatching(/2 actions/) }
		});

		const listed = actionsToReview(w.db, second);
		const reviewForm = new FormData();
		reviewForm.set(reviewField.decision(open1), 'carried_forward');
		reviewForm.set(reviewField.decision(open2), 'dropped');
		expect(parseReviewForm(reviewForm, listed)).toMatchObject({
			ok: false,
			errors: { [reviewField.note(open2)]: expect.stringMatching(/Enter a note/) }
		});
		reviewForm.set(reviewField.note(open2), 'The trust-wide plan covers this');
		reviewForm.set(reviewField.decision('not-listed'), 'done');
		const review = parseReviewForm(reviewForm, listed);
		if (!review.ok) throw new Error(JSON.stringify(review.errors));
		expect(review.input).toHaveLength(2);
		expect(
			saveReview(
				w.db,
				w.person,
				second,
				w.organisationId,
				review.input,
				new Date('2026-10-05T09:00:00Z')
			)
		).toEqual({ ok: true });

		expect(getAction(w.db, w.organisationId, w.serviceId, open1)!.status).toBe('not_started');
		expect(getAction(w.db, w.organisationId, w.serviceId, open2)).toMatchObject({
			status: 'dropped',
			outcome: 'The trust-wide plan covers this'
		});
		// Still listed, now with decisions, so the review can be changed until the assessment is complete.
		expect(
			actionsToReview(w.db, second)
				.map((a) => a.decision)
				.sort()
		).toEqual(['carried_forward', 'dropped']);
		expect(auditCount(w.db, 'action.reviewed')).toBe(2);
		expect(
			saveAssessment(w.db, w.person, second, w.organisationId, parsed.input, { complete: true })
		).toEqual({ ok: true });
		expect(servicesWithoutPlan(w.db, w.organisationId)).toEqual([]);
	});

	it('is refused when the round closed or the assessment completed after the page was read', () => {
		for (const change of ['round closed', 'assessment completed'] as const) {
			const { w, second, open1 } = twoRounds();
			// The page read the assessment while it was open; then, before the review was saved:
			if (change === 'round closed') {
				expect(closeRound(w.db, w.person, w.organisationId, second.roundId)).toEqual({ ok: true });
			} else {
				w.db
					.update(assessments)
					.set({ status: 'complete' })
					.where(eq(assessments.id, second.id))
					.run();
			}
			const before = auditCount(w.db, 'action.reviewed');
			const result = saveReview(w.db, w.person, second, w.organisationId, [
				{ actionId: open1, decision: 'dropped', note: 'Too late to decide' }
			]);
			expect(result, change).toMatchObject({ ok: false });
			expect(getAction(w.db, w.organisationId, w.serviceId, open1)!.status).toBe('not_started');
			expect(auditCount(w.db, 'action.reviewed')).toBe(before);
		}
	});

	it('an invalid decision is refused and changes nothing', () => {
		const { w, second, open1 } = twoRounds();
		const form = new FormData();
		form.set(reviewField.decision(open1), 'postponed');
		expect(parseReviewForm(form, actionsToReview(w.db, second))).toMatchObject({ ok: false });
		expect(getAction(w.db, w.organisationId, w.serviceId, open1)!.status).toBe('not_started');
	});
});

describe('across the organisation', () => {
	it('counts actions per challenge and status, filters overdue, and names services with no plan', () => {
		const w = world();
		const first = openedRound(w, 'Spring 2026', '2026-04-01', new Date('2026-04-01T09:00:00Z'));
		const quiet = createService(w.db, w.person, w.organisationId, {
			name: 'Quiet Ward',
			type: 'Acute inpatient ward'
		});
		if (!quiet.ok) throw new Error('no service');
		const content = frameworkContent(w.db, w.frameworkId);
		const scores = new FormData();
		for (const c of content.challenges) scores.set(agreedScoreField.level(c.id), '3');
		const parsed = parseAssessmentForm(scores, content);
		if (!parsed.ok) throw new Error('bad form');
		expect(
			saveAssessment(w.db, w.person, first, w.organisationId, parsed.input, { complete: true })
		).toEqual({ ok: true });
		expect(servicesWithoutPlan(w.db, w.organisationId).map((s) => s.serviceName)).toEqual([
			'Ashford CMHT'
		]);

		addAction(
			w,
			{ challengeId: w.challenges[0].id, dueDay: '1', dueMonth: '5' },
			new Date('2026-04-02T09:00:00Z')
		);
		addAction(w, { challengeId: w.challenges[0].id }, new Date('2026-04-02T09:00:00Z'));
		addAction(w, { challengeId: w.challenges[1].id }, new Date('2026-04-02T09:00:00Z'));
		const now = new Date('2026-06-01T09:00:00Z');
		const all = organisationActions(w.db, w.organisationId, {}, now);
		expect(all.actions).toHaveLength(3);
		const firstKey = w.challenges[0].key;
		expect(
			all.counts.find((c) => c.challengeKey === firstKey && c.status === 'not_started')
		).toMatchObject({ count: 2, overdue: 1 });
		expect(
			organisationActions(w.db, w.organisationId, { overdue: true }, now).actions
		).toHaveLength(1);
		expect(
			organisationActions(w.db, w.organisationId, { service: quiet.id }, now).actions
		).toHaveLength(0);
		expect(servicesWithoutPlan(w.db, w.organisationId)).toEqual([]);
	});

	it('my work lists what I own and the assessments waiting for me, only where I still hold a role', () => {
		const w = world();
		const assessment = openedRound(
			w,
			'Spring 2026',
			'2026-04-01',
			new Date('2026-04-01T09:00:00Z')
		);
		const lead = insertUser(w.db, { name: 'Priya Shah' });
		w.db
			.insert(memberships)
			.values({
				id: newId(),
				userId: lead.id,
				organisationId: w.organisationId,
				serviceId: w.serviceId,
				role: 'service_lead',
				createdAt: new Date()
			})
			.run();
		addAction(
			w,
			{ ownerName: '', ownerUserId: lead.id, title: 'Mine' },
			new Date('2026-04-02T09:00:00Z')
		);
		const leadPerson = personFor(w.db, {
			id: lead.id,
			email: '',
			name: '',
			isPlatformAdmin: false
		});
		const work = myWork(w.db, leadPerson);
		expect(work.actions.map((a) => a.title)).toEqual(['Mine']);
		expect(work.toAgree.map((a) => a.assessmentId)).toEqual([assessment.id]);
		expect(work.toRate).toEqual([]);

		w.db.delete(memberships).where(eq(memberships.userId, lead.id)).run();
		const removed = myWork(
			w.db,
			personFor(w.db, { id: lead.id, email: '', name: '', isPlatformAdmin: false })
		);
		expect(removed).toEqual({ actions: [], toRate: [], toAgree: [] });
	});
});
