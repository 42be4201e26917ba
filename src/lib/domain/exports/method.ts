// What the figures in a workbook mean, in the words its Method sheet and Summary use.

import type { RoundStatus } from '../rounds';

/** Said on the Summary of a round that is not closed, and only then. */
export function stillOpenNote(status: RoundStatus): string | null {
	if (status === 'open')
		return 'This round is still open: figures may change as services complete their assessments.';
	if (status === 'draft')
		return 'This round is a draft and has not opened yet: figures may change once it opens.';
	return null;
}

export const COUNTED_NOTE =
	'Only completed assessments are counted, as on the dashboards: a service whose assessment is not complete has no agreed levels here.';

/** The rows of the Method sheet's "What the figures mean" table: [topic, explanation]. */
export const FIGURES_EXPLAINED: [string, string][] = [
	[
		'Agreed level',
		'The level of the scale that a service’s team agreed for a challenge when it completed its assessment, with the evidence, its sources, why the team chose that level and the next step it named.'
	],
	['Which assessments count', COUNTED_NOTE],
	[
		'Levels are ordinal',
		'Levels are ordered categories, not measurements: level 4 is further on than level 2, but not twice as far. So no averages are given, only medians and counts.'
	],
	[
		'Median',
		'The middle agreed level of the services counted for a challenge in a round. When the middle falls between two levels (an even number of services), both are given, such as 2–3, never a value in between; "Median from" and "Median to" are then 2 and 3, and equal when the median is one level.'
	],
	[
		'Previous round',
		'The round of the same framework before this one that had completed assessments, as the organisation dashboard compares them.'
	],
	[
		'Heatmap',
		'One row per service taking part, one column per challenge, each cell the agreed level; the Median column is that service’s median over the challenges. Cells are empty until the service’s assessment is complete.'
	],
	[
		'Who is included',
		'Only the services you may see. No individual ratings, raters or perspectives are in this workbook: only the levels teams agreed together.'
	],
	[
		'Text',
		'Text is stored exactly as it was written, as text: anything starting with =, +, - or @ is never turned into a formula.'
	]
];
