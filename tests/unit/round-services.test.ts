import { describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { createService } from '$lib/server/services';
import { createOrganisation } from '$lib/server/organisations';
import { closeRound } from '$lib/server/rounds/transitions';
import { createRound } from '$lib/server/rounds/form';
import { roundParticipants } from '$lib/server/rounds/progress';
import {
	addServiceToRound,
	roundServiceChoices,
	takeServiceOutOfRound
} from '$lib/server/rounds/taking-part';
import { getRound } from '$lib/server/rounds/queries';
import {
	agreedScores,
	assessmentRaters,
	assessments,
	auditEvents,
	challenges,
	priorities,
	ratings,
	roundServices
} from '$lib/server/db/schema';
import { describeAction, describeChange } from '$lib/domain/audit-labels';
import { whyServiceCannotLeaveRound } from '$lib/domain/rounds';
import type { Db } from '$lib/server/db/client';
import { insertUser } from './helpers/db';
import { openedRound, trustWithService } from './helpers/world';

const T0 = new Date('2026-03-02T10:00:00Z');

/** Ashford in an open round, Willow Ward not (yet), and a service of another organisation. */
function world() {
	const w = trustWithService();
	const { roundId, assessment } = openedRound(w, 'Spring 2026', '2026-03-01', T0);
	const willow = createService(w.db, w.person, w.organisationId, {
		name: 'Willow Ward',
		type: 'Acute inpatient ward'
	});
	const elsewhere = createOrganisation(w.db, w.person, {
		name: 'Eastgate Trust',
		odsCode: '',
		groupingLabel: 'Locality'
	});
	const eastgate = createService(w.db, w.person, elsewhere, {
		name: 'Eastgate CMHT',
		type: 'Community mental health team'
	});
	if (!willow.ok || !eastgate.ok) throw new Error('service not created');
	const challengeId = w.db
		.select({ id: challenges.id })
		.from(challenges)
		.where(eq(challenges.frameworkId, w.frameworkId))
		.get()!.id;
	return {
		...w,
		roundId,
		ashfordAssessmentId: assessment.id,
		willowId: willow.id,
		eastgateId: eastgate.id,
		challengeId
	};
}

type World = ReturnType<typeof world>;

const rows = (db: Db) => ({
	roundServices: db.select({ n: count() }).from(roundServices).get()!.n,
	assessments: db.select({ n: count() }).from(assessments).get()!.n,
	auditEvents: db.select({ n: count() }).from(auditEvents).get()!.n
});

const eventsOf = (db: Db, action: string) =>
	db.select().from(auditEvents).where(eq(auditEvents.action, action)).all();

/** Someone invited to rate the assessment, who has rated one challenge. */
function rated(w: World, assessmentId: string) {
	const rater = insertUser(w.db, { name: 'Dan Evans' });
	w.db
		.insert(assessmentRaters)
		.values({ assessmentId, userId: rater.id, perspective: 'staff', invitedAt: T0 })
		.run();
	w.db
		.insert(ratings)
		.values({ assessmentId, userId: rater.id, challengeId: w.challengeId, level: 2, updatedAt: T0 })
		.run();
}

describe('adding a service to an open round', () => {
	it('adds it with its assessment and records it in the audit trail, all at once', () => {
		const w = world();
		const T1 = new Date('2026-03-10T09:00:00Z');
		expect(addServiceToRound(w.db, w.person, w.organisationId, w.roundId, w.willowId, T1)).toEqual({
			ok: true,
			serviceName: 'Willow Ward'
		});

		const willow = roundParticipants(w.db, w.roundId).find((p) => p.serviceId === w.willowId);
		expect(willow).toMatchObject({ serviceName: 'Willow Ward', assessmentStatus: 'in_progress' });
		expect(willow?.assessmentId).toBeTruthy();

		const [event] = eventsOf(w.db, 'round.service_added');
		expect(event).toMatchObject({
			userId: w.person.id,
			organisationId: w.organisationId,
			serviceId: w.willowId,
			entityType: 'round',
			entityId: w.roundId,
			at: T1,
			after: {
				serviceId: w.willowId,
				serviceName: 'Willow Ward',
				assessmentId: willow!.assessmentId
			}
		});
		expect(describeAction(event.action)).toBe('Added a service to an open round');
		expect(describeChange(event, { roundTitle: 'Spring 2026' })).toBe('Spring 2026: Willow Ward');

		const choices = roundServiceChoices(w.db, w.organisationId, { id: w.roundId, status: 'open' });
		expect(choices.others).toEqual([]);
		expect(choices.taking.map((s) => s.serviceName)).toEqual(['Ashford CMHT', 'Willow Ward']);
	});

	it('refuses a service already taking part, another organisation’s service, and a round that is not open, changing nothing', () => {
		const w = world();
		const before = rows(w.db);
		expect(addServiceToRound(w.db, w.person, w.organisationId, w.roundId, w.serviceId)).toEqual({
			ok: false,
			status: 400,
			field: 'serviceId',
			message: 'Ashford CMHT already takes part in this round'
		});
		expect(
			addServiceToRound(w.db, w.person, w.organisationId, w.roundId, w.eastgateId)
		).toMatchObject({ ok: false, status: 400, field: 'serviceId' });

		expect(closeRound(w.db, w.person, w.organisationId, w.roundId)).toEqual({ ok: true });
		const afterClosing = rows(w.db);
		expect(addServiceToRound(w.db, w.person, w.organisationId, w.roundId, w.willowId)).toEqual({
			ok: false,
			status: 409,
			message: 'Willow Ward cannot be added to the round: the round is closed.'
		});
		expect(afterClosing.auditEvents).toBe(before.auditEvents + 1);
		expect(rows(w.db)).toEqual(afterClosing);
	});

	it('leaves a draft round’s services to its edit page', () => {
		const w = world();
		const draft = createRound(w.db, w.person, w.organisationId, {
			title: 'Autumn 2026',
			frameworkId: w.frameworkId,
			serviceIds: [w.serviceId],
			periodStart: '2026-09-01',
			periodEnd: '2026-12-31'
		});
		if (!draft.ok) throw new Error(draft.message);
		expect(addServiceToRound(w.db, w.person, w.organisationId, draft.id, w.willowId)).toMatchObject(
			{
				ok: false,
				status: 409,
				message:
					'Willow Ward cannot be added to the round: the round is a draft, so choose its services by editing it.'
			}
		);
		expect(getRound(w.db, w.organisationId, draft.id)?.status).toBe('draft');
	});

	it('answers “not found” for a round of another organisation', () => {
		const w = world();
		const other = createOrganisation(w.db, w.person, {
			name: 'Riverside Trust',
			odsCode: '',
			groupingLabel: 'Directorate'
		});
		expect(addServiceToRound(w.db, w.person, other, w.roundId, w.willowId)).toMatchObject({
			ok: false,
			status: 404
		});
	});
});

describe('taking a service out of an open round', () => {
	it('takes out one whose assessment holds nothing, with its assessment and its raters’ invitations, recorded in the trail', () => {
		const w = world();
		const rater = insertUser(w.db, { name: 'Dan Evans' });
		w.db
			.insert(assessmentRaters)
			.values({
				assessmentId: w.ashfordAssessmentId,
				userId: rater.id,
				perspective: 'staff',
				invitedAt: T0
			})
			.run();
		// Evidence saved and then cleared again leaves an empty row behind, which holds nothing.
		w.db
			.insert(agreedScores)
			.values({ assessmentId: w.ashfordAssessmentId, challengeId: w.challengeId, updatedAt: T0 })
			.run();

		expect(takeServiceOutOfRound(w.db, w.person, w.organisationId, w.roundId, w.serviceId)).toEqual(
			{ ok: true, serviceName: 'Ashford CMHT' }
		);
		expect(roundParticipants(w.db, w.roundId)).toEqual([]);
		expect(
			w.db.select().from(assessments).where(eq(assessments.id, w.ashfordAssessmentId)).all()
		).toEqual([]);
		const [event] = eventsOf(w.db, 'round.service_taken_out');
		expect(event).toMatchObject({
			serviceId: w.serviceId,
			entityId: w.roundId,
			before: {
				serviceId: w.serviceId,
				serviceName: 'Ashford CMHT',
				assessmentId: w.ashfordAssessmentId,
				raters: [rater.id]
			},
			after: null
		});
		expect(describeChange(event, { roundTitle: 'Spring 2026' })).toBe('Spring 2026: Ashford CMHT');

		// It can join again, with a new assessment.
		expect(
			addServiceToRound(w.db, w.person, w.organisationId, w.roundId, w.serviceId)
		).toMatchObject({ ok: true });
	});

	it('refuses once its assessment has ratings, agreed levels, other work or is complete, saying why and changing nothing', () => {
		const cases: [string, (w: World) => void, string][] = [
			[
				'ratings',
				(w) => rated(w, w.ashfordAssessmentId),
				'Ashford CMHT cannot be taken out of the round: people have already given ratings in its assessment.'
			],
			[
				'an agreed level',
				(w) =>
					w.db
						.insert(agreedScores)
						.values({
							assessmentId: w.ashfordAssessmentId,
							challengeId: w.challengeId,
							level: 3,
							updatedAt: T0
						})
						.run(),
				'Ashford CMHT cannot be taken out of the round: its assessment already has agreed levels or evidence.'
			],
			[
				'evidence without a level',
				(w) =>
					w.db
						.insert(agreedScores)
						.values({
							assessmentId: w.ashfordAssessmentId,
							challengeId: w.challengeId,
							evidence: 'Peer workers co-chair the ward meeting',
							updatedAt: T0
						})
						.run(),
				'Ashford CMHT cannot be taken out of the round: its assessment already has agreed levels or evidence.'
			],
			[
				'priorities',
				(w) =>
					w.db
						.insert(priorities)
						.values({ assessmentId: w.ashfordAssessmentId, rank: 1, challengeId: w.challengeId })
						.run(),
				'Ashford CMHT cannot be taken out of the round: its assessment already holds the team’s priorities, resources, comments or actions.'
			],
			[
				'completion',
				(w) =>
					w.db
						.update(assessments)
						.set({ status: 'complete', completedAt: T0 })
						.where(eq(assessments.id, w.ashfordAssessmentId))
						.run(),
				'Ashford CMHT cannot be taken out of the round: its assessment is complete.'
			]
		];
		for (const [what, give, message] of cases) {
			const w = world();
			give(w);
			const before = rows(w.db);
			expect(
				takeServiceOutOfRound(w.db, w.person, w.organisationId, w.roundId, w.serviceId),
				what
			).toEqual({ ok: false, status: 409, message });
			expect(rows(w.db), what).toEqual(before);
			const choices = roundServiceChoices(w.db, w.organisationId, {
				id: w.roundId,
				status: 'open'
			});
			expect(choices.taking[0].staysBecause, what).toBe(message.split(': ')[1].replace(/\.$/, ''));
		}
	});

	it('refuses a service that does not take part, and any once the round is closed', () => {
		const w = world();
		expect(
			takeServiceOutOfRound(w.db, w.person, w.organisationId, w.roundId, w.willowId)
		).toMatchObject({ ok: false, status: 400, field: 'serviceId' });
		expect(closeRound(w.db, w.person, w.organisationId, w.roundId)).toEqual({ ok: true });
		expect(takeServiceOutOfRound(w.db, w.person, w.organisationId, w.roundId, w.serviceId)).toEqual(
			{
				ok: false,
				status: 409,
				message: 'Ashford CMHT cannot be taken out of the round: the round is closed.'
			}
		);
		expect(
			w.db
				.select({ n: count() })
				.from(roundServices)
				.where(and(eq(roundServices.roundId, w.roundId), eq(roundServices.serviceId, w.serviceId)))
				.get()!.n
		).toBe(1);
	});

	it('is a rule of its own: the first thing that holds the service in the round is the reason', () => {
		const nothing = {
			status: 'in_progress',
			ratings: 0,
			participants: 0,
			agreedScores: 0,
			otherWork: 0
		} as const;
		expect(whyServiceCannotLeaveRound('open', nothing)).toBeNull();
		expect(whyServiceCannotLeaveRound('draft', nothing)).toBe(
			'the round is a draft, so choose its services by editing it'
		);
		expect(whyServiceCannotLeaveRound('open', { ...nothing, status: 'complete', ratings: 3 })).toBe(
			'its assessment is complete'
		);
	});
});
