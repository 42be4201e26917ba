// Aggregates behind the dashboards. The database does the counting (GROUP BY); these functions
// turn small tables of counts into medians, distributions, spreads and movers. No I/O.

import type { MedianLevel } from './ratings';

export interface LevelCount {
	level: number;
	count: number;
}

/**
 * The median of ordinal levels given as counts per level, without expanding them. For an even
 * total whose two middle levels differ, both are given, never a value between that is not on the
 * scale.
 */
const byLevel = (a: LevelCount, b: LevelCount) => a.level - b.level;

export function medianFromCounts(counts: LevelCount[]): MedianLevel | null {
	// Called for every site, round and challenge of a cross-site view, so it allocates little.
	let total = 0;
	for (const c of counts) total += c.count;
	if (total === 0) return null;
	const inOrder = counts.length > 1 ? [...counts].sort(byLevel) : counts;
	// The two middle positions (1-based); the same position when the total is odd.
	const lowPosition = Math.ceil(total / 2);
	const highPosition = Math.floor(total / 2) + 1;
	let seen = 0;
	let low = 0;
	let high = 0;
	for (const c of inOrder) {
		if (c.count <= 0) continue;
		const before = seen;
		seen += c.count;
		if (before < lowPosition && seen >= lowPosition) low = c.level;
		if (seen >= highPosition) {
			high = c.level;
			break;
		}
	}
	return low === high ? { kind: 'level', level: low } : { kind: 'between', low, high };
}

/**
 * Reads "1:12,3:4" (level:count pairs, as SQL's group_concat writes them) into counts. Levels and
 * counts are whole numbers from 0 up (framework packs allow no negative level).
 */
export function parseLevelCounts(text: string | null): LevelCount[] {
	const counts: LevelCount[] = [];
	if (!text) return counts;
	// A plain scan rather than split(): this runs for every site, round and challenge of a
	// cross-site view.
	let number = 0;
	let level = 0;
	for (let i = 0; i <= text.length; i++) {
		const code = i < text.length ? text.charCodeAt(i) : COMMA;
		if (code === COLON) {
			level = number;
			number = 0;
		} else if (code === COMMA) {
			counts.push({ level, count: number });
			number = 0;
		} else {
			number = number * 10 + (code - ZERO);
		}
	}
	return counts;
}

const [ZERO, COLON, COMMA] = ['0', ':', ','].map((c) => c.charCodeAt(0));

/** A median as a number for plotting: halfway when it falls between two levels. */
export function medianValue(median: MedianLevel): number {
	return median.kind === 'level' ? median.level : (median.low + median.high) / 2;
}

/** "3", or "2–3" for a median between two levels. */
export function formatMedian(median: MedianLevel | null): string {
	if (!median) return '–';
	return median.kind === 'level' ? String(median.level) : `${median.low}–${median.high}`;
}

/** Counts in scale order (zero where nobody agreed that level), the total and the median. */
export function distribution(counts: LevelCount[], scale: number[]) {
	const byLevel = new Map(counts.map((c) => [c.level, c.count]));
	const inScaleOrder = scale.map((level) => byLevel.get(level) ?? 0);
	return {
		counts: inScaleOrder,
		total: inScaleOrder.reduce((a, b) => a + b, 0),
		median: medianFromCounts(counts)
	};
}

export interface FiveNumberSummary {
	min: number;
	lowerQuartile: number;
	median: number;
	upperQuartile: number;
	max: number;
	count: number;
}

/**
 * Minimum, quartiles and maximum of some numbers (such as sites' medians), quartiles by linear
 * interpolation between order statistics (the method spreadsheets call QUARTILE.INC).
 */
export function fiveNumberSummary(values: number[]): FiveNumberSummary | null {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const at = (p: number) => {
		const position = (sorted.length - 1) * p;
		const below = Math.floor(position);
		const above = Math.ceil(position);
		return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
	};
	return {
		min: sorted[0],
		lowerQuartile: at(0.25),
		median: at(0.5),
		upperQuartile: at(0.75),
		max: sorted[sorted.length - 1],
		count: sorted.length
	};
}

/** Fewer other sites than this and a comparison could identify them, so it is withheld. */
export const MIN_OTHER_SITES = 3;

export type Benchmark =
	| { kind: 'compared'; site: number | null; others: FiveNumberSummary }
	| { kind: 'withheld'; site: number | null; otherSites: number; reason: string };

