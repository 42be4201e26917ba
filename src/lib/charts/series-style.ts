// Paul Tol's colour-blind-safe "muted" palette, with a grey for a tenth series. Colour is never
// the only cue: each series also has its own point shape and line dash.
const COLOURS = [
	'#332288',
	'#88CCEE',
	'#44AA99',
	'#117733',
	'#999933',
	'#DDCC77',
	'#CC6677',
	'#882255',
	'#AA4499',
	'#555555'
];
const POINT_STYLES = [
	'circle',
	'rect',
	'triangle',
	'rectRot',
	'star',
	'crossRot',
	'cross',
	'rectRounded',
	'line',
	'dash'
] as const;
const DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3]];

export interface SeriesStyle {
	colour: string;
	pointStyle: (typeof POINT_STYLES)[number];
	dash: number[];
}

/** A distinct look for the nth series, for any number of series. */
export function seriesStyle(index: number): SeriesStyle {
	return {
		colour: COLOURS[index % COLOURS.length],
		pointStyle: POINT_STYLES[index % POINT_STYLES.length],
		dash: DASHES[index % DASHES.length]
	};
}
