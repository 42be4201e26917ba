// How the submitted ratings of an assessment spread, challenge by challenge and perspective by
// perspective. Drafts of people who have not yet submitted are left out. Participants without an
// account (rating sessions, paper sheets) count beside raters once their answers count.

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
import { participantCommentFrom } from '$lib/domain/rating-sessions';
import { participantComments, participantPeople, participantRatingCounts } from './participants';

export interface ChallengeRatingSpread extends ChallengeSpreadSummary {
	challengeId: string;
	position: number;
	name: string;
	shortLabel: string;
	/** The grouped counts the summary was made from, for anything else that needs them. */
	ratings: RatingCount[];
	/** Participants' comments, anonymous ("Carer…, on paper"); empty unless asked for. */
	participantComments: { from: string; comment: string }[];
}

/**
 * Submitted ratings, raters' and participants', counted in SQL, grouped by challenge,
 * perspective, level and "don't know", then listed per challenge.
 */
function submittedCounts(db: Db, assessmentId: string, now: Date): Map<string, RatingCount[]> {
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
	for (const row of participantRatingCounts(db, assessmentId, now)) {
		const list = byChallenge.get(row.challengeId) ?? [];
		list.push({ perspective: row.perspective, level: row.level, count: row.count });
		byChallenge.set(row.challengeId, list);
	}
	return byChallenge;
}

/**
 * How many people submitted their ratings from each perspective: raters who submitted and
 * participants whose answers count, together.
 */
export function submittedPeople(
	db: Pick<Db, 'select'>,
	assessmentId: string,
	now = new Date()
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
	for (const [perspective, n] of participantPeople(db, assessmentId, now))
		people.set(perspective, (people.get(perspective) ?? 0) + n);
	return people;
}

/**
 * The spread of submitted ratings for every challenge of the assessment, in framework order. For
 * anyone who does not agree the levels, a perspective fewer than three people rated from is
 * folded into "other perspectives" (see `perspectivesToFold`). With `withComments`, each
 * challenge also carries participants' comments, labelled only by (folded) perspective and source.
 */
export function ratingSpread(
	db: Db,
	assessmentId: string,
	{
		agreesLevels,
		withComments = false,
		now = new Date()
	}: { agreesLevels: boolean; withComments?: boolean; now?: Date }
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
	const byChallenge = submittedCounts(db, assessmentId, now);
	const fold = perspectivesToFold(submittedPeople(db, assessmentId, now), agreesLevels);
	const comments = new Map<string, { from: string; comment: string }[]>();
	if (withComments)
		for (const c of foldPerspectives(participantComments(db, assessmentId, now), fold)) {
			const list = comments.get(c.challengeId) ?? [];
			const label = perspectiveLabel(c.perspective, fold);
			list.push({ from: participantCommentFrom(label, c.source), comment: c.comment });
			comments.set(c.challengeId, list);
		}
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
				participantComments: comments.get(c.id) ?? [],
				...summary
			};
		})
	};
}
