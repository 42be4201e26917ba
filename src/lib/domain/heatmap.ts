// The heatmaps of agreed levels: in which order their rows go, and which colour step a level
// gets. Colour is never the only cue: every cell also shows its level as text.

import { medianValue } from './dashboards';
import type { MedianLevel } from './ratings';

/** The orders a heatmap of services can be sorted in, besides by one challenge's level. */
const HEATMAP_SORTS = ['grouping', 'name', 'median'] as const;

/** The order the address asks for, when it is one: a known order or a challenge's key. By grouping otherwise. */
export function heatmapSort(requested: string | undefined, challengeKeys: string[]): string {
	const known =
		(HEATMAP_SORTS as readonly string[]).includes(requested ?? '') ||
		challengeKeys.includes(requested ?? '');
	return known ? requested! : 'grouping';
}

export interface HeatmapRow {
	serviceName: string;
	groupingName: string | null;
	/** One per challenge, in the framework's order; null where no level was agreed. */
	levels: (number | null)[];
	median: MedianLevel | null;
}

const byName = (a: HeatmapRow, b: HeatmapRow) => a.serviceName.localeCompare(b.serviceName);
const highestFirst = (a: number | null, b: number | null) => (b ?? -Infinity) - (a ?? -Infinity);
const medianOrNull = (median: MedianLevel | null) => (median ? medianValue(median) : null);

/**
 * Sorts the rows in place: by a challenge's level or the median, highest first (rows without
 * one last); by name; or by grouping (services in no grouping last), each then by name.
 */
export function sortHeatmapRows<R extends HeatmapRow>(
	rows: R[],
	sort: string,
	challengeKeys: string[]
): R[] {
	const column = challengeKeys.indexOf(sort);
	return rows.sort((a, b) => {
		if (column >= 0) return highestFirst(a.levels[column], b.levels[column]) || byName(a, b);
		if (sort === 'median')
			return highestFirst(medianOrNull(a.median), medianOrNull(b.median)) || byName(a, b);
		if (sort === 'name') return byName(a, b);
		return (a.groupingName ?? '\uffff').localeCompare(b.groupingName ?? '\uffff') || byName(a, b);
	});
}

const HEAT_STEPS = 5;

/**
 * The colour step (0 to HEAT_STEPS − 1) for a level, or a median between two levels, by its
 * place on the scale: levels are ordinal, so a scale 0, 1, 3 spreads its three levels evenly.
 */
export function heatStep(value: number, scale: readonly { value: number }[]): number {
	if (scale.length < 2) return 0;
	const values = scale.map((l) => l.value);
	const above = values.findIndex((v) => v >= value);
	let position: number;
	if (above === -1) position = values.length - 1;
	else if (above === 0 || values[above] === value) position = above;
	else {
		const [low, high] = [values[above - 1], values[above]];
		position = above - 1 + (value - low) / (high - low);
	}
	return Math.round((position / (values.length - 1)) * (HEAT_STEPS - 1));
}
