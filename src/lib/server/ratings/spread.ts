// How the submitted ratings of an assessment spread, challenge by challenge and perspective by
// perspective. Drafts of people who have not yet submitted are left out.

import { and, count, eq, isNotNull, or } from 'drizzle-orm';
import {
	foldPerspectives,
	isPerspective,
	perspectiveLabel,
	perspectivesToFold,
	summariseRatings,
	type Perspective,
	type ChallengeSpreadSummary,
	type RatingCount
} from '$lib/domain/ratings';
import type { Db } from '../db/client';
import { assessmentRaters, assessments, ratings, rounds } from '../db/schema';
import { frameworkContent } from '../frameworks/queries';

export interface ChallengeRatingSpread extends ChallengeSpreadSummary {
	challengeId: string;
	position: number;
	name: string;
	shortLabel: string;
	/** The grouped counts the summary was made from, for anything else that needs them. */
	ratings: RatingCount[];
}

/**
 * Submitted ratings counted in SQL, grouped by challenge, perspective, level and "don't know",
 * then listed per challenge.
 */
function submittedCounts(db: Db, assessmentId: string): Map<string, RatingCount[]> {
	const rows = db
		.select({
			challengeId: ratings.challengeId,
			perspective: assessmentRaters.perspective,
			level: ratings.level,
			dontKnow: ratings.dontKnow,
			n: count()
		})
		.from(ratings)
		.innerJoin(
			assessmentRaters,
			and(
				eq(assessmentRaters.assessmentId, ratings.assessmentId),
				eq(assessmentRaters.userId, ratings.userId)
			)
		)
		.where(
			and(
				eq(ratings.assessmentId, assessmentId),
				isNotNull(assessmentRaters.submittedAt),
				or(isNotNull(ratings.level), eq(ratings.dontKnow, true))
			)
		)
		.groupBy(ratings.challengeId, assessmentRaters.perspective, ratings.level, ratings.dontKnow)
		.all();
	const byChallenge = new Map<string, RatingCount[]>();
	for (const row of rows) {
		if (!isPerspective(row.perspective)) continue;
		const list = byChallenge.get(row.challengeId) ?? [];
		list.push({
			perspective: row.perspective,
			level: row.dontKnow ? null : row.level,
			count: row.n
		});
		byChallenge.set(row.challengeId, list);
	}
	return byChallenge;
}

/** How many people submitted their ratings from each perspective. */
export function submittedPeople(
	db: Pick<Db, 'select'>,
	assessmentId: string
): Map<Perspective, number> {
	const rows = db
		.select({ perspective: assessmentRaters.perspective, n: count() })
		.from(assessmentRaters)
		.where(
			and(eq(assessmentRaters.assessmentId, assessmentId), isNotNull(assessmentRaters.submittedAt))
		)
		.groupBy(assessmentRaters.perspective)
		.all();
	const people = new Map<Perspective, number>();
	for (const row of rows) if (isPerspective(row.perspective)) people.set(row.perspective, row.n);
	return people;
}

/**
 * The spread of submitted ratings for every challenge of the assessment, in framework order. For
 * anyone who does not agree the levels, a perspective fewer than three people rated from is
 * folded into "other perspectives" (see `perspectivesToFold`).
 */
export function ratingSpread(
	db: Db,
	assessmentId: string,
	{ agreesLevels }: { agreesLevels: boolean }
): {
	scale: { value: number; name: string; description: string }[];
	challenges: ChallengeRatingSpread[];
} {
	const frameworkId = db
		.select({ id: rounds.frameworkId })
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(eq(assessments.id, assessmentId))
		.get()?.id;
	if (!frameworkId) return { scale: [], challenges: [] };
	const content = frameworkContent(db, frameworkId);
	const byChallenge = submittedCounts(db, assessmentId);
	const fold = perspectivesToFold(submittedPeople(db, assessmentId), agreesLevels);
	return {
		scale: content.scale,
		challenges: content.challenges.map((c) => {
			const counts = foldPerspectives(byChallenge.get(c.id) ?? [], fold);
			const summary = summariseRatings(counts, content.scale);
			for (const row of summary.spread.byPerspective)
				row.label = perspectiveLabel(row.perspective, fold);
			return {
				challengeId: c.id,
				position: c.position,
				name: c.name,
				shortLabel: c.shortLabel,
				ratings: counts,
				...summary
			};
		})
	};
}
