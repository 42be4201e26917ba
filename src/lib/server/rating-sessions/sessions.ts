// Rating sessions from the facilitator's side: starting one for an assessment (one open at a time,
// never while the assessment is locked), moving the room from challenge to challenge, revealing a
// challenge's spread, closing. The assessment's rating order is set here too. The audit trail hears
// that a session opened and closed and how many took part, never who answered what.

import { randomBytes } from 'node:crypto';
import { and, count, countDistinct, eq, isNull, sql } from 'drizzle-orm';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import {
	joinCodeFrom,
	SESSION_MAX_LENGTH_MS,
	sessionIsOpen,
	type RatingOrder,
	type SessionPace
} from '$lib/domain/rating-sessions';
import type { Person } from '../access/policy';
import { recordAuditEvent } from '../audit/record';
import type { Db, Tx } from '../db/client';
import {
	assessments,
	participantRatings,
	participants,
	ratingSessionReveals,
	ratingSessions,
	rounds,
	services
} from '../db/schema';
import { frameworkContent } from '../frameworks/queries';
import { newId } from '../ids';
import { publish } from './hub';

/** The assessment a session belongs to, as the routes know it (getAssessment's record). */
export interface SessionAssessment {
	id: string;
	serviceId: string;
	frameworkId: string;
	roundStatus: Parameters<typeof whyAssessmentIsLocked>[0];
	status: Parameters<typeof whyAssessmentIsLocked>[1];
}

export type RatingSessionRecord = typeof ratingSessions.$inferSelect;

export type SessionResult<T = object> =
	({ ok: true } & T) | { ok: false; status: 400 | 404 | 409; message: string };

const organisationOf = (db: Pick<Db, 'select'>, assessmentId: string) =>
	db
		.select({ organisationId: rounds.organisationId })
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(eq(assessments.id, assessmentId))
		.get()?.organisationId ?? null;

export function ratingOrderOf(db: Pick<Db, 'select'>, assessmentId: string): RatingOrder {
	return (
		db
			.select({ order: assessments.ratingOrder })
			.from(assessments)
			.where(eq(assessments.id, assessmentId))
			.get()?.order ?? 'rate_first'
	);
}

/** Sets the assessment's rating order; a change is audited, the same order again changes nothing. */
function setRatingOrder(tx: Tx, person: Person, assessment: SessionAssessment, order: RatingOrder) {
	const before = ratingOrderOf(tx, assessment.id);
	if (before === order) return;
	tx.update(assessments).set({ ratingOrder: order }).where(eq(assessments.id, assessment.id)).run();
	recordAuditEvent(tx, {
		userId: person.id,
		organisationId: organisationOf(tx, assessment.id),
		serviceId: assessment.serviceId,
		action: 'assessment.rating_order_changed',
		entityType: 'assessment',
		entityId: assessment.id,
		before: { ratingOrder: before },
		after: { ratingOrder: order }
	});
}

export function changeRatingOrder(
	db: Db,
	person: Person,
	assessment: SessionAssessment,
	order: RatingOrder
): SessionResult {
	const locked = whyAssessmentIsLocked(assessment.roundStatus, assessment.status);
	if (locked) return { ok: false, status: 409, message: locked };
	db.transaction((tx) => setRatingOrder(tx, person, assessment, order));
	const open = openSessionOf(db, assessment.id);
	if (open) publish(open.id);
	return { ok: true };
}

/**
 * The assessment's open session, if any. A session past its four hours that nobody closed is
 * closed here, as of when it ran out, the first time anyone looks.
 */
export function openSessionOf(
	db: Db,
	assessmentId: string,
	now = new Date()
): RatingSessionRecord | null {
	const unclosed = db
		.select()
		.from(ratingSessions)
		.where(and(eq(ratingSessions.assessmentId, assessmentId), isNull(ratingSessions.closedAt)))
		.all();
	let open: RatingSessionRecord | null = null;
	for (const session of unclosed) {
		if (sessionIsOpen(session, now)) open = session;
		else closeExpired(db, session);
	}
	return open;
}

