// A participant's own answers: a level or "don't know" and an optional comment per challenge,
// changeable until they submit. When the room moves together, only the challenge on the screen
// takes answers. Nobody but the participant (by their cookie) reaches their answers.

import { and, asc, eq, sql } from 'drizzle-orm';
import { sessionIsOpen } from '$lib/domain/rating-sessions';
import type { Db } from '../db/client';
import { challenges, participantRatings, participants } from '../db/schema';
import { frameworkContent } from '../frameworks/queries';
import { publish } from './hub';
import { assessmentLockOf, type SessionParticipant } from './joining';
import type { RatingSessionRecord } from './sessions';

export interface ParticipantAnswer {
	challengeId: string;
	level: number | null;
	dontKnow: boolean;
	comment: string;
}

export const ANSWER_PROBLEMS = {
	closed: { status: 409, message: 'This rating session has closed, so it takes no more answers.' },
	submitted: {
		status: 409,
		message: 'You have submitted your answers, so they can no longer change. Thank you.'
	},
	'not-current': {
		status: 409,
		message:
			'The room has moved on: you can answer only the challenge on the screen now. This page shows it.'
	},
	'no-challenge': { status: 400, message: 'That is not one of this assessment’s challenges.' },
	'off-scale': { status: 400, message: 'Select one of the levels shown, or ‘Don’t know’' },
	locked: { status: 409, message: 'This assessment can no longer be rated.' },
	'nothing-answered': {
		status: 400,
		message: 'Answer at least one challenge before you submit.'
	}
} as const;
export type AnswerProblem = keyof typeof ANSWER_PROBLEMS;
type Result = { ok: true } | { ok: false; problem: AnswerProblem };

/** Why the participant may not answer now, whatever the challenge; null when they may. */
function whyNotNow(
	db: Db,
	session: RatingSessionRecord,
	participant: SessionParticipant,
	now: Date
): AnswerProblem | null {
	if (!sessionIsOpen(session, now)) return 'closed';
	if (participant.submittedAt) return 'submitted';
	if (assessmentLockOf(db, session.assessmentId)) return 'locked';
	return null;
}

export function saveAnswer(
	db: Db,
	session: RatingSessionRecord,
	participant: SessionParticipant,
	frameworkId: string,
	answer: { challengeId: string; choice: number | 'dont-know'; comment: string },
	now = new Date()
): Result {
	const problem = whyNotNow(db, session, participant, now);
	if (problem) return { ok: false, problem };
	const content = frameworkContent(db, frameworkId);
	if (!content.challenges.some((c) => c.id === answer.challengeId))
		return { ok: false, problem: 'no-challenge' };
	if (session.pace === 'together' && answer.challengeId !== session.currentChallengeId)
		return { ok: false, problem: 'not-current' };
	if (answer.choice !== 'dont-know' && !content.scale.some((l) => l.value === answer.choice))
		return { ok: false, problem: 'off-scale' };
	const values = {
		level: answer.choice === 'dont-know' ? null : answer.choice,
		dontKnow: answer.choice === 'dont-know',
		comment: answer.comment,
		updatedAt: now
	};
	db.insert(participantRatings)
		.values({ participantId: participant.id, challengeId: answer.challengeId, ...values })
		.onConflictDoUpdate({
			target: [participantRatings.participantId, participantRatings.challengeId],
			set: values
		})
		.run();
	publish(session.id);
	return { ok: true };
}

/** Submits: the answers are final from now on. */
export function submitAnswers(
	db: Db,
	session: RatingSessionRecord,
	participant: SessionParticipant,
	now = new Date()
): Result {
	const problem = whyNotNow(db, session, participant, now);
	if (problem) return { ok: false, problem };
	if (ownAnswers(db, participant.id).length === 0)
		return { ok: false, problem: 'nothing-answered' };
	db.update(participants)
		.set({ submittedAt: now })
		.where(and(eq(participants.id, participant.id), sql`${participants.submittedAt} is null`))
		.run();
	publish(session.id);
	return { ok: true };
}

/** The participant's own answers, in framework order. */
export function ownAnswers(db: Pick<Db, 'select'>, participantId: string): ParticipantAnswer[] {
	return db
		.select({
			challengeId: participantRatings.challengeId,
			level: participantRatings.level,
			dontKnow: participantRatings.dontKnow,
			comment: participantRatings.comment
		})
		.from(participantRatings)
		.innerJoin(challenges, eq(challenges.id, participantRatings.challengeId))
		.where(eq(participantRatings.participantId, participantId))
		.orderBy(asc(challenges.position))
		.all();
}
