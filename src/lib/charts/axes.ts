// How the charts lay out a scale of levels and their category labels so that every value stays
// readable: at the lowest level, with one round, with many series, and on a narrow screen.

/** Below this width (CSS pixels) a chart is narrow: short labels, numbers for levels. */
export const NARROW_CHART_PX = 560;

/** How a chart draws values on a level axis. */
export type LevelAxisUse = 'points' | 'bars' | 'radar';

/**
 * The value axis for a scale of levels. Points get a little room beyond the lowest and highest
 * level, so a point there is never cut in half by the edge. Bars and the radar start one step
 * below the lowest level: a bar at the lowest level then has a height, and on the radar the lowest
 * level is a ring rather than the centre, where it would vanish.
 */
export function levelAxisBounds(levels: number[], use: LevelAxisUse) {
	const lowest = levels[0];
	const highest = levels[levels.length - 1];
	const step = levels.length > 1 ? levels[1] - levels[0] : 1;
	if (use === 'radar') return { min: lowest - step, max: highest };
	return { min: use === 'bars' ? lowest - step : lowest - 0.3 * step, max: highest + 0.3 * step };
}

/**
 * How far (in levels) the nth of `count` line series is drawn from its value, so that series with
 * equal values lie side by side instead of on top of each other. Spread over at most ±0.18 of a
 * level, centred on the true value; the tooltip and the table give the value itself.
 */
export function seriesOffset(index: number, count: number): number {
	if (count < 2) return 0;
	const gap = Math.min(0.08, 0.36 / (count - 1));
	return Number(((index - (count - 1) / 2) * gap).toFixed(4));
}

/** Words into lines of at most `width` characters, at most `lines` of them, the last cut with "…". */
export function wrapLabel(label: string, width: number, lines: number): string[] {
	const wrapped: string[] = [];
	let line = '';
	for (const word of label.split(/\s+/).filter(Boolean)) {
		if (line && line.length + 1 + word.length > width) {
			wrapped.push(line);
			line = word;
		} else {
			line = line ? `${line} ${word}` : word;
		}
	}
	if (line) wrapped.push(line);
	if (wrapped.length <= lines) return wrapped.map((l) => cut(l, width));
	return [...wrapped.slice(0, lines - 1), cut(`${wrapped[lines - 1]} …`, width)];
}

const cut = (line: string, width: number) =>
	line.length <= width ? line : `${line.slice(0, width - 1).trimEnd()}…`;

/**
 * A category's label as an axis shows it. On a narrow chart a numbered challenge ("3. Recovery
 * college") is shown by its number alone (its table gives the names); other labels are wrapped.
 */
export function categoryText(label: string, narrow: boolean): string | string[] {
	const numbered = /^(\d+)\.\s/.exec(label);
	if (narrow && numbered) return numbered[1];
	const lines = narrow ? wrapLabel(label, 12, 2) : wrapLabel(label, 18, 3);
	return lines.length === 1 ? lines[0] : lines;
}

/** "1 Not yet started": a level as an axis, a ring or a key names it. */
export const levelText = (value: number, name: string | undefined) =>
	name ? `${value} ${name}` : String(value);

/** The levels in words, for a chart whose axis shows only their numbers. */
export function levelKey(tickLabels: Record<number, string>): string {
	return Object.entries(tickLabels)
		.map(([value, name]) => [Number(value), name] as const)
		.sort((a, b) => a[0] - b[0])
		.map(([value, name]) => levelText(value, name))
		.join(', ');
}

/** A value on a level axis in words: a median halfway between two levels says so. */
export function valueText(value: number, tickLabels: Record<number, string> | undefined): string {
	if (!tickLabels) return String(value);
	if (tickLabels[value] !== undefined) return levelText(value, tickLabels[value]);
	const levels = Object.keys(tickLabels).map(Number);
	const below = Math.max(...levels.filter((l) => l < value));
	const above = Math.min(...levels.filter((l) => l > value));
	return `between ${below} and ${above}`;
}
