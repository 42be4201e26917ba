// The organisation-wide view: a heatmap of services by challenges, the spread of services across
// levels and the medians over time, where services are in the current round, and the biggest
// movers. Every figure is counted in SQL (GROUP BY over indexed joins, or the round_level_count
// table kept at completion); the domain turns those small tables of counts into medians.

import { and, asc, count, eq, gte, inArray, isNotNull, lte, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import {
	biggestMovers,
	chosenFramework,
	distribution,
	formatMedian,
	type FrameworkChoice,
	type Mover
} from '$lib/domain/dashboards';
import type { DataTable } from '$lib/format/data-table';
import { heatmapSort, sortHeatmapRows } from '$lib/domain/heatmap';
import { medianLevel } from '$lib/domain/ratings';
import { ASSESSMENT_STAGES, ASSESSMENT_STAGE_LABELS, countStages } from '$lib/domain/rounds';
import { SERVICE_TYPES } from '$lib/domain/services';
import { may, type Person } from '../access/policy';
import type { Db } from '../db/client';
import {
	agreedScores,
	assessments,
	challenges,
	groupings,
	roundLevelCounts,
	rounds,
	services
} from '../db/schema';
import { listGroupings } from '../groupings';
import { roundProgress } from '../rounds/progress';
import { keptFigures, personKey } from './kept-figures';
import {
	challengeHeading,
	countsByKey,
	frameworkShape,
	frameworksOf,
	frameworkSummary,
	type FrameworkShape
} from './framework-shape';

const organisationFilterSchema = z.object({
	/** A framework pack's key: the dashboard shows one framework at a time. */
	framework: z.string().max(100).optional().catch(undefined),
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

type DashboardRound = ReturnType<typeof organisationRounds>[number];

function organisationRounds(db: Db, organisationId: string) {
	return db
		.select({
			id: rounds.id,
			title: rounds.title,
			periodStart: rounds.periodStart,
			periodEnd: rounds.periodEnd,
			status: rounds.status,
			frameworkId: rounds.frameworkId,
			openedAt: rounds.openedAt
		})
		.from(rounds)
		.where(eq(rounds.organisationId, organisationId))
		.orderBy(asc(rounds.periodStart), asc(rounds.title))
		.all();
}

/** What the filters narrow: which services, which rounds, and who is looking. */
interface Scope {
	db: Db;
	organisationId: string;
	filters: OrganisationFilters;
	/** The services the filters keep, as SQL conditions on `service`. */
	serviceConditions: SQL[];
	/** The framework's rounds in the range, as SQL conditions on `round`. */
	roundConditions: SQL[];
	/** Whether the person looking may see this service; asked once per service, not per cell. */
	shows: (serviceId: string) => boolean;
}

function scopeOf(
	db: Db,
	organisationId: string,
	filters: OrganisationFilters,
	person: Person,
	range: { framework: FrameworkChoice; fromRound?: DashboardRound; toRound?: DashboardRound }
): Scope {
	const serviceConditions: SQL[] = [eq(services.organisationId, organisationId)];
	if (filters.grouping) serviceConditions.push(eq(services.groupingId, filters.grouping));
	if (filters.type) serviceConditions.push(eq(services.type, filters.type));
	const roundConditions: SQL[] = [inArray(rounds.frameworkId, range.framework.frameworkIds)];
	if (range.fromRound) roundConditions.push(gte(rounds.periodStart, range.fromRound.periodStart));
	if (range.toRound) roundConditions.push(lte(rounds.periodStart, range.toRound.periodStart));
	const shown = new Map<string, boolean>();
	const shows = (serviceId: string) => {
		let allowed = shown.get(serviceId);
		if (allowed === undefined) {
			allowed = may(person, 'service.view', { organisationId, serviceId });
			shown.set(serviceId, allowed);
		}
		return allowed;
	};
	return { db, organisationId, filters, serviceConditions, roundConditions, shows };
}

/**
 * How many services agreed each level, per round and challenge, over completed assessments: the
 * kept counts when every service is shown, otherwise counted from the filtered services.
 */
function levelCounts({ db, organisationId, filters, serviceConditions, roundConditions }: Scope) {
	if (!filters.grouping && !filters.type)
		return db
			.select({
				roundId: roundLevelCounts.roundId,
				key: challenges.packChallengeKey,
				level: roundLevelCounts.level,
				count: roundLevelCounts.services
			})
			.from(roundLevelCounts)
			.innerJoin(rounds, eq(rounds.id, roundLevelCounts.roundId))
			.innerJoin(challenges, eq(challenges.id, roundLevelCounts.challengeId))
			.where(and(eq(rounds.organisationId, organisationId), ...roundConditions))
			.all();
	return db
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
				...roundConditions
			)
		)
		.groupBy(assessments.roundId, challenges.packChallengeKey, agreedScores.level)
		.all();
}

/**
 * Over the rounds in range that have counts: for the challenge chosen, how many services agreed
 * each level round by round; for every challenge, the median over time.
 */
function levelSummaries(scope: Scope, shape: FrameworkShape, inRange: DashboardRound[]) {
	const counts = levelCounts(scope);
	const byRoundAndChallenge = countsByKey(
		counts.map((r) => ({ key: `${r.roundId}|${r.key}`, level: r.level, count: r.count }))
	);
	const scaleValues = shape.scale.map((l) => l.value);
	const countedRounds = inRange.filter((r) => counts.some((c) => c.roundId === r.id));
	const cell = (roundId: string, key: string) =>
		distribution(byRoundAndChallenge.get(`${roundId}|${key}`) ?? [], scaleValues);
	const chosenChallenge =
		shape.challenges.find((c) => c.key === scope.filters.challenge) ?? shape.challenges[0];
	const distributionRows = countedRounds.map((r) => ({
		round: r,
		...cell(r.id, chosenChallenge.key)
	}));
	const levelsByChallenge = shape.challenges.map((c) => ({
		...c,
		rounds: countedRounds.map((r) => cell(r.id, c.key))
	}));
	const medians = levelsByChallenge.map(({ rounds: perRound, ...c }) => ({
		...c,
		medians: perRound.map((d) => d.median)
	}));
	return { countedRounds, chosenChallenge, distributionRows, medians, levelsByChallenge };
}

/** One row per service shown in the round, each cell its agreed level, in the order asked for. */
function heatmap(scope: Scope, shape: FrameworkShape, round: DashboardRound) {
	const cells = scope.db
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
		.where(and(eq(assessments.roundId, round.id), ...scope.serviceConditions))
		.all()
		.filter((row) => scope.shows(row.serviceId));
	const byService = new Map<string, (typeof cells)[number] & { levels: Map<string, number> }>();
	for (const cell of cells) {
		const entry = byService.get(cell.serviceId) ?? { ...cell, levels: new Map<string, number>() };
		if (cell.key && cell.level !== null && cell.status === 'complete')
			entry.levels.set(cell.key, cell.level);
		byService.set(cell.serviceId, entry);
	}
	const keys = shape.challenges.map((c) => c.key);
	const rows = [...byService.values()].map((s) => {
		const levels = keys.map((key) => s.levels.get(key) ?? null);
		// The row's own levels, already here to draw it: its median needs no query of its own.
		return {
			serviceId: s.serviceId,
			serviceName: s.serviceName,
			groupingName: s.groupingName,
			assessmentId: s.assessmentId,
			complete: s.status === 'complete',
			levels,
			median: medianLevel(levels.filter((l): l is number => l !== null))
		};
	});
	const sort = heatmapSort(scope.filters.sort, keys);
	sortHeatmapRows(rows, sort, keys);
	return { round, rows, groupedBy: sort === 'grouping', sort };
}

/**
 * The services that rose and fell most between two rounds: per service, the change summed in SQL
 * over the challenges (matched by key) agreed in both.
 */
function movers(scope: Scope, earlier: DashboardRound, later: DashboardRound) {
	const previousScore = alias(agreedScores, 'previous_score');
	const previousAssessment = alias(assessments, 'previous_assessment');
	const previousChallenge = alias(challenges, 'previous_challenge');
	const change = sql<number>`${agreedScores.level} - ${previousScore.level}`;
	const all = scope.db
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
			and(isNotNull(agreedScores.level), isNotNull(previousScore.level), ...scope.serviceConditions)
		)
		.groupBy(services.id)
		.all()
		.filter((m) => scope.shows(m.serviceId));
	return biggestMovers(all);
}