/** The session a join code opens: only while it is open. */
export function sessionByCode(db: Db, code: string, now = new Date()): RatingSessionRecord | null {
	const session = db.select().from(ratingSessions).where(eq(ratingSessions.joinCode, code)).get();
	if (!session) return null;
	if (sessionIsOpen(session, now)) return session;
	if (session.closedAt === null) closeExpired(db, session);
	return null;
}

export function sessionById(db: Db, id: string): RatingSessionRecord | null {
	return db.select().from(ratingSessions).where(eq(ratingSessions.id, id)).get() ?? null;
}

/** The session most recently closed for the assessment, for the run page to say how it went. */
export function lastClosedSession(db: Db, assessmentId: string): RatingSessionRecord | null {
	return (
		db
			.select()
			.from(ratingSessions)
			.where(
				and(
					eq(ratingSessions.assessmentId, assessmentId),
					sql`${ratingSessions.closedAt} is not null`
				)
			)
			.orderBy(sql`${ratingSessions.closedAt} desc`)
			.get() ?? null
	);
}

export function startSession(
	db: Db,
	person: Person,
	assessment: SessionAssessment,
	choice: { pace: SessionPace; order: RatingOrder },
	now = new Date()
): SessionResult<{ session: RatingSessionRecord }> {
	const locked = whyAssessmentIsLocked(assessment.roundStatus, assessment.status);
	if (locked) return { ok: false, status: 409, message: locked };
	if (openSessionOf(db, assessment.id, now))
		return {
			ok: false,
			status: 409,
			message:
				'A rating session is already open for this assessment. Close it before starting another.'
		};
	const first = frameworkContent(db, assessment.frameworkId).challenges[0];
	const session: RatingSessionRecord = {
		id: newId(),
		assessmentId: assessment.id,
		joinCode: freeJoinCode(db),
		pace: choice.pace,
		currentChallengeId: first?.id ?? null,
		startedBy: person.id,
		startedAt: now,
		closesAt: new Date(now.getTime() + SESSION_MAX_LENGTH_MS),
		closedAt: null,
		closedBy: null
	};
	db.transaction((tx) => {
		setRatingOrder(tx, person, assessment, choice.order);
		tx.insert(ratingSessions).values(session).run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId: organisationOf(tx, assessment.id),
				serviceId: assessment.serviceId,
				action: 'rating_session.opened',
				entityType: 'rating_session',
				entityId: session.id,
				after: { pace: choice.pace, ratingOrder: choice.order }
			},
			now
		);
	});
	return { ok: true, session };
}

/** A code no session has used (a clash among 27^9 codes is rare; each try is fresh). */
function freeJoinCode(db: Db): string {
	for (;;) {
		const code = joinCodeFrom(() => randomBytes(16));
		const used = db
			.select({ id: ratingSessions.id })
			.from(ratingSessions)
			.where(eq(ratingSessions.joinCode, code))
			.get();
		if (!used) return code;
	}
}

/** Moves the room to the next or the previous challenge (what the screen shows, in both paces). */
export function moveChallenge(
	db: Db,
	session: RatingSessionRecord,
	frameworkId: string,
	to: 'next' | 'previous' | { challengeId: string }
): SessionResult {
	const ids = frameworkContent(db, frameworkId).challenges.map((c) => c.id);
	const at = Math.max(0, ids.indexOf(session.currentChallengeId ?? ''));
	let target: string | undefined;
	if (to === 'next') target = ids[at + 1];
	else if (to === 'previous') target = ids[at - 1];
	else target = ids.includes(to.challengeId) ? to.challengeId : undefined;
	if (!target)
		return { ok: false, status: 400, message: 'There is no challenge there to move to.' };
	db.update(ratingSessions)
		.set({ currentChallengeId: target })
		.where(eq(ratingSessions.id, session.id))
		.run();
	publish(session.id);
	return { ok: true };
}

