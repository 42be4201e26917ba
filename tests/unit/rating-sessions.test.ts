import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { MAX_PARTICIPANTS_PER_SESSION, SESSION_MAX_LENGTH_MS } from '$lib/domain/rating-sessions';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { ratingSpread } from '$lib/server/ratings/spread';
import { auditEvents, assessments, participantRatings, participants } from '$lib/server/db/schema';
import {
	closeSession,
	joinSession,
	moveChallenge,
	openSessionForCode,
	openSessionOf,
	ownAnswers,
	participantFromCookie,
	revealChallenge,
	saveAnswer,
	screenState,
	startSession,
	submitAnswers,
	HourlyCap,
	type RatingSessionRecord
} from '$lib/server/rating-sessions';
import { joinLimits, WRONG_CODES_FORGIVEN } from '$lib/server/rating-sessions/limits';
import {
	listenerCount,
	publish,
	subscribe,
	MAX_STREAMS_PER_SESSION
} from '$lib/server/rating-sessions/hub';
import { openedRound, trustWithService } from './helpers/world';

function world(pace: 'together' | 'own_pace' = 'together', now = new Date()) {
	const w = trustWithService();
	const { assessment } = openedRound(w, 'Spring 2026', '2026-03-01', now);
	const started = startSession(w.db, w.person, assessment, { pace, order: 'rate_first' }, now);
	if (!started.ok) throw new Error(started.message);
	const content = frameworkContent(w.db, w.frameworkId);
	return { ...w, assessment, session: started.session, content, now };
}

function joined(
	w: ReturnType<typeof world>,
	perspective: Parameters<typeof joinSession>[2] = 'staff'
) {
	const result = joinSession(w.db, w.session, perspective, w.now);
	if (!result.ok) throw new Error(result.problem);
	const who = participantFromCookie(w.db, result.cookieValue, w.session.id);
	if (!who.ok) throw new Error(who.problem);
	return { ...who.participant, cookieValue: result.cookieValue };
}

const fresh = (w: ReturnType<typeof world>): RatingSessionRecord =>
	openSessionOf(w.db, w.assessment.id, w.now)!;
const answerCount = (w: ReturnType<typeof world>) =>
	w.db.select().from(participantRatings).all().length;

describe('starting and closing a rating session', () => {
	it('starts one open session at a time, with a code that opens it, audited without answers', () => {
		const w = world();
		expect(w.session.joinCode).toMatch(/^[A-Z2-9]{9}$/);
		expect(w.session.closesAt.getTime() - w.session.startedAt.getTime()).toBe(
			SESSION_MAX_LENGTH_MS
		);
		expect(w.session.currentChallengeId).toBe(w.content.challenges[0].id);
		const again = startSession(w.db, w.person, w.assessment, {
			pace: 'own_pace',
			order: 'rate_first'
		});
		expect(again).toMatchObject({ ok: false, status: 409 });
		const typed = w.session.joinCode.toLowerCase().replace(/(...)(...)(...)/, '$1-$2 $3');
		expect(openSessionForCode(w.db, typed)).toMatchObject({ ok: true });
		const events = w.db
			.select()
			.from(auditEvents)
			.all()
			.filter((e) => e.action.startsWith('rating_session'));
		expect(events.map((e) => e.action)).toEqual(['rating_session.opened']);
	});

	it('is refused while the assessment is locked', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-03-01');
		w.db
			.update(assessments)
			.set({ status: 'complete' })
			.where(eq(assessments.id, assessment.id))
			.run();
		const result = startSession(
			w.db,
			w.person,
			{ ...assessment, status: 'complete' },
			{ pace: 'together', order: 'rate_first' }
		);
		expect(result).toMatchObject({ ok: false, status: 409 });
	});

	it('stores and audits a change of the rating order', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-03-01');
		startSession(w.db, w.person, assessment, { pace: 'together', order: 'discuss_first' });
		const row = w.db.select().from(assessments).where(eq(assessments.id, assessment.id)).get()!;
		expect(row.ratingOrder).toBe('discuss_first');
		const changed = w.db
			.select()
			.from(auditEvents)
			.all()
			.filter((e) => e.action === 'assessment.rating_order_changed');
		expect(changed).toHaveLength(1);
	});

	it('closes: the code dies, answers given count as submitted, and the audit holds only how many', () => {
		const w = world();
		const p = joined(w);
		saveAnswer(w.db, w.session, p, w.frameworkId, {
			challengeId: w.content.challenges[0].id,
			choice: 2,
			comment: 'secret words'
		});
		expect(closeSession(w.db, w.person, fresh(w))).toEqual({ ok: true });
		expect(openSessionForCode(w.db, w.session.joinCode)).toEqual({
			ok: false,
			problem: 'not-open'
		});
		// Counted on the assessment's spread now, submitted or not.
		const spread = ratingSpread(w.db, w.assessment.id, { agreesLevels: true });
		expect(spread.challenges[0].spread.counts.reduce((a, b) => a + b)).toBe(1);
		const closed = w.db
			.select()
			.from(auditEvents)
			.all()
			.find((e) => e.action === 'rating_session.closed')!;
		expect(closed.after).toEqual({ participants: 1, answers: 1 });
		expect(JSON.stringify(w.db.select().from(auditEvents).all())).not.toContain('secret words');
		// A closed session takes no answers.
		const late = saveAnswer(
			w.db,
			{ ...w.session, closedAt: new Date() },
			{ ...p, submittedAt: null },
			w.frameworkId,
			{
				challengeId: w.content.challenges[0].id,
				choice: 3,
				comment: ''
			}
		);
		expect(late).toEqual({ ok: false, problem: 'closed' });
	});

	it('expires after four hours: the code no longer opens it, and it is closed as of then', () => {
		const w = world();
		const later = new Date(w.session.closesAt.getTime() + 1000);
		expect(openSessionForCode(w.db, w.session.joinCode, later)).toEqual({
			ok: false,
			problem: 'not-open'
		});
		expect(openSessionOf(w.db, w.assessment.id, later)).toBeNull();
		const closed = w.db
			.select()
			.from(auditEvents)
			.all()
			.find((e) => e.action === 'rating_session.closed');
		expect(closed?.userId).toBeNull();
	});
});