type MoverLists = ReturnType<typeof biggestMovers<Mover & { serviceName: string }>>;

/**
 * Where the services shown are in the framework's current round: its open one, or else its latest.
 */
function completion(scope: Scope, packRounds: DashboardRound[], now: Date) {
	const { db, filters, serviceConditions } = scope;
	const round =
		[...packRounds].reverse().find((r) => r.status === 'open') ?? packRounds[packRounds.length - 1];
	const filtered =
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
	const progress = roundProgress(db, round, {
		now,
		shows: (id) => scope.shows(id) && (!filtered || filtered.has(id))
	});
	const standings = progress.participants.flatMap((p) => (p.standing ? [p.standing] : []));
	return { round, stages: countStages(standings), late: standings.filter((s) => s.late).length };
}

interface Parts {
	shape: FrameworkShape;
	countedRounds: DashboardRound[];
	chosenChallenge: FrameworkShape['challenges'][number];
	heatmap: ReturnType<typeof heatmap>;
	distributionRows: ({ round: DashboardRound } & ReturnType<typeof distribution>)[];
	medians: (FrameworkShape['challenges'][number] & {
		medians: ReturnType<typeof distribution>['median'][];
	})[];
	completion: ReturnType<typeof completion>;
	movers: { earlier?: DashboardRound; later?: DashboardRound; lists: MoverLists };
}

