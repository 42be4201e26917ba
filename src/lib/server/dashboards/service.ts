// A team's own view: its latest agreed levels against the previous round's, each challenge
// across every round, how each perspective rated against the agreed level, and what changed.

import { and, count, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
	changedChallenges,
	chosenFramework,
	distribution,
	formatMedian
} from '$lib/domain/dashboards';
import type { DataTable } from '$lib/format/data-table';
import {
	isPerspective,
	PERSPECTIVE_LABELS,
	perspectiveLabel as foldedPerspectiveLabel,
	perspectivesToFold
} from '$lib/domain/ratings';
import { submittedPeople } from '../ratings/spread';
import { participantLevelsByChallengeKey } from '../ratings/participants';
import type { Db } from '../db/client';
import {
	agreedScores,
	assessmentRaters,
	assessments,
	challenges,
	frameworks,
	ratings,
	rounds
} from '../db/schema';
import { serviceProgress, type FrameworkProgress } from '../progress';
import {
	challengeHeading,
	countsByKey,
	frameworkShape,
	frameworksOf,
	frameworkSummary,
	levelText,
	type FrameworkShape
} from './framework-shape';

/** The service's completed assessments, newest first, each with its round's framework. */
function completedAssessments(db: Db, serviceId: string) {
	return db
		.select({
			id: assessments.id,
			roundId: rounds.id,
			roundTitle: rounds.title,
			frameworkId: rounds.frameworkId,
			packKey: frameworks.packKey
		})
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.innerJoin(frameworks, eq(frameworks.id, rounds.frameworkId))
		.where(and(eq(assessments.serviceId, serviceId), eq(assessments.status, 'complete')))
		.orderBy(desc(rounds.periodStart), desc(rounds.createdAt))
		.all();
}

const serviceDashboardFilterSchema = z.object({
	/** A framework pack's key; anything else is ignored and the default shown. */
	framework: z.string().max(100).optional().catch(undefined)
});
export type ServiceDashboardFilters = z.infer<typeof serviceDashboardFilterSchema>;

export function serviceDashboardFiltersFromUrl(url: URL): ServiceDashboardFilters {
	return serviceDashboardFilterSchema.parse({
		framework: url.searchParams.get('framework') || undefined
	});
}

/** An assessment's agreed levels and evidence, by the challenge's key in its pack. */
function agreedByKey(db: Db, assessmentId: string | undefined) {
	if (!assessmentId) return new Map<string, { level: number | null; evidence: string }>();
	const rows = db
		.select({
			key: challenges.packChallengeKey,
			level: agreedScores.level,
			evidence: agreedScores.evidence
		})
		.from(agreedScores)
		.innerJoin(challenges, eq(challenges.id, agreedScores.challengeId))
		.where(eq(agreedScores.assessmentId, assessmentId))
		.all();
	return new Map(rows.map((r) => [r.key, r]));
}

const perspectiveLabel = (p: string) => (PERSPECTIVE_LABELS as Record<string, string>)[p] ?? p;

/**
 * How many submitted raters (and counted participants) of each perspective chose each level, per challenge: levels are
 * ordinal, so each perspective is summarised by its median, taken from these counts.
 */
function perspectiveGap(
	db: Db,
	assessmentId: string,
	shape: FrameworkShape,
	agreed: ReturnType<typeof agreedByKey>,
	agreesLevels: boolean
) {
	// Lone raters' perspectives are folded into "other" for all but those who agree the levels.
	const fold = perspectivesToFold(submittedPeople(db, assessmentId), agreesLevels);
	const folded = (p: string) => (isPerspective(p) && fold.has(p) ? 'other' : p);
	const rows = db
		.select({
			key: challenges.packChallengeKey,
			perspective: assessmentRaters.perspective,
			level: sql<number>`${ratings.level}`,
			raters: count()
		})
		.from(ratings)
		.innerJoin(
			assessmentRaters,
			and(
				eq(assessmentRaters.assessmentId, ratings.assessmentId),
				eq(assessmentRaters.userId, ratings.userId)
			)
		)
		.innerJoin(challenges, eq(challenges.id, ratings.challengeId))
		.where(
			and(
				eq(ratings.assessmentId, assessmentId),
				isNotNull(ratings.level),
				isNotNull(assessmentRaters.submittedAt)
			)
		)
		.groupBy(challenges.packChallengeKey, assessmentRaters.perspective, ratings.level)
		.all();
	// Participants without an account (rating sessions, paper sheets) count beside raters.
	for (const row of participantLevelsByChallengeKey(db, assessmentId))
		rows.push({ key: row.key, perspective: row.perspective, level: row.level, raters: row.n });
	const perspectives = [...new Set(rows.map((r) => folded(r.perspective)))].sort();
	const counts = countsByKey(
		rows.map((r) => ({
			key: `${r.key}|${folded(r.perspective)}`,
			level: r.level,
			count: r.raters
		}))
	);
	const scaleValues = shape.scale.map((l) => l.value);
	const gap = shape.challenges.map((c) => {
		const spreads = perspectives.map((p) =>
			distribution(counts.get(`${c.key}|${p}`) ?? [], scaleValues)
		);
		return {
			...c,
			agreed: agreed.get(c.key)?.level ?? null,
			medians: spreads.map((s) => s.median),
			raters: spreads.map((s) => s.total)
		};
	});
	const label = (p: string) =>
		isPerspective(p) ? foldedPerspectiveLabel(p, fold) : perspectiveLabel(p);
	return { perspectives: perspectives.map((p) => ({ key: p, label: label(p) })), gap };
}

