// The cross-site view: ImROC's view of the organisations a facilitator supports, as sites.
// Medians only, per site: never a service's name, evidence or comment. Read from the counts kept
// at completion (round_level_count and round_level_total), a few thousand rows, never every score.

import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
	benchmark,
	chosenFramework,
	medianFromCounts,
	medianValue,
	parseLevelCounts,
	type Benchmark
} from '$lib/domain/dashboards';
import {
	periodWords,
	realMedian,
	siteRoundMedian,
	sitesToShow,
	formatShownMedian,
	type ShownMedian
} from '$lib/domain/cross-site';
import type { DataTable } from '$lib/format/data-table';
import { keptFigures } from './kept-figures';
import { may, type Person } from '../access/policy';
import type { Db } from '../db/client';
import {
	challenges,
	organisations,
	roundLevelCounts,
	roundLevelTotals,
	rounds
} from '../db/schema';
import {
	challengeHeading,
	frameworkShape,
	frameworksOf,
	frameworkSummary,
	type ChallengeColumn
} from './framework-shape';

/** A site as the view computes with it; `named` when the person may see its name. */
type Site = { id: string; name: string; named: boolean };

/**
 * The sites a person may compare: every organisation for a platform administrator, otherwise those
 * that granted them facilitator access. Named are those in which the person holds a role.
 */
function comparableSites(db: Db, person: Person): Site[] {
	const all = db
		.select({ id: organisations.id, name: organisations.name })
		.from(organisations)
		.orderBy(asc(organisations.name))
		.all();
	return all
		.filter((o) => may(person, 'sites.compare', { organisationId: o.id }))
		.map((o) => ({
			...o,
			named: person.memberships.some((m) => m.organisationId === o.id)
		}));
}

const crossSiteFilterSchema = z.object({
	site: z.string().max(64).optional().catch(undefined),
	/** A framework pack's key: the view compares one framework at a time. */
	framework: z.string().max(100).optional().catch(undefined)
});
export type CrossSiteFilters = z.infer<typeof crossSiteFilterSchema>;

/** The site and framework chosen in the address, if any; anything else is ignored. */
export function crossSiteFiltersFromUrl(url: URL): CrossSiteFilters {
	return crossSiteFilterSchema.parse({
		site: url.searchParams.get('site') || undefined,
		framework: url.searchParams.get('framework') || undefined
	});
}

/**
 * The cross-site view's two big statements, prepared once per database and reused: they run on
 * every request, and building them afresh cost about as much as running them. The lists of sites
 * and rounds go in as one JSON parameter each, so the statements keep one shape. The first reads
 * every framework's counted rounds, so that the same rows say which frameworks there are to choose
 * from; the view keeps the chosen one's.
 */
const crossSiteStatementCache = new WeakMap<Db, ReturnType<typeof prepareCrossSiteStatements>>();

