// The dashboards: every figure is counted in SQL (GROUP BY over indexed joins, or the
// round_level_count table kept at completion); the domain functions turn those small tables of
// counts into medians, spreads and movers.

import { and, asc, count, desc, eq, gte, isNotNull, lte, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import {
	benchmark,
	biggestMovers,
	changedChallenges,
	distribution,
	formatMedian,
	medianFromCounts,
	medianValue,
	parseLevelCounts,
	type Benchmark,
	type Mover,
	type LevelCount
} from '$lib/domain/dashboards';
import type { DataTable } from '$lib/domain/data-table';
import { SERVICE_TYPES } from '$lib/domain/services';
import { medianLevel, PERSPECTIVE_LABELS, type MedianLevel } from '$lib/domain/ratings';
import type { Db } from './db/client';
import {
	agreedScores,
	assessmentRaters,
	assessments,
	challenges,
	frameworks,
	groupings,
	levels,
	organisations,
	ratings,
	roundLevelCounts,
	roundLevelTotals,
	rounds,
	services
} from './db/schema';
import { roundProgress } from './rounds';
import { serviceProgress } from './progress';
import { may, type Person } from './access/policy';

// Keeping the counts ----------------------------------------------------------------------------

/** Adds a just-completed assessment's agreed levels to its round's counts (same transaction). */
export function countCompletedAssessment(
	tx: Pick<Db, 'run'>,
	assessmentId: string,
	roundId: string
): void {
	tx.run(sql`
		insert into ${roundLevelCounts} (round_id, challenge_id, level, services)
		select ${roundId}, ${agreedScores.challengeId}, ${agreedScores.level}, 1 from ${agreedScores}
		where ${agreedScores.assessmentId} = ${assessmentId} and ${agreedScores.level} is not null
		on conflict (round_id, challenge_id, level) do update set services = services + 1`);
	tx.run(sql`
		insert into ${roundLevelTotals} (round_id, level, scores)
		select ${roundId}, ${agreedScores.level}, count(*) from ${agreedScores}
		where ${agreedScores.assessmentId} = ${assessmentId} and ${agreedScores.level} is not null
		group by ${agreedScores.level}
		on conflict (round_id, level) do update set scores = scores + excluded.scores`);
}

/** Recounts everything from the agreed scores: for data written in bulk (demo and benchmark seeds). */
export function rebuildRoundLevelCounts(db: Pick<Db, 'run'>): void {
	db.run(sql`delete from ${roundLevelCounts}`);
	db.run(sql`
		insert into ${roundLevelCounts} (round_id, challenge_id, level, services)
		select ${assessments.roundId}, ${agreedScores.challengeId}, ${agreedScores.level}, count(*)
		from ${agreedScores} join ${assessments} on ${assessments.id} = ${agreedScores.assessmentId}
		where ${assessments.status} = 'complete' and ${agreedScores.level} is not null
		group by ${assessments.roundId}, ${agreedScores.challengeId}, ${agreedScores.level}`);
	db.run(sql`delete from ${roundLevelTotals}`);
	db.run(sql`
		insert into ${roundLevelTotals} (round_id, level, scores)
		select ${roundLevelCounts.roundId}, ${roundLevelCounts.level}, sum(${roundLevelCounts.services})
		from ${roundLevelCounts} group by ${roundLevelCounts.roundId}, ${roundLevelCounts.level}`);
}

// Shared pieces ---------------------------------------------------------------------------------

export interface ChallengeColumn {
	key: string;
	position: number;
	shortLabel: string;
}

function frameworkShape(db: Pick<Db, 'select'>, frameworkId: string) {
	const challengeColumns: ChallengeColumn[] = db
		.select({
			key: challenges.packChallengeKey,
			position: challenges.position,
			shortLabel: challenges.shortLabel
		})
		.from(challenges)
		.where(eq(challenges.frameworkId, frameworkId))
		.orderBy(asc(challenges.position))
		.all();
	const scale = db
		.select({ value: levels.value, name: levels.name })
		.from(levels)
		.where(eq(levels.frameworkId, frameworkId))
		.orderBy(asc(levels.value))
		.all();
	return { challenges: challengeColumns, scale };
}

const levelText = (scale: { value: number; name: string }[], level: number | null) =>
	level === null ? null : `${level} ${scale.find((l) => l.value === level)?.name ?? ''}`.trim();

function countsByKey<K>(rows: { key: K; level: number; count: number }[]) {
	const grouped = new Map<K, LevelCount[]>();
	for (const row of rows) {
		const list = grouped.get(row.key) ?? [];
		list.push({ level: row.level, count: row.count });
		grouped.set(row.key, list);
	}
	return grouped;
}

// The service dashboard -------------------------------------------------------------------------

/**
 * A team's own view: its latest agreed levels against the previous round's, each challenge
 * across every round, how each perspective rated against the agreed level, and what changed.
 */
export function serviceDashboard(db: Db, serviceId: string) {
	const progress = serviceProgress(db, serviceId);
	const completed = db
		.select({ id: assessments.id, roundTitle: rounds.title, frameworkId: rounds.frameworkId })
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(and(eq(assessments.serviceId, serviceId), eq(assessments.status, 'complete')))
		.orderBy(desc(rounds.periodStart))
		.limit(2)
		.all();
	const [latest, previous] = completed;
	if (!latest) return null;
	const shape = frameworkShape(db, latest.frameworkId);

	const levelsOf = (assessmentId: string | undefined) =>
		new Map(
			assessmentId
				? db
						.select({
							key: challenges.packChallengeKey,
							level: agreedScores.level,
							evidence: agreedScores.evidence
						})
						.from(agreedScores)
						.innerJoin(challenges, eq(challenges.id, agreedScores.challengeId))
						.where(eq(agreedScores.assessmentId, assessmentId))
						.all()
						.map((r) => [r.key, r])
				: []
		);
	const latestLevels = levelsOf(latest.id);
	const previousLevels = levelsOf(previous?.id);
	const comparison = shape.challenges.map((c) => ({
		...c,
		current: latestLevels.get(c.key)?.level ?? null,
		previous: previousLevels.get(c.key)?.level ?? null,
		evidence: latestLevels.get(c.key)?.evidence ?? ''
	}));

	// How many raters of each perspective chose each level: levels are ordinal, so each
	// perspective is summarised by its median, taken from these counts.
	const perspectiveCounts = db
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
				eq(ratings.assessmentId, latest.id),
				isNotNull(ratings.level),
				isNotNull(assessmentRaters.submittedAt)
			)
		)
		.groupBy(challenges.packChallengeKey, assessmentRaters.perspective, ratings.level)
		.all();
	const perspectives = [...new Set(perspectiveCounts.map((r) => r.perspective))].sort();
	const byChallengeAndPerspective = countsByKey(
		perspectiveCounts.map((r) => ({
			key: `${r.key}|${r.perspective}`,
			level: r.level,
			count: r.raters
		}))
	);
	const scaleValues = shape.scale.map((l) => l.value);
	const gap = shape.challenges.map((c) => {
		const spreads = perspectives.map((p) =>
			distribution(byChallengeAndPerspective.get(`${c.key}|${p}`) ?? [], scaleValues)
		);
		return {
			...c,
			agreed: latestLevels.get(c.key)?.level ?? null,
			medians: spreads.map((s) => s.median),
			raters: spreads.map((s) => s.total)
		};
	});
	const perspectiveLabel = (p: string) => (PERSPECTIVE_LABELS as Record<string, string>)[p] ?? p;
	const changes = changedChallenges(comparison);

	const trend = progress.find((p) => p.rows.length > 0) ?? null;
	const tables: Record<string, DataTable> = {
		comparison: {
			caption: `Agreed level by challenge, ${latest.roundTitle}${previous ? ` and ${previous.roundTitle}` : ''}`,
			head: ['Challenge', latest.roundTitle, ...(previous ? [previous.roundTitle] : [])],
			rows: comparison.map((c) => [
				`${c.position}. ${c.shortLabel}`,
				levelText(shape.scale, c.current),
				...(previous ? [levelText(shape.scale, c.previous)] : [])
			])
		},
		trend: {
			caption: 'Agreed level by challenge and round',
			head: ['Challenge', ...(trend?.rounds.map((r) => r.title) ?? [])],
			rows: (trend?.rows ?? []).map((row) => [
				`${row.challenge.position}. ${row.challenge.shortLabel}`,
				...row.levels
			])
		},
		gap: {
			caption: `Median rating by perspective against the agreed level, ${latest.roundTitle}`,
			head: [
				'Challenge',
				'Agreed level',
				...perspectives.flatMap((p) => [
					`${perspectiveLabel(p)} (median)`,
					`${perspectiveLabel(p)} (raters)`
				])
			],
			rows: gap.map((g) => [
				`${g.position}. ${g.shortLabel}`,
				g.agreed,
				...perspectives.flatMap((_, i) => [formatMedian(g.medians[i]), g.raters[i]])
			])
		},
		changes: {
			caption: `Challenges that moved since ${previous?.roundTitle ?? 'the previous round'}`,
			head: ['Challenge', 'Before', 'Now', 'Direction', 'Evidence'],
			rows: changes.map((c) => [
				`${c.position}. ${c.shortLabel}`,
				c.previous,
				c.current,
				c.direction === 'up' ? 'Up' : 'Down',
				c.evidence
			])
		}
	};
	return {
		latest,
		previous: previous ?? null,
		scale: shape.scale,
		challenges: shape.challenges,
		comparison,
		trend,
		perspectives: perspectives.map((p) => ({ key: p, label: perspectiveLabel(p) })),
		gap,
		changes,
		tables
	};
}