/** Each challenge's agreed level now and in the round before, with the latest evidence. */
function comparisonOf(
	shape: FrameworkShape,
	latest: ReturnType<typeof agreedByKey>,
	previous: ReturnType<typeof agreedByKey>
) {
	return shape.challenges.map((c) => ({
		...c,
		current: latest.get(c.key)?.level ?? null,
		previous: previous.get(c.key)?.level ?? null,
		evidence: latest.get(c.key)?.evidence ?? ''
	}));
}

type Comparison = ReturnType<typeof comparisonOf>;

interface Parts {
	latest: { roundTitle: string };
	previous: { roundTitle: string } | undefined;
	shape: FrameworkShape;
	comparison: Comparison;
	trend: FrameworkProgress | null;
	perspectives: { key: string; label: string }[];
	gap: ReturnType<typeof perspectiveGap>['gap'];
	changes: ReturnType<typeof changedChallenges<Comparison[number]>>;
}

/** The numbers behind each chart, as the page's tables and the CSV downloads show them. */
function serviceTables({
	latest,
	previous,
	shape,
	comparison,
	trend,
	perspectives,
	gap,
	changes
}: Parts) {
	const tables: Record<string, DataTable> = {
		comparison: {
			caption: `Agreed level by challenge, ${latest.roundTitle}${previous ? ` and ${previous.roundTitle}` : ''}`,
			head: ['Challenge', latest.roundTitle, ...(previous ? [previous.roundTitle] : [])],
			rows: comparison.map((c) => [
				challengeHeading(c),
				levelText(shape.scale, c.current),
				...(previous ? [levelText(shape.scale, c.previous)] : [])
			])
		},
		trend: {
			caption: 'Agreed level by challenge and round',
			head: ['Challenge', ...(trend?.rounds.map((r) => r.title) ?? [])],
			rows: (trend?.rows ?? []).map((row) => [challengeHeading(row.challenge), ...row.levels])
		},
		gap: {
			caption: `Median rating by perspective against the agreed level, ${latest.roundTitle}`,
			head: [
				'Challenge',
				'Agreed level',
				...perspectives.flatMap((p) => [`${p.label} (median)`, `${p.label} (raters)`])
			],
			rows: gap.map((g) => [
				challengeHeading(g),
				g.agreed,
				...perspectives.flatMap((_, i) => [formatMedian(g.medians[i]), g.raters[i]])
			])
		},
		changes: {
			caption: `Challenges that moved since ${previous?.roundTitle ?? 'the previous round'}`,
			head: ['Challenge', 'Before', 'Now', 'Direction', 'Evidence'],
			rows: changes.map((c) => [
				challengeHeading(c),
				c.previous,
				c.current,
				c.direction === 'up' ? 'Up' : 'Down',
				c.evidence
			])
		}
	};
	return tables;
}

/**
 * The service dashboard, or null before the service has completed an assessment. It shows one
 * framework: the one asked for, or else the latest completed assessment's; only assessments on
 * that framework are compared.
 */
export function serviceDashboard(
	db: Db,
	serviceId: string,
	filters: ServiceDashboardFilters = {},
	/** Whether the viewer agrees the service's levels: only they see lone raters' perspectives. */
	viewer: { agreesLevels: boolean } = { agreesLevels: false },
	/**
	 * A round whose completed assessment stands in for the latest (the service report of an earlier
	 * round); null when the service has no completed assessment in it.
	 */
	asOfRound?: string
) {
	let completed = completedAssessments(db, serviceId);
	if (asOfRound !== undefined) {
		const at = completed.findIndex((a) => a.roundId === asOfRound);
		completed = at === -1 ? [] : completed.slice(at);
	}
	if (completed.length === 0) return null;
	const choices = frameworksOf(
		db,
		completed.map((a) => a.frameworkId)
	);
	const chosen = chosenFramework(choices, filters.framework, completed[0].packKey);
	const [latest, previous] = completed.filter((a) => a.packKey === chosen.packKey);
	const shape = frameworkShape(db, latest.frameworkId);
	const latestLevels = agreedByKey(db, latest.id);
	const previousLevels = agreedByKey(db, previous?.id);
	const comparison = comparisonOf(shape, latestLevels, previousLevels);
	const { perspectives, gap } = perspectiveGap(
		db,
		latest.id,
		shape,
		latestLevels,
		viewer.agreesLevels
	);
	const changes = changedChallenges(comparison);
	const trend = serviceProgress(db, serviceId).find((p) => p.packKey === chosen.packKey) ?? null;
	return {
		framework: frameworkSummary(chosen, choices),
		latest,
		previous: previous ?? null,
		scale: shape.scale,
		challenges: shape.challenges,
		comparison,
		trend,
		perspectives,
		gap,
		changes,
		tables: serviceTables({
			latest,
			previous,
			shape,
			comparison,
			trend,
			perspectives,
			gap,
			changes
		})
	};
}
