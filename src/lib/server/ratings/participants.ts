// People without an account (participants) count like raters wherever ratings are counted. A
// paper sheet counts as soon as it is entered; a participant in a rating session counts once they
// submit, or once their session has ended (closed, or past its closing time), so what was
// answered in the room counts even if a phone never pressed submit. Counted in SQL, grouped.

import { and, asc, count, eq, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import { isPerspective, type Perspective } from '$lib/domain/ratings';
import type { ParticipantSource } from '$lib/domain/rating-sessions';
import type { Db } from '../db/client';
import {
	assessments,
	challenges,
	participantRatings,
	participants,
	ratingSessions
} from '../db/schema';

/**
 * The moment to judge a session's end by: a given instant, or, where one query serves every
 * caller (stage facts), the database's own clock.
 */
const instantSql = (now: Date | undefined) =>
	now ? sql`${now.getTime()}` : sql`cast((julianday('now') - 2440587.5) * 86400000 as integer)`;

/** Whether the participant of the row being read counts, at `now` (see the top of this file). */
export function participantCounts(now?: Date): SQL {
	return sql`(${participants.source} = 'paper' or ${participants.submittedAt} is not null or exists (select 1 from ${ratingSessions} where ${ratingSessions.id} = ${participants.ratingSessionId} and (${ratingSessions.closedAt} is not null or ${ratingSessions.closesAt} <= ${instantSql(now)})))`;
}

/** A participant rating that holds an answer: a level, or "don't know". */
const answered = or(isNotNull(participantRatings.level), eq(participantRatings.dontKnow, true))!;

/** Whether the participant of the row being read gave at least one answer. */
const hasAnswers = sql`exists (select 1 from ${participantRatings} where ${participantRatings.participantId} = ${participants.id} and (${participantRatings.level} is not null or ${participantRatings.dontKnow} = 1))`;

/**
 * For an assessment's stage, read beside each row of the assessment table: participants who gave
 * an answer (like raters invited), and those of them who count (like raters who submitted).
 */
export const participantStageFacts = {
	answering: sql<number>`(select count(*) from ${participants} where ${participants.assessmentId} = ${assessments.id} and ${hasAnswers})`,
	counted: sql<number>`(select count(*) from ${participants} where ${participants.assessmentId} = ${assessments.id} and ${hasAnswers} and ${participantCounts()})`
};

export interface ParticipantRatingCount {
	challengeId: string;
	perspective: Perspective;
	/** Null for "don't know". */
	level: number | null;
	count: number;
}

/** Counted participants' answers, grouped by challenge, perspective and level or "don't know". */
export function participantRatingCounts(
	db: Pick<Db, 'select'>,
	assessmentId: string,
	now = new Date()
): ParticipantRatingCount[] {
	return db
		.select({
			challengeId: participantRatings.challengeId,
			perspective: participants.perspective,
			level: participantRatings.level,
			dontKnow: participantRatings.dontKnow,
			n: count()
		})
		.from(participantRatings)
		.innerJoin(participants, eq(participants.id, participantRatings.participantId))
		.where(and(eq(participants.assessmentId, assessmentId), participantCounts(now), answered))
		.groupBy(
			participantRatings.challengeId,
			participants.perspective,
			participantRatings.level,
			participantRatings.dontKnow
		)
		.all()
		.flatMap((row) =>
			isPerspective(row.perspective)
				? [
						{
							challengeId: row.challengeId,
							perspective: row.perspective,
							level: row.dontKnow ? null : row.level,
							count: row.n
						}
					]
				: []
		);
}

/** How many counted participants gave at least one answer, by perspective. */
export function participantPeople(
	db: Pick<Db, 'select'>,
	assessmentId: string,
	now = new Date()
): Map<Perspective, number> {
	const rows = db
		.select({ perspective: participants.perspective, n: count() })
		.from(participants)
		.where(and(eq(participants.assessmentId, assessmentId), participantCounts(now), hasAnswers))
		.groupBy(participants.perspective)
		.all();
	const people = new Map<Perspective, number>();
	for (const row of rows) if (isPerspective(row.perspective)) people.set(row.perspective, row.n);
	return people;
}

/**
 * Counted participants' levels ("don't know" left out), grouped by the challenge's key in its
 * pack, perspective and level: what the service dashboard's perspective gap needs.
 */
export function participantLevelsByChallengeKey(
	db: Pick<Db, 'select'>,
	assessmentId: string,
	now = new Date()
) {
	return db
		.select({
			key: challenges.packChallengeKey,
			perspective: participants.perspective,
			level: sql<number>`${participantRatings.level}`,
			n: count()
		})
		.from(participantRatings)
		.innerJoin(participants, eq(participants.id, participantRatings.participantId))
		.innerJoin(challenges, eq(challenges.id, participantRatings.challengeId))
		.where(
			and(
				eq(participants.assessmentId, assessmentId),
				participantCounts(now),
				isNotNull(participantRatings.level)
			)
		)
		.groupBy(challenges.packChallengeKey, participants.perspective, participantRatings.level)
		.all();
}

export interface ParticipantComment {
	challengeId: string;
	perspective: Perspective;
	source: ParticipantSource;
	comment: string;
}

/**
 * Counted participants' comments, with nothing that identifies them: only the perspective and
 * whether it came from paper or the room. Ordered by challenge, then perspective, then the
 * comment itself, so that the order says nothing about who wrote what when.
 */
export function participantComments(
	db: Pick<Db, 'select'>,
	assessmentId: string,
	now = new Date()
): ParticipantComment[] {
	return db
		.select({
			challengeId: participantRatings.challengeId,
			perspective: participants.perspective,
			source: participants.source,
			comment: participantRatings.comment
		})
		.from(participantRatings)
		.innerJoin(participants, eq(participants.id, participantRatings.participantId))
		.where(
			and(
				eq(participants.assessmentId, assessmentId),
				participantCounts(now),
				sql`${participantRatings.comment} <> ''`
			)
		)
		.orderBy(
			asc(participantRatings.challengeId),
			asc(participants.perspective),
			asc(participantRatings.comment)
		)
		.all()
		.flatMap((row) => (isPerspective(row.perspective) ? [row] : []));
}
