// Where each service taking part in a round has got to.

import { and, asc, count, eq, sql } from 'drizzle-orm';
import { londonDate } from '$lib/domain/london-days';
import {
	assessmentStage,
	summariseRoundProgress,
	type AssessmentStanding
} from '$lib/domain/rounds';
import type { Db } from '../db/client';
import {
	agreedScores,
	assessmentRaters,
	assessments,
	challenges,
	roundServices,
	services
} from '../db/schema';
import { participantStageFacts } from '../ratings/participants';

/**
 * What an assessment's stage is worked out from, counted in SQL for each row of a query that
 * reads the assessment table: its agreed levels, its raters and how many have submitted.
 * Participants without an account count as raters once they have answered something, and as
 * raters who submitted once their answers count (see ratings/participants.ts).
 */
export const stageFacts = {
	agreedLevels: sql<number>`(select count(${agreedScores.level}) from ${agreedScores} where ${agreedScores.assessmentId} = ${assessments.id})`,
	raters: sql<number>`((select count(*) from ${assessmentRaters} where ${assessmentRaters.assessmentId} = ${assessments.id}) + ${participantStageFacts.answering})`,
	submittedRaters: sql<number>`((select count(${assessmentRaters.submittedAt}) from ${assessmentRaters} where ${assessmentRaters.assessmentId} = ${assessments.id}) + ${participantStageFacts.counted})`
};

/** One assessment's stage, and whether it is late, judged against today in London. */
export function standingOf(
	db: Pick<Db, 'select'>,
	assessment: { id: string; periodEnd: string },
	now = new Date()
): AssessmentStanding | null {
	const facts = db
		.select({ status: assessments.status, ...stageFacts })
		.from(assessments)
		.where(eq(assessments.id, assessment.id))
		.get();
	return facts ? assessmentStage(facts, assessment.periodEnd, londonDate(now)) : null;
}

/** Services taking part, with their assessment once the round is open and how many levels it has agreed. */
export function roundParticipants(db: Db, roundId: string) {
	return db
		.select({
			serviceId: services.id,
			serviceName: services.name,
			serviceType: services.type,
			assessmentId: assessments.id,
			assessmentStatus: assessments.status,
			...stageFacts
		})
		.from(roundServices)
		.innerJoin(services, eq(services.id, roundServices.serviceId))
		.leftJoin(
			assessments,
			and(
				eq(assessments.roundId, roundServices.roundId),
				eq(assessments.serviceId, roundServices.serviceId)
			)
		)
		.where(eq(roundServices.roundId, roundId))
		.orderBy(asc(services.name))
		.all();
}

/**
 * Where each service taking part has got to, and the totals over those shown. Agreed levels are
 * counted in SQL, per assessment; "late" is judged against today in London.
 */
export function roundProgress(
	db: Db,
	round: { id: string; periodEnd: string; openedAt?: Date | null },
	{ now = new Date(), shows }: { now?: Date; shows?: (serviceId: string) => boolean } = {}
) {
	const today = londonDate(now);
	const openedOn = round.openedAt ? londonDate(round.openedAt) : null;
	const participants = roundParticipants(db, round.id)
		.filter((p) => shows?.(p.serviceId) ?? true)
		.map((p) => ({
			...p,
			standing:
				p.assessmentId && p.assessmentStatus
					? assessmentStage(
							{
								status: p.assessmentStatus,
								agreedLevels: p.agreedLevels,
								raters: p.raters,
								submittedRaters: p.submittedRaters
							},
							round.periodEnd,
							today,
							openedOn
						)
					: null
		}));
	const standings = participants.flatMap((p) => (p.standing ? [p.standing] : []));
	return { participants, summary: standings.length > 0 ? summariseRoundProgress(standings) : null };
}

/** How many challenges the round's framework has, so progress can read "3 of 10 agreed". */
export function challengeCount(db: Db, frameworkId: string): number {
	return (
		db.select({ n: count() }).from(challenges).where(eq(challenges.frameworkId, frameworkId)).get()
			?.n ?? 0
	);
}