describe('joining', () => {
	it('keeps only a hash of the secret, and knows the participant only by their own session’s cookie', () => {
		const w = world();
		const p = joined(w, 'carer');
		const row = w.db.select().from(participants).get()!;
		expect(row.secretHash?.length).toBe(32);
		expect(p.cookieValue).not.toContain(row.secretHash!.toString('base64url'));
		const [id, secret] = p.cookieValue.split('.');
		expect(participantFromCookie(w.db, `${id}.${'A'.repeat(secret.length)}`, w.session.id)).toEqual(
			{ ok: false, problem: 'wrong-secret' }
		);
		expect(participantFromCookie(w.db, 'rubbish', w.session.id)).toEqual({
			ok: false,
			problem: 'wrong-secret'
		});
		expect(participantFromCookie(w.db, undefined, w.session.id)).toEqual({
			ok: false,
			problem: 'none'
		});

		// Another session's cookie.
		const other = trustWithService();
		const { assessment } = openedRound(other, 'Other', '2026-03-01');
		const otherSession = startSession(
			w.db,
			w.person,
			{ ...assessment, id: w.assessment.id },
			{ pace: 'together', order: 'rate_first' }
		);
		expect(otherSession.ok).toBe(false); // one open session per assessment
		expect(participantFromCookie(w.db, p.cookieValue, 'another-session')).toEqual({
			ok: false,
			problem: 'other-session'
		});
	});

	it('takes at most 60 participants', () => {
		const w = world();
		for (let i = 0; i < MAX_PARTICIPANTS_PER_SESSION; i++) joined(w);
		expect(joinSession(w.db, w.session, 'staff', w.now)).toEqual({ ok: false, problem: 'full' });
		expect(w.db.select().from(participants).all()).toHaveLength(MAX_PARTICIPANTS_PER_SESSION);
	});

	it('limits wrong codes per address, never right ones, and caps joins per address per hour', () => {
		const w = world();
		let clock = 0;
		const limits = joinLimits(() => clock);
		for (let i = 0; i < 100; i++)
			expect(limits.checkCode(w.db, '10.0.0.1', w.session.joinCode).ok).toBe(true);
		for (let i = 0; i < WRONG_CODES_FORGIVEN; i++)
			expect(limits.checkCode(w.db, '10.0.0.1', 'ABCABCABC')).toEqual({
				ok: false,
				problem: 'not-open'
			});
		expect(limits.checkCode(w.db, '10.0.0.1', w.session.joinCode)).toEqual({
			ok: false,
			problem: 'throttled'
		});
		expect(limits.checkCode(w.db, '10.0.0.2', w.session.joinCode).ok).toBe(true);
		clock += 60_000;
		expect(limits.checkCode(w.db, '10.0.0.1', w.session.joinCode).ok).toBe(true);

		const cap = new HourlyCap(100, () => clock);
		for (let i = 0; i < 100; i++) expect(cap.take('a')).toBe(true);
		expect(cap.take('a')).toBe(false);
		clock += 60 * 60 * 1000;
		expect(cap.take('a')).toBe(true);
	});
});