function prepareCrossSiteStatements(db: Db) {
	return {
		roundCounts: db
			.select({
				organisationId: rounds.organisationId,
				roundId: rounds.id,
				periodStart: rounds.periodStart,
				periodEnd: rounds.periodEnd,
				frameworkId: rounds.frameworkId,
				completed: sql<number>`(select count(*) from assessment where assessment.round_id = ${rounds.id} and assessment.status = 'complete')`,
				counts: sql<string>`group_concat(${roundLevelTotals.level} || ':' || ${roundLevelTotals.scores}, ',' order by ${roundLevelTotals.level})`
			})
			.from(roundLevelTotals)
			.innerJoin(rounds, eq(rounds.id, roundLevelTotals.roundId))
			.where(
				sql`${rounds.organisationId} in (select value from json_each(${sql.placeholder('sites')}))`
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

type LatestRound = { roundId: string; period: string; periodStart: string; completed: number };
type RoundCounts = ReturnType<ReturnType<typeof prepareCrossSiteStatements>['roundCounts']['all']>;

/**
 * Every counted round of these sites, whatever its framework: one row per round, its levels summed
 * by SQL into one short "level:count" list.
 */
function countedRounds(db: Db, sites: Site[]): RoundCounts {
	return crossSiteStatements(db).roundCounts.all({
		sites: JSON.stringify(sites.map((s) => s.id))
	});
}

/**
 * The framework the view compares: the one asked for, or else that of the latest counted round of
 * any site.
 */
function frameworkOfView(db: Db, rows: RoundCounts, asked: string | undefined) {
	const choices = frameworksOf(
		db,
		rows.map((r) => r.frameworkId)
	);
	if (choices.length === 0) return null;
	let latest = rows[0];
	for (const r of rows) if (r.periodStart > latest.periodStart) latest = r;
	const latestPack = choices.find((c) => c.frameworkIds.includes(latest.frameworkId))!.packKey;
	return { choices, framework: chosenFramework(choices, asked, latestPack) };
}

/** Per site and round, over every challenge of the framework: the trend. */
function siteTrends(sites: Site[], rows: RoundCounts) {
	const latestRound = new Map<string, LatestRound>();
	for (const r of rows) {
		const seen = latestRound.get(r.organisationId);
		if (!seen || r.periodStart > seen.periodStart)
			latestRound.set(r.organisationId, {
				roundId: r.roundId,
				period: periodWords(r.periodStart, r.periodEnd),
				periodStart: r.periodStart,
				completed: r.completed
			});
	}
	const periods = [...new Set(rows.map((r) => r.periodStart))].sort();
	const medians = new Map(
		rows.map((r) => [
			`${r.organisationId}|${r.periodStart}`,
			siteRoundMedian(medianFromCounts(parseLevelCounts(r.counts)), r.completed)
		])
	);
	const trend = sites.map((site) => ({
		site,
		medians: periods.map((p): ShownMedian => medians.get(`${site.id}|${p}`) ?? null)
	}));
	return { latestRound, periods, trend };
}

/** Per site and challenge, in each site's latest counted round: the heatmap. */
function siteHeatmap(
	db: Db,
	sites: Site[],
	challengeColumns: ChallengeColumn[],
	latestRound: Map<string, LatestRound>
) {
	const latestIds = [...latestRound.values()].map((r) => r.roundId);
	const rows = latestIds.length
		? crossSiteStatements(db).challengeCounts.all({ rounds: JSON.stringify(latestIds) })
		: [];
	const bySiteChallenge = new Map(
		rows.map((r) => [`${r.organisationId}|${r.key}`, medianFromCounts(parseLevelCounts(r.counts))])
	);
	return sites.map((site) => {
		const round = latestRound.get(site.id) ?? null;
		return {
			site,
			round,
			medians: challengeColumns.map(
				(c): ShownMedian =>
					round &&
					siteRoundMedian(bySiteChallenge.get(`${site.id}|${c.key}`) ?? null, round.completed)
			)
		};
	});
}

type SiteHeatmap = ReturnType<typeof siteHeatmap>;

/** One site's median per challenge beside the spread of the other sites' medians. */
function benchmarks(heatmap: SiteHeatmap, chosen: Site, challengeColumns: ChallengeColumn[]) {
	const chosenRow = heatmap.find((h) => h.site.id === chosen.id)!;
	return challengeColumns.map((challenge, i): { challenge: ChallengeColumn; result: Benchmark } => {
		const site = realMedian(chosenRow.medians[i]);
		const others = heatmap
			.filter((h) => h.site.id !== chosen.id)
			.map((h) => realMedian(h.medians[i]))
			.filter((m): m is NonNullable<typeof m> => m !== null)
			.map(medianValue);
		return { challenge, result: benchmark(site ? medianValue(site) : null, others) };
	});
}

/** The numbers behind each chart, as the page's tables and the CSV downloads show them. */
function crossSiteTables(
	challengeColumns: ChallengeColumn[],
	{
		heatmap,
		trend,
		periods
	}: { heatmap: SiteHeatmap; trend: ReturnType<typeof siteTrends>['trend']; periods: string[] },
	chosen: Site | null,
	compared: ReturnType<typeof benchmarks>
): Record<string, DataTable> {
	return {
		heatmap: {
			caption: 'Median agreed level by site and challenge, in each site’s latest completed round',
			head: ['Site', 'Round period', ...challengeColumns.map(challengeHeading)],
			rows: heatmap.map((h) => [
				h.site.name,
				h.round?.period ?? 'No completed round',
				...h.medians.map(formatShownMedian)
			])
		},
		trend: {
			caption: 'Median agreed level over all challenges, by site and round start',
			head: ['Site', ...periods],
			rows: trend.map((t) => [t.site.name, ...t.medians.map(formatShownMedian)])
		},
		...(chosen && { benchmark: benchmarkTable(chosen, compared) })
	};
}

function benchmarkTable(chosen: Site, compared: ReturnType<typeof benchmarks>): DataTable {
	return {
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
		rows: compared.map(({ challenge, result }) => [
			challengeHeading(challenge),
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
	};
}

/**
 * The cross-site view of these sites, benchmarking the chosen one (the first by default), for one
 * framework: the one asked for, or else the latest counted round's. Null until a site has a
 * completed assessment.
 */
export function crossSiteView(
	db: Db,
	/** Without `named`, a site is named (as to a person who holds a role in each). */
	asked: (Omit<Site, 'named'> & { named?: boolean })[],
	chosenSiteId: string | undefined,
	askedFramework?: string
) {
	if (asked.length === 0) return null;
	const sites = asked.map((s) => ({ ...s, named: s.named ?? true }));
	const allRows = countedRounds(db, sites);
	const ofView = frameworkOfView(db, allRows, askedFramework);
	if (!ofView) return null;
	const { choices, framework } = ofView;
	const rows = allRows.filter((r) => framework.frameworkIds.includes(r.frameworkId));
	const shape = frameworkShape(db, framework.latestFrameworkId);
	const computed = siteTrends(sites, rows);
	const fullHeatmap = siteHeatmap(db, sites, shape.challenges, computed.latestRound);
	const { shown, hidden } = sitesToShow(
		fullHeatmap.map((h) => ({
			...h.site,
			hasMedian: h.medians.some((m) => realMedian(m) !== null)
		}))
	);
	// Unnamed sites are shown by label only, with an id that says nothing of the organisation.
	const publicSite = new Map(
		shown.map((s, i): [string, Site] => [
			s.id,
			{ id: s.named ? s.id : `other-${i}`, name: s.label, named: s.named }
		])
	);
	// In the order sitesToShow gives: the order of names would tell lettered sites apart.
	const inShownOrder = <R extends { site: Site }>(rows: R[]) => {
		const bySite = new Map(rows.map((r) => [r.site.id, r]));
		return shown.map((s) => ({ ...bySite.get(s.id)!, site: publicSite.get(s.id)! }));
	};
	const heatmap = inShownOrder(fullHeatmap);
	const trend = inShownOrder(computed.trend);
	const shownSites = [...publicSite.values()];
	const named = shownSites.filter((s) => s.named);
	const chosen = named.find((s) => s.id === chosenSiteId) ?? named[0] ?? null;
	const compared = chosen ? benchmarks(heatmap, chosen, shape.challenges) : [];
	const { periods } = computed;
	return {
		framework: frameworkSummary(framework, choices),
		sites: shownSites,
		/** The sites that may be benchmarked: those named to the person. */
		benchmarkable: named,
		/** How many other sites have a median but are too few to show without naming them. */
		hiddenSites: hidden,
		chosen,
		scale: shape.scale,
		challenges: shape.challenges,
		periods,
		trend,
		heatmap,
		benchmarks: compared,
		tables: crossSiteTables(shape.challenges, { heatmap, trend, periods }, chosen, compared)
	};
}

/** The cross-site page for a person allowed to open it: the route and the benchmark both call it. */
export function crossSitePage(
	db: Db,
	person: Person,
	site: string | undefined,
	framework?: string
) {
	const sites = comparableSites(db, person);
	// Counted from every site's completed assessments: kept until the database changes.
	const view = keptFigures(db, JSON.stringify(['sites', sites, site, framework]), () =>
		crossSiteView(db, sites, site, framework)
	);
	return { view };
}