// The organisation dashboard --------------------------------------------------------------------

export const HEATMAP_SORTS = ['grouping', 'name', 'median'] as const;

export const organisationFilterSchema = z.object({
	grouping: z.string().max(64).optional().catch(undefined),
	type: z.enum(SERVICE_TYPES).optional().catch(undefined),
	from: z.string().max(64).optional().catch(undefined),
	to: z.string().max(64).optional().catch(undefined),
	round: z.string().max(64).optional().catch(undefined),
	challenge: z.string().max(100).optional().catch(undefined),
	/** A HEATMAP_SORTS value, or a challenge key to sort by that challenge's level. */
	sort: z.string().max(100).optional().catch(undefined)
});
export type OrganisationFilters = z.infer<typeof organisationFilterSchema>;

/** Filters from the address; a value that is not one of the choices is ignored, not refused. */
export function organisationFiltersFromUrl(url: URL): OrganisationFilters {
	return organisationFilterSchema.parse(
		Object.fromEntries([...url.searchParams].filter(([, v]) => v !== ''))
	);
}

/**
 * The organisation-wide view. `person` is required: the heatmap, movers and completion list only
 * the services they may see.
 */
export function organisationDashboard(
	db: Db,
	organisationId: string,
	filters: OrganisationFilters,
	person: Person,
	now = new Date()
) {
	// For callers the compiler does not check (plain JavaScript, an `any`): without a person this
	// once showed every service.
	if (!person) throw new Error('organisationDashboard needs the person looking');
	const allRounds = db
		.select({
			id: rounds.id,
			title: rounds.title,
			periodStart: rounds.periodStart,
			periodEnd: rounds.periodEnd,
			status: rounds.status,
			frameworkId: rounds.frameworkId
		})
		.from(rounds)
		.where(eq(rounds.organisationId, organisationId))
		.orderBy(asc(rounds.periodStart), asc(rounds.title))
		.all();
	if (allRounds.length === 0) return null;

	const fromRound = allRounds.find((r) => r.id === filters.from);
	const toRound = allRounds.find((r) => r.id === filters.to);
	const inRange = allRounds.filter(
		(r) =>
			(!fromRound || r.periodStart >= fromRound.periodStart) &&
			(!toRound || r.periodStart <= toRound.periodStart)
	);
	const shape = frameworkShape(db, allRounds[allRounds.length - 1].frameworkId);
	const scaleValues = shape.scale.map((l) => l.value);
	const serviceConditions: SQL[] = [eq(services.organisationId, organisationId)];
	if (filters.grouping) serviceConditions.push(eq(services.groupingId, filters.grouping));
	if (filters.type) serviceConditions.push(eq(services.type, filters.type));
	const rangeConditions: SQL[] = [];
	if (fromRound) rangeConditions.push(gte(rounds.periodStart, fromRound.periodStart));
	if (toRound) rangeConditions.push(lte(rounds.periodStart, toRound.periodStart));

	// How many services agreed each level, per round and challenge, over completed assessments:
	// the kept counts when every service is shown, otherwise counted from the filtered services.
	const levelCounts =
		!filters.grouping && !filters.type
			? db
					.select({
						roundId: roundLevelCounts.roundId,
						key: challenges.packChallengeKey,
						level: roundLevelCounts.level,
						count: roundLevelCounts.services
					})
					.from(roundLevelCounts)
					.innerJoin(rounds, eq(rounds.id, roundLevelCounts.roundId))
					.innerJoin(challenges, eq(challenges.id, roundLevelCounts.challengeId))
					.where(and(eq(rounds.organisationId, organisationId), ...rangeConditions))
					.all()
			: db
					.select({
						roundId: assessments.roundId,
						key: challenges.packChallengeKey,
						level: sql<number>`${agreedScores.level}`,
						count: count()
					})
					.from(agreedScores)
					.innerJoin(assessments, eq(assessments.id, agreedScores.assessmentId))
					.innerJoin(rounds, eq(rounds.id, assessments.roundId))
					.innerJoin(services, eq(services.id, assessments.serviceId))
					.innerJoin(challenges, eq(challenges.id, agreedScores.challengeId))
					.where(
						and(
							eq(rounds.organisationId, organisationId),
							eq(assessments.status, 'complete'),
							isNotNull(agreedScores.level),
							...serviceConditions,
							...rangeConditions
						)
					)
					.groupBy(assessments.roundId, challenges.packChallengeKey, agreedScores.level)
					.all();
	const byRoundAndChallenge = countsByKey(
		levelCounts.map((r) => ({ key: `${r.roundId}|${r.key}`, level: r.level, count: r.count }))
	);
	const countedRounds = inRange.filter((r) => levelCounts.some((c) => c.roundId === r.id));
	const cell = (roundId: string, key: string) =>
		distribution(byRoundAndChallenge.get(`${roundId}|${key}`) ?? [], scaleValues);

	const chosenChallenge =
		shape.challenges.find((c) => c.key === filters.challenge) ?? shape.challenges[0];
	const distributionRows = countedRounds.map((r) => ({
		round: r,
		...cell(r.id, chosenChallenge.key)
	}));
	const medians = shape.challenges.map((c) => ({
		...c,
		medians: countedRounds.map((r) => cell(r.id, c.key).median)
	}));

	// Asked once per service, not once per cell.
	const shown = new Map<string, boolean>();
	const shows = (serviceId: string) => {
		if (!shown.has(serviceId))
			shown.set(serviceId, may(person, 'service.view', { organisationId, serviceId }));
		return shown.get(serviceId)!;
	};

	// The heatmap: one row per service in the chosen round, each cell its agreed level.
	const heatmapRound =
		allRounds.find((r) => r.id === filters.round) ??
		countedRounds.at(-1) ??
		allRounds[allRounds.length - 1];
	const heatmapCells = db
		.select({
			serviceId: services.id,
			serviceName: services.name,
			groupingName: groupings.name,
			assessmentId: assessments.id,
			status: assessments.status,
			key: challenges.packChallengeKey,
			level: agreedScores.level
		})
		.from(assessments)
		.innerJoin(services, eq(services.id, assessments.serviceId))
		.leftJoin(groupings, eq(groupings.id, services.groupingId))
		.leftJoin(agreedScores, eq(agreedScores.assessmentId, assessments.id))
		.leftJoin(challenges, eq(challenges.id, agreedScores.challengeId))
		.where(and(eq(assessments.roundId, heatmapRound.id), ...serviceConditions))
		.all()
		.filter((row) => shows(row.serviceId));
	const heatmapServices = new Map<
		string,
		{
			serviceId: string;
			serviceName: string;
			groupingName: string | null;
			assessmentId: string;
			complete: boolean;
			levels: Map<string, number>;
		}
	>();
	for (const row of heatmapCells) {
		const entry = heatmapServices.get(row.serviceId) ?? {
			serviceId: row.serviceId,
			serviceName: row.serviceName,
			groupingName: row.groupingName,
			assessmentId: row.assessmentId,
			complete: row.status === 'complete',
			levels: new Map<string, number>()
		};
		if (row.key && row.level !== null && row.status === 'complete')
			entry.levels.set(row.key, row.level);
		heatmapServices.set(row.serviceId, entry);
	}
	const heatmapRows = [...heatmapServices.values()].map((s) => {
		const levelList = shape.challenges.map((c) => s.levels.get(c.key) ?? null);
		// The row's own levels, already here to draw it: its median needs no query of its own.
		return {
			...s,
			levels: levelList,
			median: medianLevel(levelList.filter((l): l is number => l !== null))
		};
	});
	// Sorted by grouping unless the address names another known order or a challenge.
	const knownSort =
		(HEATMAP_SORTS as readonly string[]).includes(filters.sort ?? '') ||
		shape.challenges.some((c) => c.key === filters.sort);
	const sort = knownSort ? filters.sort! : 'grouping';
	const sortIndex = shape.challenges.findIndex((c) => c.key === sort);
	const byName = (a: { serviceName: string }, b: { serviceName: string }) =>
		a.serviceName.localeCompare(b.serviceName);
	const highestFirst = (a: number | null, b: number | null) => (b ?? -Infinity) - (a ?? -Infinity);
	const medianOrNull = (median: MedianLevel | null) => (median ? medianValue(median) : null);
	heatmapRows.sort((a, b) => {
		if (sortIndex >= 0)
			return highestFirst(a.levels[sortIndex], b.levels[sortIndex]) || byName(a, b);
		if (sort === 'median')
			return highestFirst(medianOrNull(a.median), medianOrNull(b.median)) || byName(a, b);
		if (sort === 'name') return byName(a, b);
		return (a.groupingName ?? '\uffff').localeCompare(b.groupingName ?? '\uffff') || byName(a, b);
	});
	const groupedBy = sort === 'grouping';

	// Biggest movers between the last two counted rounds in the range: per service, the change
	// summed in SQL over the challenges (matched by key) agreed in both.
	const [earlier, later] = countedRounds.slice(-2);
	let moverLists: ReturnType<typeof biggestMovers<Mover & { serviceName: string }>> = {
		up: [],
		down: []
	};
	if (earlier && later) {
		const previousScore = alias(agreedScores, 'previous_score');
		const previousAssessment = alias(assessments, 'previous_assessment');
		const previousChallenge = alias(challenges, 'previous_challenge');
		const change = sql<number>`${agreedScores.level} - ${previousScore.level}`;
		const all = db
			.select({
				serviceId: services.id,
				serviceName: services.name,
				change: sql<number>`sum(${change})`,
				up: sql<number>`sum(${change} > 0)`,
				down: sql<number>`sum(${change} < 0)`,
				compared: count()
			})
			.from(agreedScores)
			.innerJoin(
				assessments,
				and(
					eq(assessments.id, agreedScores.assessmentId),
					eq(assessments.roundId, later.id),
					eq(assessments.status, 'complete')
				)
			)
			.innerJoin(challenges, eq(challenges.id, agreedScores.challengeId))
			.innerJoin(services, eq(services.id, assessments.serviceId))
			.innerJoin(
				previousAssessment,
				and(
					eq(previousAssessment.serviceId, assessments.serviceId),
					eq(previousAssessment.roundId, earlier.id),
					eq(previousAssessment.status, 'complete')
				)
			)
			.innerJoin(previousScore, eq(previousScore.assessmentId, previousAssessment.id))
			.innerJoin(
				previousChallenge,
				and(
					eq(previousChallenge.id, previousScore.challengeId),
					eq(previousChallenge.packChallengeKey, challenges.packChallengeKey)
				)
			)
			.where(
				and(isNotNull(agreedScores.level), isNotNull(previousScore.level), ...serviceConditions)
			)
			.groupBy(services.id)
			.all()
			.filter((m) => shows(m.serviceId));
		moverLists = biggestMovers(all);
	}
	const moverRows = [...moverLists.up, ...moverLists.down];

	// Completion of the current round: the open one, or else the latest.
	const currentRound =
		[...allRounds].reverse().find((r) => r.status === 'open') ?? allRounds[allRounds.length - 1];
	const filteredServiceIds =
		filters.grouping || filters.type
			? new Set(
					db
						.select({ id: services.id })
						.from(services)
						.where(and(...serviceConditions))
						.all()
						.map((s) => s.id)
				)
			: null;
	const progress = roundProgress(db, currentRound, {
		now,
		shows: (id) => shows(id) && (!filteredServiceIds || filteredServiceIds.has(id))
	});
	const stageCounts = { not_started: 0, rating: 0, agreeing: 0, complete: 0 };
	for (const p of progress.participants) if (p.standing) stageCounts[p.standing.stage] += 1;

	const roundHeads = countedRounds.map((r) => r.title);
	const tables: Record<string, DataTable> = {
		heatmap: {
			caption: `Agreed level by service and challenge, ${heatmapRound.title}`,
			head: [
				'Service',
				'Grouping',
				...shape.challenges.map((c) => `${c.position}. ${c.shortLabel}`),
				'Median'
			],
			rows: heatmapRows.map((r) => [
				r.serviceName,
				r.groupingName ?? '',
				...r.levels,
				formatMedian(r.median)
			])
		},
		distribution: {
			caption: `Services at each level of ${chosenChallenge.position}. ${chosenChallenge.shortLabel}, by round`,
			head: ['Round', ...shape.scale.map((l) => `${l.value} ${l.name}`), 'Services', 'Median'],
			rows: distributionRows.map((d) => [
				d.round.title,
				...d.counts,
				d.total,
				formatMedian(d.median)
			])
		},
		medians: {
			caption: 'Median agreed level by challenge and round',
			head: ['Challenge', ...roundHeads],
			rows: medians.map((m) => [`${m.position}. ${m.shortLabel}`, ...m.medians.map(formatMedian)])
		},
		completion: {
			caption: `Where services are in ${currentRound.title}`,
			head: ['Stage', 'Services'],
			rows: [
				['Not started', stageCounts.not_started],
				['Rating', stageCounts.rating],
				['Agreeing', stageCounts.agreeing],
				['Complete', stageCounts.complete]
			]
		},
		movers: {
			caption:
				earlier && later
					? `Biggest movers from ${earlier.title} to ${later.title}`
					: 'Biggest movers',
			head: ['Service', 'Change in agreed levels', 'Challenges up', 'Challenges down'],
			rows: moverRows.map((m) => [m.serviceName, m.change, m.up, m.down])
		}
	};

	return {
		rounds: allRounds,
		countedRounds,
		scale: shape.scale,
		challenges: shape.challenges,
		chosenChallenge,
		heatmap: { round: heatmapRound, rows: heatmapRows, groupedBy, sort },
		distribution: distributionRows,
		medians,
		movers: { earlier: earlier ?? null, later: later ?? null, ...moverLists },
		completion: {
			round: currentRound,
			stages: stageCounts,
			late: progress.participants.filter((p) => p.standing?.late).length
		},
		tables
	};
}

