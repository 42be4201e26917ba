// Reading assessments: the one an address names, its agreed scores and plan, and a service's list.

import { and, asc, desc, eq, lt } from 'drizzle-orm';
import { londonDate } from '$lib/domain/london-days';
import { assessmentStage } from '$lib/domain/rounds';
import { scoreFingerprint } from '$lib/domain/score-fingerprint';
import { stageFacts } from '../rounds/progress';
import type { Db } from '../db/client';
import {
	agreedScores,
	assessments,
	challenges,
	levels,
	priorities,
	rounds,
	services
} from '../db/schema';

/** The assessment with its round and service, only if all three belong to this organisation. */
export function getAssessment(
	db: Db,
	organisationId: string,
	roundId: string,
	assessmentId: string
) {
	return db
		.select({
			id: assessments.id,
			status: assessments.status,
			completedAt: assessments.completedAt,
			roundId: rounds.id,
			roundTitle: rounds.title,
			roundStatus: rounds.status,
			periodStart: rounds.periodStart,
			periodEnd: rounds.periodEnd,
			frameworkId: rounds.frameworkId,
			/** Set when the round was brought in from a spreadsheet of past audits. */
			importId: rounds.importId,
			serviceId: services.id,
			serviceName: services.name
		})
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.innerJoin(services, eq(services.id, assessments.serviceId))
		.where(
			and(
				eq(assessments.id, assessmentId),
				eq(assessments.roundId, roundId),
				eq(rounds.organisationId, organisationId)
			)
		)
		.get();
}

export type AssessmentRecord = NonNullable<ReturnType<typeof getAssessment>>;

export function agreedScoresFor(db: Pick<Db, 'select'>, assessmentId: string) {
	return db
		.select({
			challengeId: agreedScores.challengeId,
			level: agreedScores.level,
			evidence: agreedScores.evidence,
			rationale: agreedScores.rationale,
			evidenceSources: agreedScores.evidenceSources,
			nextStep: agreedScores.nextStep,
			revision: agreedScores.revision
		})
		.from(agreedScores)
		.where(eq(agreedScores.assessmentId, assessmentId))
		.all();
}

/** The fingerprint of every challenge's saved values (or of an empty score), for the form. */
export function scoreFingerprints(
	db: Db,
	assessmentId: string,
	challengeIds: string[]
): Record<string, string> {
	const saved = new Map(agreedScoresFor(db, assessmentId).map((s) => [s.challengeId, s]));
	return Object.fromEntries(challengeIds.map((id) => [id, scoreFingerprint(saved.get(id))]));
}

/** The team's resources, written as part of its recovery implementation plan. */
export function teamResourcesFor(db: Db, assessmentId: string): string {
	return (
		db
			.select({ teamResources: assessments.teamResources })
			.from(assessments)
			.where(eq(assessments.id, assessmentId))
			.get()?.teamResources ?? ''
	);
}

/** The team's priorities, in order. */
export function prioritiesFor(db: Pick<Db, 'select'>, assessmentId: string): string[] {
	return db
		.select({ challengeId: priorities.challengeId })
		.from(priorities)
		.where(eq(priorities.assessmentId, assessmentId))
		.orderBy(asc(priorities.rank))
		.all()
		.map((p) => p.challengeId);
}

/** The same service's latest completed assessment in a round before this one's, if any. */
export function previousCompletedAssessment(
	db: Pick<Db, 'select'>,
	assessment: { serviceId: string; periodStart: string }
) {
	return db
		.select({ id: assessments.id, roundTitle: rounds.title })
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(
			and(
				eq(assessments.serviceId, assessment.serviceId),
				eq(assessments.status, 'complete'),
				lt(rounds.periodStart, assessment.periodStart)
			)
		)
		.orderBy(desc(rounds.periodStart))
		.get();
}

/**
 * The agreed levels of the same service's latest completed assessment before this one, keyed by
 * the challenge's key in its pack, shown beside each challenge for reference only.
 */
export function previousAgreedScores(db: Db, assessment: AssessmentRecord) {
	const previous = previousCompletedAssessment(db, assessment);
	if (!previous) return null;
	const rows = db
		.select({
			key: challenges.packChallengeKey,
			level: agreedScores.level,
			evidence: agreedScores.evidence,
			levelName: levels.name
		})
		.from(agreedScores)
		.innerJoin(challenges, eq(challenges.id, agreedScores.challengeId))
		.leftJoin(
			levels,
			and(eq(levels.frameworkId, challenges.frameworkId), eq(levels.value, agreedScores.level))
		)
		.where(eq(agreedScores.assessmentId, previous.id))
		.all();
	return {
		roundTitle: previous.roundTitle,
		byChallengeKey: Object.fromEntries(rows.map((r) => [r.key, r]))
	};
}

/** Every assessment of a service, newest round first, with the stage each has reached. */
export function serviceAssessments(db: Db, serviceId: string, now = new Date()) {
	const today = londonDate(now);
	return db
		.select({
			id: assessments.id,
			status: assessments.status,
			roundId: rounds.id,
			roundTitle: rounds.title,
			roundStatus: rounds.status,
			periodStart: rounds.periodStart,
			periodEnd: rounds.periodEnd,
			...stageFacts
		})
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(eq(assessments.serviceId, serviceId))
		.orderBy(desc(rounds.periodStart))
		.all()
		.map(({ agreedLevels, raters, submittedRaters, ...row }) => ({
			...row,
			standing: assessmentStage(
				{ status: row.status, agreedLevels, raters, submittedRaters },
				row.periodEnd,
				today
			)
		}));
}