/** Shows the room the anonymous spread of a challenge; revealing it again changes nothing. */
export function revealChallenge(
	db: Db,
	session: RatingSessionRecord,
	frameworkId: string,
	challengeId: string,
	now = new Date()
): SessionResult {
	const ids = frameworkContent(db, frameworkId).challenges.map((c) => c.id);
	if (!ids.includes(challengeId))
		return { ok: false, status: 400, message: 'Choose a challenge of this assessment to reveal.' };
	db.insert(ratingSessionReveals)
		.values({ ratingSessionId: session.id, challengeId, revealedAt: now })
		.onConflictDoNothing()
		.run();
	publish(session.id);
	return { ok: true };
}

export function revealedChallenges(db: Pick<Db, 'select'>, sessionId: string): Set<string> {
	return new Set(
		db
			.select({ id: ratingSessionReveals.challengeId })
			.from(ratingSessionReveals)
			.where(eq(ratingSessionReveals.ratingSessionId, sessionId))
			.all()
			.map((r) => r.id)
	);
}

/** How many joined a session, and how many answers (levels or "don't know") they gave. */
export function sessionTotals(db: Pick<Db, 'select'>, sessionId: string) {
	const joined =
		db
			.select({ n: count() })
			.from(participants)
			.where(eq(participants.ratingSessionId, sessionId))
			.get()?.n ?? 0;
	const answered = db
		.select({ answers: count(), people: countDistinct(participantRatings.participantId) })
		.from(participantRatings)
		.innerJoin(participants, eq(participants.id, participantRatings.participantId))
		.where(
			and(
				eq(participants.ratingSessionId, sessionId),
				sql`(${participantRatings.level} is not null or ${participantRatings.dontKnow} = 1)`
			)
		)
		.get();
	return { joined, answers: answered?.answers ?? 0, answeredSomething: answered?.people ?? 0 };
}

/**
 * Closes the session: its code stops working, and every answer given counts from now on, whether
 * or not its participant pressed Submit (see participantCounts in ../ratings/participants.ts: a
 * room often leaves before everyone does). Audited with how many took part and how many answers.
 */
export function closeSession(
	db: Db,
	person: Person | null,
	session: RatingSessionRecord,
	now = new Date()
): SessionResult {
	if (session.closedAt)
		return { ok: false, status: 409, message: 'This session is already closed.' };
	const closedAt = now.getTime() < session.closesAt.getTime() ? now : session.closesAt;
	finish(db, session, person?.id ?? null, closedAt);
	return { ok: true };
}

function closeExpired(db: Db, session: RatingSessionRecord) {
	finish(db, session, null, session.closesAt);
}

function finish(db: Db, session: RatingSessionRecord, userId: string | null, closedAt: Date) {
	const closed = db.transaction((tx) => {
		const changed = tx
			.update(ratingSessions)
			.set({ closedAt, closedBy: userId })
			.where(and(eq(ratingSessions.id, session.id), isNull(ratingSessions.closedAt)))
			.run().changes;
		if (changed === 0) return false;
		const totals = sessionTotals(tx, session.id);
		const assessment = tx
			.select({ serviceId: assessments.serviceId })
			.from(assessments)
			.where(eq(assessments.id, session.assessmentId))
			.get();
		recordAuditEvent(
			tx,
			{
				userId,
				organisationId: organisationOf(tx, session.assessmentId),
				serviceId: assessment?.serviceId ?? null,
				action: 'rating_session.closed',
				entityType: 'rating_session',
				entityId: session.id,
				after: { participants: totals.joined, answers: totals.answers }
			},
			closedAt
		);
		return true;
	});
	if (closed) publish(session.id, 'closed');
}

/** What a participant's pages show of the assessment a session belongs to. */
export function sessionAssessmentOf(db: Pick<Db, 'select'>, assessmentId: string) {
	const row = db
		.select({
			serviceName: services.name,
			frameworkId: rounds.frameworkId,
			order: assessments.ratingOrder
		})
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.innerJoin(services, eq(services.id, assessments.serviceId))
		.where(eq(assessments.id, assessmentId))
		.get();
	if (!row) throw new Error('a session without its assessment');
	return row;
}