// The cross-site view ---------------------------------------------------------------------------

/** The sites a person may compare: every organisation for a platform administrator, otherwise those that granted them facilitator access. */
export function comparableSites(db: Db, person: Person) {
	const all = db
		.select({ id: organisations.id, name: organisations.name })
		.from(organisations)
		.orderBy(asc(organisations.name))
		.all();
	return all.filter((o) => may(person, 'sites.compare', { organisationId: o.id }));
}

export const crossSiteFilterSchema = z.object({
	site: z.string().max(64).optional().catch(undefined)
});

/**
 * Medians only, per site: never a service's name, evidence or comment. Read from
 * round_level_count, which holds one row per round, challenge and level.
 */
/**
 * The cross-site view's two big statements, prepared once per database and reused: they run on
 * every request, and building them afresh cost about as much as running them. The lists of sites
 * and rounds go in as one JSON parameter each, so the statements keep one shape.
 */
const crossSiteStatementCache = new WeakMap<Db, ReturnType<typeof prepareCrossSiteStatements>>();

function prepareCrossSiteStatements(db: Db) {
	return {
		roundCounts: db
			.select({
				organisationId: rounds.organisationId,
				roundId: rounds.id,
				title: rounds.title,
				periodStart: rounds.periodStart,
				counts: sql<string>`group_concat(${roundLevelTotals.level} || ':' || ${roundLevelTotals.scores}, ',' order by ${roundLevelTotals.level})`
			})
			.from(roundLevelTotals)
			.innerJoin(rounds, eq(rounds.id, roundLevelTotals.roundId))
			.innerJoin(frameworks, eq(frameworks.id, rounds.frameworkId))
			.where(
				and(
					sql`${rounds.organisationId} in (select value from json_each(${sql.placeholder('sites')}))`,
					eq(frameworks.packKey, sql.placeholder('packKey'))
				)
			)
			.groupBy(roundLevelTotals.roundId)
			.prepare(),
		challengeCounts: db
			.select({
				organisationId: rounds.organisationId,
				key: challenges.packChallengeKey,
				counts: sql<string>`group_concat(${roundLevelCounts.level} || ':' || ${roundLevelCounts.services}, ',' order by ${roundLevelCounts.level})`
			})
			.from(roundLevelCounts)
			.innerJoin(rounds, eq(rounds.id, roundLevelCounts.roundId))
			.innerJoin(challenges, eq(challenges.id, roundLevelCounts.challengeId))
			.where(
				sql`${roundLevelCounts.roundId} in (select value from json_each(${sql.placeholder('rounds')}))`
			)
			.groupBy(roundLevelCounts.roundId, roundLevelCounts.challengeId)
			.prepare()
	};
}