/**
 * One site's median for a challenge beside the spread of the other sites' medians, or, when
 * fewer than MIN_OTHER_SITES other sites have one, a withheld comparison that says why.
 */
export function benchmark(site: number | null, otherSiteMedians: number[]): Benchmark {
	if (otherSiteMedians.length < MIN_OTHER_SITES) {
		const n = otherSiteMedians.length;
		return {
			kind: 'withheld',
			site,
			otherSites: n,
			reason: `${n === 0 ? 'No other site has' : `Only ${n} other site${n === 1 ? ' has' : 's have'}`} a completed round for this challenge. The comparison is shown once at least ${MIN_OTHER_SITES} do, so that no single site can be picked out.`
		};
	}
	return { kind: 'compared', site, others: fiveNumberSummary(otherSiteMedians)! };
}

export interface Mover {
	serviceId: string;
	/** Total change in agreed levels over the challenges agreed in both rounds (counted in SQL). */
	change: number;
	/** How many challenges went up and down. */
	up: number;
	down: number;
	compared: number;
}

/**
 * The biggest risers and fallers, at most `count` of each, biggest first (ties by id, so the
 * order never depends on the database's); nobody appears in both.
 */
export function biggestMovers<M extends Mover>(all: M[], count = 5) {
	return {
		up: all
			.filter((m) => m.change > 0)
			.sort((a, b) => b.change - a.change || a.serviceId.localeCompare(b.serviceId))
			.slice(0, count),
		down: all
			.filter((m) => m.change < 0)
			.sort((a, b) => a.change - b.change || a.serviceId.localeCompare(b.serviceId))
			.slice(0, count)
	};
}

export type Direction = 'up' | 'down';

/** The challenges whose agreed level moved between two rounds, for "what changed". */
export function changedChallenges<T extends { current: number | null; previous: number | null }>(
	rows: T[]
) {
	return rows
		.filter((r) => r.current !== null && r.previous !== null && r.current !== r.previous)
		.map((r) => ({
			...r,
			direction: ((r.current as number) > (r.previous as number) ? 'up' : 'down') as Direction
		}));
}

/** One version of a framework pack that some rounds on a dashboard used. */
export interface FrameworkVersion {
	id: string;
	packKey: string;
	name: string;
	version: number;
}

/**
 * A framework a dashboard can show: every version of one pack that the rounds used. Versions of a
 * pack compare by challenge key, so they share one chart; different packs never do.
 */
export interface FrameworkChoice {
	packKey: string;
	/** The name of the newest version used. */
	name: string;
	/** The versions used, oldest first. */
	versions: number[];
	frameworkIds: string[];
	/** The newest version used: its challenges and scale head the charts. */
	latestFrameworkId: string;
}

/** The frameworks these versions belong to, by name. */
export function frameworkChoices(versions: FrameworkVersion[]): FrameworkChoice[] {
	const byPack = new Map<string, FrameworkVersion[]>();
	for (const v of versions) byPack.set(v.packKey, [...(byPack.get(v.packKey) ?? []), v]);
	return [...byPack.values()]
		.map((pack) => {
			const inOrder = [...pack].sort((a, b) => a.version - b.version);
			const latest = inOrder[inOrder.length - 1];
			return {
				packKey: latest.packKey,
				name: latest.name,
				versions: inOrder.map((v) => v.version),
				frameworkIds: inOrder.map((v) => v.id),
				latestFrameworkId: latest.id
			};
		})
		.sort((a, b) => a.name.localeCompare(b.name, 'en-GB') || a.packKey.localeCompare(b.packKey));
}

/** The framework asked for in the address if there is one by that key, otherwise the default. */
export function chosenFramework(
	choices: FrameworkChoice[],
	asked: string | undefined,
	defaultPackKey: string
): FrameworkChoice {
	return (
		choices.find((c) => c.packKey === asked) ??
		choices.find((c) => c.packKey === defaultPackKey) ??
		choices[0]
	);
}

/** "ImROC organisational challenges (2010), version 1", or "…, versions 1 and 2". */
export function frameworkLabel(choice: Pick<FrameworkChoice, 'name' | 'versions'>): string {
	const { name, versions } = choice;
	if (versions.length === 1) return `${name}, version ${versions[0]}`;
	const list = `${versions.slice(0, -1).join(', ')} and ${versions[versions.length - 1]}`;
	return `${name}, versions ${list}`;
}