/** The numbers behind each chart, as the page's tables and the CSV downloads show them. */
function organisationTables(p: Parts): Record<string, DataTable> {
	const { earlier, later, lists } = p.movers;
	return {
		heatmap: {
			caption: `Agreed level by service and challenge, ${p.heatmap.round.title}`,
			head: ['Service', 'Grouping', ...p.shape.challenges.map(challengeHeading), 'Median'],
			rows: p.heatmap.rows.map((r) => [
				r.serviceName,
				r.groupingName ?? '',
				...r.levels,
				formatMedian(r.median)
			])
		},
		distribution: {
			caption: `Services at each level of ${challengeHeading(p.chosenChallenge)}, by round`,
			head: ['Round', ...p.shape.scale.map((l) => `${l.value} ${l.name}`), 'Services', 'Median'],
			rows: p.distributionRows.map((d) => [
				d.round.title,
				...d.counts,
				d.total,
				formatMedian(d.median)
			])
		},
		medians: {
			caption: 'Median agreed level by challenge and round',
			head: ['Challenge', ...p.countedRounds.map((r) => r.title)],
			rows: p.medians.map((m) => [challengeHeading(m), ...m.medians.map(formatMedian)])
		},
		completion: {
			caption: `Where services are in ${p.completion.round.title}`,
			head: ['Stage', 'Services'],
			rows: ASSESSMENT_STAGES.map((stage) => [
				ASSESSMENT_STAGE_LABELS[stage],
				p.completion.stages[stage]
			])
		},
		movers: {
			caption:
				earlier && later
					? `Biggest movers from ${earlier.title} to ${later.title}`
					: 'Biggest movers',
			head: ['Service', 'Change in agreed levels', 'Challenges up', 'Challenges down'],
			rows: [...lists.up, ...lists.down].map((m) => [m.serviceName, m.change, m.up, m.down])
		}
	};
}

/**
 * The framework the dashboard shows: the one asked for, or else the latest round's. Only the
 * rounds of that framework (any version of its pack) are counted, compared and offered.
 */