describe('answering', () => {
	it('saves and changes a participant’s own answer until they submit, then refuses', () => {
		const w = world();
		const p = joined(w);
		const first = w.content.challenges[0].id;
		expect(
			saveAnswer(w.db, w.session, p, w.frameworkId, { challengeId: first, choice: 2, comment: '' })
		).toEqual({ ok: true });
		expect(
			saveAnswer(w.db, w.session, p, w.frameworkId, {
				challengeId: first,
				choice: 'dont-know',
				comment: 'unsure'
			})
		).toEqual({ ok: true });
		expect(ownAnswers(w.db, p.id)).toEqual([
			{ challengeId: first, level: null, dontKnow: true, comment: 'unsure' }
		]);
		expect(submitAnswers(w.db, w.session, p)).toEqual({ ok: true });
		const after = participantFromCookie(w.db, p.cookieValue, w.session.id);
		if (!after.ok) throw new Error();
		expect(
			saveAnswer(w.db, w.session, after.participant, w.frameworkId, {
				challengeId: first,
				choice: 1,
				comment: ''
			})
		).toEqual({ ok: false, problem: 'submitted' });
		expect(ownAnswers(w.db, p.id)[0].dontKnow).toBe(true);
	});

	it('refuses a level off the scale, an unknown challenge, and submitting nothing', () => {
		const w = world();
		const p = joined(w);
		const first = w.content.challenges[0].id;
		expect(
			saveAnswer(w.db, w.session, p, w.frameworkId, { challengeId: first, choice: 99, comment: '' })
		).toEqual({ ok: false, problem: 'off-scale' });
		expect(
			saveAnswer(w.db, w.session, p, w.frameworkId, { challengeId: 'nope', choice: 1, comment: '' })
		).toEqual({ ok: false, problem: 'no-challenge' });
		expect(submitAnswers(w.db, w.session, p)).toEqual({ ok: false, problem: 'nothing-answered' });
		expect(answerCount(w)).toBe(0);
	});

	it('takes answers only for the challenge on the screen when the room moves together', () => {
		const w = world('together');
		const p = joined(w);
		const [first, second] = w.content.challenges.map((c) => c.id);
		expect(
			saveAnswer(w.db, w.session, p, w.frameworkId, { challengeId: second, choice: 1, comment: '' })
		).toEqual({ ok: false, problem: 'not-current' });
		expect(moveChallenge(w.db, fresh(w), w.frameworkId, 'next')).toEqual({ ok: true });
		expect(
			saveAnswer(w.db, fresh(w), p, w.frameworkId, { challengeId: second, choice: 1, comment: '' })
		).toEqual({ ok: true });
		expect(
			saveAnswer(w.db, fresh(w), p, w.frameworkId, { challengeId: first, choice: 1, comment: '' })
		).toEqual({ ok: false, problem: 'not-current' });
		expect(moveChallenge(w.db, fresh(w), w.frameworkId, 'previous')).toEqual({ ok: true });
		expect(moveChallenge(w.db, fresh(w), w.frameworkId, 'previous')).toMatchObject({
			ok: false,
			status: 400
		});
	});

	it('takes any challenge at the participant’s own pace', () => {
		const w = world('own_pace');
		const p = joined(w);
		for (const c of w.content.challenges)
			expect(
				saveAnswer(w.db, w.session, p, w.frameworkId, { challengeId: c.id, choice: 1, comment: '' })
			).toEqual({ ok: true });
		expect(answerCount(w)).toBe(w.content.challenges.length);
	});
});

describe('the screen', () => {
	it('counts answers, shows the spread only after a reveal, and folds a perspective of fewer than three', () => {
		const w = world();
		const first = w.content.challenges[0];
		const people = [joined(w, 'staff'), joined(w, 'staff'), joined(w, 'staff'), joined(w, 'carer')];
		people.forEach((p, i) =>
			saveAnswer(w.db, w.session, p, w.frameworkId, {
				challengeId: first.id,
				choice: i === 3 ? 1 : 3,
				comment: ''
			})
		);
		let state = screenState(w.db, fresh(w), w.frameworkId);
		expect(state.joined).toBe(4);
		expect(state.current).toMatchObject({ index: 0, answered: 4, revealed: false });
		expect(state.spread).toBeNull();
		revealChallenge(w.db, fresh(w), w.frameworkId, first.id);
		state = screenState(w.db, fresh(w), w.frameworkId);
		const rows = state.spread!.spread.byPerspective.map((r) => [
			r.label,
			r.counts.reduce((a, b) => a + b)
		]);
		expect(rows).toEqual([
			['Staff member', 3],
			['Other perspectives', 1]
		]);
		expect(state.spread!.disagreement.wide).toBe(true);
	});

	it('tells listeners of a change, and takes only so many', () => {
		const heard: string[] = [];
		const stops = [subscribe('s1', (c) => heard.push(c))];
		for (let i = 1; i < MAX_STREAMS_PER_SESSION; i++) stops.push(subscribe('s1', () => {}));
		expect(subscribe('s1', () => {})).toBeNull();
		publish('s1');
		publish('s2');
		expect(heard).toEqual(['changed']);
		stops.forEach((stop) => stop?.());
		expect(listenerCount('s1')).toBe(0);
	});
});
