import { describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import {
	assessmentRaters,
	assessments,
	challenges,
	participantRatings,
	participants,
	ratings,
	ratingSessions,
	roundServices
} from '$lib/server/db/schema';
import { newId } from '$lib/server/ids';
import { ratingSpread, submittedPeople } from '$lib/server/ratings/spread';
import { standingOf } from '$lib/server/rounds/progress';
import { serviceDashboard } from '$lib/server/dashboards/service';
import { roundServiceChoices, takeServiceOutOfRound } from '$lib/server/rounds/taking-part';
import type { Perspective } from '$lib/domain/ratings';
import { insertUser } from './helpers/db';
import { openedRound, trustWithService } from './helpers/world';

const T0 = new Date('2026-03-02T10:00:00Z');
const HOUR = 60 * 60 * 1000;

function world() {
	const w = trustWithService();
	const { roundId, assessment } = openedRound(w, 'Spring 2026', '2026-03-01', T0);
	const challengeIds = w.db
		.select({ id: challenges.id })
		.from(challenges)
		.where(eq(challenges.frameworkId, w.frameworkId))
		.orderBy(challenges.position)
		.all()
		.map((c) => c.id);
	return { ...w, roundId, assessment, challengeIds };
}
type World = ReturnType<typeof world>;

/** Answers for the first challenges, in order: a level, or null for "don't know". */
type Answers = (number | null)[];

function answer(w: World, participantId: string, answers: Answers, comment = '') {
	answers.forEach((level, i) =>
		w.db
			.insert(participantRatings)
			.values({
				participantId,
				challengeId: w.challengeIds[i],
				level,
				dontKnow: level === null,
				comment: i === 0 ? comment : '',
				updatedAt: T0
			})
			.run()
	);
}

function paperSheet(w: World, perspective: Perspective, answers: Answers, comment = '') {
	const id = newId();
	w.db
		.insert(participants)
		.values({
			id,
			assessmentId: w.assessment.id,
			source: 'paper',
			perspective,
			enteredBy: w.person.id,
			createdAt: T0,
			submittedAt: T0
		})
		.run();
	answer(w, id, answers, comment);
	return id;
}

function ratingSession(w: World, startedAt: Date, closedAt: Date | null = null) {
	const id = newId();
	w.db
		.insert(ratingSessions)
		.values({
			id,
			assessmentId: w.assessment.id,
			joinCode: newId().slice(0, 9).toUpperCase(),
			pace: 'own_pace',
			startedAt,
			closesAt: new Date(startedAt.getTime() + 4 * HOUR),
			closedAt
		})
		.run();
	return id;
}

function inTheRoom(
	w: World,
	sessionId: string,
	perspective: Perspective,
	answers: Answers,
	submittedAt: Date | null = null
) {
	const id = newId();
	w.db
		.insert(participants)
		.values({
			id,
			assessmentId: w.assessment.id,
			source: 'session',
			ratingSessionId: sessionId,
			secretHash: Buffer.from(newId()),
			perspective,
			createdAt: T0,
			submittedAt
		})
		.run();
	answer(w, id, answers);
	return id;
}

/** A rater with an account who submitted these answers. */
function submittedRater(w: World, perspective: Perspective, answers: Answers) {
	const user = insertUser(w.db);
	w.db
		.insert(assessmentRaters)
		.values({
			assessmentId: w.assessment.id,
			userId: user.id,
			perspective,
			invitedAt: T0,
			submittedAt: T0
		})
		.run();
	answers.forEach((level, i) =>
		w.db
			.insert(ratings)
			.values({
				assessmentId: w.assessment.id,
				userId: user.id,
				challengeId: w.challengeIds[i],
				level,
				dontKnow: level === null,
				updatedAt: T0
			})
			.run()
	);
}

const firstChallenge = (w: World, agreesLevels: boolean, now = T0) =>
	ratingSpread(w.db, w.assessment.id, { agreesLevels, now }).challenges[0];

const byPerspective = (c: ReturnType<typeof firstChallenge>) =>
	Object.fromEntries(c.spread.byPerspective.map((r) => [r.label, [...r.counts, r.dontKnow]]));

describe('participants without an account count like raters', () => {
	it('counts a paper sheet at once, "don\'t know" included', () => {
		const w = world();
		paperSheet(w, 'staff', [2, null]);
		paperSheet(w, 'staff', [3, 3]);
		paperSheet(w, 'staff', [3]);
		expect(submittedPeople(w.db, w.assessment.id, T0)).toEqual(new Map([['staff', 3]]));
		const first = firstChallenge(w, false);
		expect(byPerspective(first)).toEqual({ 'Staff member': [0, 1, 2, 0, 0] });
		expect(first.median).toEqual({ kind: 'level', level: 3 });
		const second = ratingSpread(w.db, w.assessment.id, { agreesLevels: true, now: T0 })
			.challenges[1];
		expect(second.spread.dontKnow).toBe(1);
		expect(second.spread.rated).toBe(1);
	});

	it('counts a participant in a session once they submit, or once the session closes or expires', () => {
		const w = world();
		const session = ratingSession(w, T0);
		inTheRoom(w, session, 'staff', [4], null);
		inTheRoom(w, session, 'staff', [2], new Date(T0.getTime() + HOUR));
		const during = new Date(T0.getTime() + 2 * HOUR);
		// While the session is open, only the one who pressed submit counts.
		expect(byPerspective(firstChallenge(w, true, during))).toEqual({
			'Staff member': [0, 1, 0, 0, 0]
		});
		expect(submittedPeople(w.db, w.assessment.id, during)).toEqual(new Map([['staff', 1]]));
		// Past its closing time (4 hours), whatever was answered in the room counts.
		const expired = new Date(T0.getTime() + 4 * HOUR);
		expect(byPerspective(firstChallenge(w, true, expired))).toEqual({
			'Staff member': [0, 1, 0, 1, 0]
		});
		expect(submittedPeople(w.db, w.assessment.id, expired)).toEqual(new Map([['staff', 2]]));
		// Closed early by the facilitator: the same.
		w.db
			.update(ratingSessions)
			.set({ closedAt: new Date(T0.getTime() + HOUR) })
			.where(eq(ratingSessions.id, session))
			.run();
		expect(byPerspective(firstChallenge(w, true, during))).toEqual({
			'Staff member': [0, 1, 0, 1, 0]
		});
	});

	it('leaves out a participant who answered nothing', () => {
		const w = world();
		const session = ratingSession(w, T0, T0);
		inTheRoom(w, session, 'carer', [], T0);
		expect(submittedPeople(w.db, w.assessment.id, T0)).toEqual(new Map());
	});

	it('folds a perspective with fewer than three people, raters and participants together', () => {
		const w = world();
		submittedRater(w, 'staff', [2]);
		submittedRater(w, 'staff', [2]);
		submittedRater(w, 'staff', [3]);
		submittedRater(w, 'carer', [1]);
		paperSheet(w, 'carer', [1]);
		paperSheet(w, 'peer_support_worker', [4]);
		// A carer rater and a carer on paper are two: folded with the lone peer support worker.
		expect(byPerspective(firstChallenge(w, false))).toEqual({
			'Staff member': [0, 2, 1, 0, 0],
			'Other perspectives': [2, 0, 0, 1, 0]
		});
		// Whoever agrees the levels sees every perspective.
		expect(byPerspective(firstChallenge(w, true))).toEqual({
			'Staff member': [0, 2, 1, 0, 0],
			'Peer support worker': [0, 0, 0, 1, 0],
			'Carer, family member or supporter': [2, 0, 0, 0, 0]
		});
		// A third carer, in the room, makes carers enough to be shown apart.
		inTheRoom(w, ratingSession(w, T0, T0), 'carer', [2], null);
		expect(byPerspective(firstChallenge(w, false))).toEqual({
			'Staff member': [0, 2, 1, 0, 0],
			'Carer, family member or supporter': [2, 1, 0, 0, 0],
			'Other perspectives': [0, 0, 0, 1, 0]
		});
	});

	it('gives participants’ comments only by (folded) perspective and where they rated', () => {
		const w = world();
		paperSheet(w, 'carer', [1], 'Nobody asked me what I thought.');
		inTheRoom(w, ratingSession(w, T0, T0), 'peer_support_worker', [2]);
		w.db
			.update(participantRatings)
			.set({ comment: 'We talk about recovery a lot.' })
			.where(eq(participantRatings.level, 2))
			.run();
		const forLead = ratingSpread(w.db, w.assessment.id, {
			agreesLevels: true,
			withComments: true,
			now: T0
		}).challenges[0];
		expect(forLead.participantComments).toEqual([
			{
				from: 'Carer, family member or supporter, on paper',
				comment: 'Nobody asked me what I thought.'
			},
			{ from: 'Peer support worker, in the room', comment: 'We talk about recovery a lot.' }
		]);
		const forOthers = ratingSpread(w.db, w.assessment.id, {
			agreesLevels: false,
			withComments: true,
			now: T0
		}).challenges[0];
		expect(forOthers.participantComments.map((c) => c.from).sort()).toEqual([
			'Other perspectives, in the room',
			'Other perspectives, on paper'
		]);
		expect(
			ratingSpread(w.db, w.assessment.id, { agreesLevels: true, now: T0 }).challenges[0]
				.participantComments
		).toEqual([]);
	});

	it('moves the assessment to "Rating" and then "Agreeing" as raters do', () => {
		const w = world();
		const assessment = { id: w.assessment.id, periodEnd: '2026-03-28' };
		const now = new Date();
		expect(standingOf(w.db, assessment, T0)?.stage).toBe('not_started');
		// The stage reads the database's clock for a session's end: one open now.
		const session = ratingSession(w, new Date(now.getTime() - HOUR));
		const phone = inTheRoom(w, session, 'staff', [2]);
		expect(standingOf(w.db, assessment, T0)?.stage).toBe('rating');
		w.db.update(participants).set({ submittedAt: now }).where(eq(participants.id, phone)).run();
		expect(standingOf(w.db, assessment, T0)?.stage).toBe('agreeing');
		// A paper sheet alone is ratings given, and all of them count.
		const v = world();
		paperSheet(v, 'carer', [1]);
		expect(standingOf(v.db, { id: v.assessment.id, periodEnd: '2026-03-28' }, T0)?.stage).toBe(
			'agreeing'
		);
	});

	it('counts in the service dashboard’s perspective gap, folded perspectives added up', () => {
		const w = world();
		submittedRater(w, 'staff', [2]);
		paperSheet(w, 'staff', [2]);
		paperSheet(w, 'staff', [4]);
		paperSheet(w, 'carer', [1]);
		paperSheet(w, 'peer_support_worker', [1]);
		w.db
			.update(assessments)
			.set({ status: 'complete' })
			.where(eq(assessments.id, w.assessment.id))
			.run();
		const forLead = serviceDashboard(w.db, w.serviceId, {}, { agreesLevels: true })!;
		expect(forLead.perspectives.map((p) => p.key)).toEqual([
			'carer',
			'peer_support_worker',
			'staff'
		]);
		expect(forLead.gap[0].raters).toEqual([1, 1, 3]);
		expect(forLead.gap[0].medians[2]).toEqual({ kind: 'level', level: 2 });
		const forOthers = serviceDashboard(w.db, w.serviceId)!;
		expect(forOthers.perspectives).toEqual([
			{ key: 'other', label: 'Other perspectives' },
			{ key: 'staff', label: 'Staff member' }
		]);
		// The carer and the peer support worker both at level 1: two people, not one.
		expect(forOthers.gap[0].raters).toEqual([2, 3]);
		expect(forOthers.tables.gap.rows[0]).toContain(2);
	});
});

describe('taking a service out of a round once participants have rated', () => {
	const refusal = (w: World) =>
		takeServiceOutOfRound(w.db, w.person, w.organisationId, w.roundId, w.serviceId, T0);

	it('is refused with a clear message when paper sheets were entered', () => {
		const w = world();
		paperSheet(w, 'carer', [1]);
		expect(refusal(w)).toEqual({
			ok: false,
			status: 409,
			message:
				'Ashford CMHT cannot be taken out of the round: its assessment already holds a rating session or ratings entered from paper.'
		});
		const choices = roundServiceChoices(w.db, w.organisationId, { id: w.roundId, status: 'open' });
		expect(choices.taking[0].staysBecause).toMatch(/rating session or ratings entered from paper/);
		expect(w.db.select({ n: count() }).from(roundServices).get()!.n).toBe(1);
	});

	it('is refused, never a foreign-key failure, when a session was started with nobody in it', () => {
		const w = world();
		ratingSession(w, T0);
		expect(refusal(w)).toMatchObject({ ok: false, status: 409 });
		expect(w.db.select({ n: count() }).from(assessments).get()!.n).toBe(1);
	});

	it('still takes out a service whose assessment holds nothing', () => {
		const w = world();
		expect(refusal(w)).toEqual({ ok: true, serviceName: 'Ashford CMHT' });
	});
});
