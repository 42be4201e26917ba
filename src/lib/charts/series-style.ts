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

/**
 * A point shape as SVG path data, centred on (x, y) with radius r, drawn as chart.js draws it:
 * filled shapes, and shapes made of lines (crosses, the star, the line and the dash). For the
 * chart's legend, which is written in HTML so that it wraps like text at any width.
 */
export function pointShapePath(
	pointStyle: SeriesStyle['pointStyle'],
	x: number,
	y: number,
	r: number
): { d: string; filled: boolean } {
	const n = (v: number) => Number(v.toFixed(2));
	const line = (x1: number, y1: number, x2: number, y2: number) =>
		`M${n(x1)} ${n(y1)}L${n(x2)} ${n(y2)}`;
	const polygon = (points: [number, number][]) =>
		`M${points.map(([px, py]) => `${n(px)} ${n(py)}`).join('L')}Z`;
	const side = r * Math.SQRT1_2;
	const plus = line(x - r, y, x + r, y) + line(x, y - r, x, y + r);
	const times =
		line(x - side, y - side, x + side, y + side) + line(x - side, y + side, x + side, y - side);
	switch (pointStyle) {
		case 'circle':
			return {
				d: `M${n(x - r)} ${n(y)}a${n(r)} ${n(r)} 0 1 0 ${n(2 * r)} 0a${n(r)} ${n(r)} 0 1 0 ${n(-2 * r)} 0Z`,
				filled: true
			};
		case 'rect':
		case 'rectRounded':
			return {
				d: polygon([
					[x - side, y - side],
					[x + side, y - side],
					[x + side, y + side],
					[x - side, y + side]
				]),
				filled: true
			};
		case 'triangle':
			return {
				d: polygon([
					[x, y - r],
					[x + r * 0.866, y + r / 2],
					[x - r * 0.866, y + r / 2]
				]),
				filled: true
			};
		case 'rectRot':
			return {
				d: polygon([
					[x, y - r],
					[x + r, y],
					[x, y + r],
					[x - r, y]
				]),
				filled: true
			};
		case 'star':
			return { d: plus + times, filled: false };
		case 'crossRot':
			return { d: times, filled: false };
		case 'cross':
			return { d: plus, filled: false };
		case 'line':
			return { d: line(x - r, y, x + r, y), filled: false };
		case 'dash':
			return { d: line(x, y, x + r, y), filled: false };
	}
}

/**
 * The colour of a mark written on a bar of this colour: white on a dark bar, black on a light one,
 * whichever contrasts more (by WCAG relative luminance).
 */
export function markColour(background: string): '#000000' | '#ffffff' {
	const hex = background.replace('#', '').slice(0, 6);
	const [r, g, b] = [0, 2, 4].map((i) => {
		const channel = parseInt(hex.slice(i, i + 2), 16) / 255;
		return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
	});
	const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
	// Contrast with white is 1.05 / (L + 0.05), with black (L + 0.05) / 0.05: equal at L ≈ 0.179.
	return luminance < 0.179 ? '#ffffff' : '#000000';
}