function crossSiteStatements(db: Db) {
	let statements = crossSiteStatementCache.get(db);
	if (!statements) {
		statements = prepareCrossSiteStatements(db);
		crossSiteStatementCache.set(db, statements);
	}
	return statements;
}

export function crossSiteView(
	db: Db,
	sites: { id: string; name: string }[],
	chosenSiteId: string | undefined,
	packKey = 'imroc-2010'
) {
	if (sites.length === 0) return null;
	const siteIds = sites.map((s) => s.id);
	const latestFramework = db
		.select({ id: frameworks.id })
		.from(frameworks)
		.where(eq(frameworks.packKey, packKey))
		.orderBy(desc(frameworks.version))
		.get();
	if (!latestFramework) return null;
	const shape = frameworkShape(db, latestFramework.id);

	// Per site and round, over every challenge of the pack: the trend. SQL sums the levels into
	// one short "level:count" list per round, so a row per round comes back, not one per level.
	const statements = crossSiteStatements(db);
	const roundCounts = statements.roundCounts.all({ sites: JSON.stringify(siteIds), packKey });
	const latestRound = new Map<string, { roundId: string; title: string; periodStart: string }>();
	for (const r of roundCounts) {
		const seen = latestRound.get(r.organisationId);
		if (!seen || r.periodStart > seen.periodStart)
			latestRound.set(r.organisationId, {
				roundId: r.roundId,
				title: r.title,
				periodStart: r.periodStart
			});
	}
	const periods = [...new Set(roundCounts.map((r) => r.periodStart))].sort();
	const trendMedians = new Map(
		roundCounts.map((r) => [
			`${r.organisationId}|${r.periodStart}`,
			medianFromCounts(parseLevelCounts(r.counts))
		])
	);
	const trend = sites.map((site) => ({
		site,
		medians: periods.map((p) => trendMedians.get(`${site.id}|${p}`) ?? null)
	}));

	// Per site and challenge, in each site's latest counted round: the heatmap and the benchmark.
	const latestIds = [...latestRound.values()].map((r) => r.roundId);
	const challengeCounts = latestIds.length
		? statements.challengeCounts.all({ rounds: JSON.stringify(latestIds) })
		: [];
	const bySiteChallenge = new Map(
		challengeCounts.map((r) => [
			`${r.organisationId}|${r.key}`,
			medianFromCounts(parseLevelCounts(r.counts))
		])
	);
	const heatmap = sites.map((site) => ({
		site,
		round: latestRound.get(site.id) ?? null,
		medians: shape.challenges.map((c) => bySiteChallenge.get(`${site.id}|${c.key}`) ?? null)
	}));

	const chosen = sites.find((s) => s.id === chosenSiteId) ?? sites[0];
	const chosenRow = heatmap.find((h) => h.site.id === chosen.id)!;
	const benchmarks: { challenge: ChallengeColumn; result: Benchmark }[] = shape.challenges.map(
		(c, i) => {
			const site = chosenRow.medians[i];
			const others = heatmap
				.filter((h) => h.site.id !== chosen.id)
				.map((h) => h.medians[i])
				.filter((m): m is NonNullable<typeof m> => m !== null)
				.map(medianValue);
			return { challenge: c, result: benchmark(site ? medianValue(site) : null, others) };
		}
	);

	const tables: Record<string, DataTable> = {
		heatmap: {
			caption: 'Median agreed level by site and challenge, in each site’s latest completed round',
			head: ['Site', 'Round', ...shape.challenges.map((c) => `${c.position}. ${c.shortLabel}`)],
			rows: heatmap.map((h) => [
				h.site.name,
				h.round?.title ?? 'No completed round',
				...h.medians.map(formatMedian)
			])
		},
		trend: {
			caption: 'Median agreed level over all challenges, by site and round start',
			head: ['Site', ...periods],
			rows: trend.map((t) => [t.site.name, ...t.medians.map(formatMedian)])
		},
		benchmark: {
			caption: `${chosen.name} beside the other sites: medians per challenge`,
			head: [
				'Challenge',
				chosen.name,
				'Other sites',
				'Lowest',
				'Lower quartile',
				'Median',
				'Upper quartile',
				'Highest'
			],
			rows: benchmarks.map(({ challenge, result }) => [
				`${challenge.position}. ${challenge.shortLabel}`,
				result.site,
				result.kind === 'compared' ? result.others.count : result.otherSites,
				...(result.kind === 'compared'
					? [
							result.others.min,
							result.others.lowerQuartile,
							result.others.median,
							result.others.upperQuartile,
							result.others.max
						]
					: ['Withheld: fewer than 3 other sites', null, null, null, null])
			])
		}
	};
	return {
		sites,
		chosen,
		scale: shape.scale,
		challenges: shape.challenges,
		periods,
		trend,
		heatmap,
		benchmarks,
		tables
	};
}