function frameworkRounds(db: Db, allRounds: DashboardRound[], asked: string | undefined) {
	const choices = frameworksOf(
		db,
		allRounds.map((r) => r.frameworkId)
	);
	const latestVersion = allRounds[allRounds.length - 1].frameworkId;
	const latestPack = choices.find((c) => c.frameworkIds.includes(latestVersion))!.packKey;
	const framework = chosenFramework(choices, asked, latestPack);
	const packRounds = allRounds.filter((r) => framework.frameworkIds.includes(r.frameworkId));
	return { choices, framework, packRounds };
}

/**
 * The figures counted from completed assessments, which change only when something is written in
 * the organisation, so they are kept between requests (see kept-figures.ts).
 */
function levelFigures(
	db: Db,
	organisationId: string,
	filters: OrganisationFilters,
	person: Person,
	allRounds: DashboardRound[]
) {
	const { choices, framework, packRounds } = frameworkRounds(db, allRounds, filters.framework);
	// A round of another framework (from an address made for it) is not a bound of this range.
	const fromRound = packRounds.find((r) => r.id === filters.from);
	const toRound = packRounds.find((r) => r.id === filters.to);
	const inRange = packRounds.filter(
		(r) =>
			(!fromRound || r.periodStart >= fromRound.periodStart) &&
			(!toRound || r.periodStart <= toRound.periodStart)
	);
	const scope = scopeOf(db, organisationId, filters, person, { framework, fromRound, toRound });
	const shape = frameworkShape(db, framework.latestFrameworkId);
	const { countedRounds, chosenChallenge, distributionRows, medians, levelsByChallenge } =
		levelSummaries(scope, shape, inRange);
	const heatmapRound =
		packRounds.find((r) => r.id === filters.round) ?? countedRounds.at(-1) ?? packRounds.at(-1)!;
	const heat = heatmap(scope, shape, heatmapRound);
	const [earlier, later] = countedRounds.slice(-2);
	const moverLists: MoverLists =
		earlier && later ? movers(scope, earlier, later) : { up: [], down: [] };
	return {
		scope,
		choices,
		framework,
		packRounds,
		shape,
		countedRounds,
		chosenChallenge,
		distributionRows,
		medians,
		levelsByChallenge,
		heat,
		earlier,
		later,
		moverLists
	};
}

/**
 * The organisation-wide view, or null before the organisation has a round. `person` is required:
 * the heatmap, movers and completion show only the services they may see.
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
	const allRounds = organisationRounds(db, organisationId);
	if (allRounds.length === 0) return null;
	const figures = keptFigures(
		db,
		JSON.stringify(['organisation dashboard', organisationId, personKey(person), filters]),
		() => levelFigures(db, organisationId, filters, person, allRounds)
	);
	const { shape, countedRounds, chosenChallenge, distributionRows, medians, heat } = figures;
	const { earlier, later, moverLists } = figures;
	// Where services are in the round changes with every rating, and lateness with the date.
	const done = completion(figures.scope, figures.packRounds, now);
	return {
		framework: frameworkSummary(figures.framework, figures.choices),
		rounds: figures.packRounds,
		countedRounds,
		scale: shape.scale,
		challenges: shape.challenges,
		chosenChallenge,
		heatmap: heat,
		distribution: distributionRows,
		medians,
		/** Every challenge's distribution round by round (countedRounds), as the board report shows them. */
		levelsByChallenge: figures.levelsByChallenge,
		movers: { earlier: earlier ?? null, later: later ?? null, ...moverLists },
		completion: done,
		tables: organisationTables({
			shape,
			countedRounds,
			chosenChallenge,
			heatmap: heat,
			distributionRows,
			medians,
			completion: done,
			movers: { earlier, later, lists: moverLists }
		})
	};
}

/**
 * The organisation dashboard page: the filters' choices and the dashboard, for a person already
 * allowed to see the whole organisation. The route and the benchmark both call it.
 */
export function organisationDashboardPage(
	db: Db,
	person: Person,
	organisationId: string,
	filters: OrganisationFilters
) {
	return {
		filters,
		groupings: listGroupings(db, organisationId).map((g) => ({ value: g.id, text: g.name })),
		serviceTypes: SERVICE_TYPES.map((t) => ({ value: t, text: t })),
		dashboard: organisationDashboard(db, organisationId, filters, person)
	};
}
