// The columns of the past-audits template, the other headings people give them, and finding the
// heading row of a sheet (below any title rows) and what each column holds.

import { z } from 'zod';
import { cellText, columnLetter, looseText, type SheetRow } from './cells';

export const FIELD_NAMES = [
	'roundTitle',
	'roundStart',
	'roundEnd',
	'service',
	'grouping',
	'serviceType',
	'challenge',
	'agreedLevel',
	'evidence',
	'rationale',
	'nextStep',
	'evidenceSources',
	'priorityRank'
] as const;

export type FieldName = (typeof FIELD_NAMES)[number];

/** Each field's heading in the template, and the words the preview calls it by. */
export const FIELD_LABELS: Record<FieldName, string> = {
	roundTitle: 'Round title',
	roundStart: 'Round start',
	roundEnd: 'Round end',
	service: 'Service',
	grouping: 'Grouping',
	serviceType: 'Type of service',
	challenge: 'Challenge',
	agreedLevel: 'Agreed level',
	evidence: 'Evidence',
	rationale: 'Why this level',
	nextStep: 'Next step',
	evidenceSources: 'Evidence sources',
	priorityRank: 'Priority rank'
};

/** The fields without which a row cannot become a score. */
export const REQUIRED_FIELDS: readonly FieldName[] = [
	'roundTitle',
	'roundStart',
	'roundEnd',
	'service',
	'challenge',
	'agreedLevel'
];

/** Other headings people use for each field (compared loosely, punctuation left out). */
const SYNONYMS: Record<FieldName, readonly string[]> = {
	roundTitle: [
		'round',
		'round name',
		'audit',
		'audit title',
		'audit name',
		'assessment round',
		'review',
		'review title',
		'title'
	],
	roundStart: [
		'start',
		'start date',
		'round start date',
		'period start',
		'date from',
		'from',
		'audit start',
		'audit start date'
	],
	roundEnd: [
		'end',
		'end date',
		'round end date',
		'period end',
		'date to',
		'to',
		'audit end',
		'audit end date'
	],
	service: ['team', 'team name', 'service name', 'service team', 'ward', 'unit', 'service or team'],
	grouping: ['directorate', 'care group', 'division', 'locality', 'group', 'service line'],
	serviceType: ['service type', 'type', 'team type', 'type of team'],
	challenge: [
		'challenge number',
		'challenge no',
		'challenge name',
		'organisational challenge',
		'imroc challenge',
		'domain'
	],
	agreedLevel: [
		'level',
		'score',
		'stage',
		'agreed score',
		'agreed stage',
		'rating',
		'agreed rating'
	],
	evidence: ['evidence summary', 'what we found', 'findings'],
	rationale: [
		'why',
		'rationale',
		'reason',
		'reasons',
		'reason for level',
		'reason for score',
		'justification'
	],
	nextStep: ['next steps', 'action', 'actions', 'next action', 'next actions', 'what next'],
	evidenceSources: [
		'sources',
		'source',
		'evidence source',
		'source of evidence',
		'sources of evidence'
	],
	priorityRank: ['priority', 'rank', 'priority order', 'priority number', 'top three priority']
};

/** A heading as compared: loose, without notes in brackets, punctuation, "&", "*" or "(optional)". */
export function headingKey(heading: string): string {
	return looseText(heading)
		.replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
		.replace(/&/g, ' and ')
		.replace(/['’]/g, '')
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

const FIELD_BY_HEADING = new Map<string, FieldName>(
	FIELD_NAMES.flatMap((field) =>
		[FIELD_LABELS[field], field, ...SYNONYMS[field]].map((h) => [headingKey(h), field] as const)
	)
);

/** The field a heading names, or null; `extra` adds headings (the organisation's grouping word). */
export function fieldOfHeading(
	heading: string,
	extra: Readonly<Record<string, FieldName>> = {}
): FieldName | null {
	const key = headingKey(heading);
	if (key === '') return null;
	for (const [h, field] of Object.entries(extra)) if (headingKey(h) === key) return field;
	return FIELD_BY_HEADING.get(key) ?? null;
}

/** What a person chose a heading to mean on the preview: a field, or to leave the column out. */
export const mappingOverrideSchema = z.record(
	z.string().max(500),
	z.enum([...FIELD_NAMES, 'ignore'])
);
export type MappingOverride = z.infer<typeof mappingOverrideSchema>;

export interface SheetColumn {
	/** From 0, and as the spreadsheet names it ("A", "AA"). */
	index: number;
	letter: string;
	heading: string;
	/** What the column is read as, or null when nothing (an unknown heading, or left out). */
	field: FieldName | null;
	/** True when the person chose to leave this column out. */
	ignored: boolean;
}

export interface HeaderProblem {
	row?: number;
	column?: string;
	field?: FieldName;
	message: string;
}

export interface SheetHeadings {
	/** The heading row's number, or null when none was found. */
	headerRow: number | null;
	columns: SheetColumn[];
	/** The column each field is read from. */
	fieldColumns: Partial<Record<FieldName, SheetColumn>>;
	/** Headed columns that are read as nothing and were not left out on purpose: not read. */
	unknown: SheetColumn[];
	/** What the person should know about the unknown columns, one note each (not a problem). */
	notes: HeaderProblem[];
	/** Required fields that no column holds. */
	missing: FieldName[];
	problems: HeaderProblem[];
}

/** How many headings a row must match to be the heading row. */
const HEADINGS_TO_MATCH = 3;
/** How far down a sheet the heading row is looked for (title rows, notes, merged cells above it). */
export const HEADER_SEARCH_ROWS = 30;

/**
 * Finds the heading row (the first where at least three cells name fields, within the first
 * rows) and reads each column's heading as a field. A person's `override` (heading → field, or
 * "ignore") comes first. Fields named twice and required fields missing are problems; unknown
 * headings are notes (their columns are not read until the person maps them).
 */
export function readHeadings(
	rows: readonly SheetRow[],
	override: MappingOverride = {},
	extraHeadings: Readonly<Record<string, FieldName>> = {}
): SheetHeadings {
	const overrideByKey = new Map(
		Object.entries(override).map(([heading, choice]) => [headingKey(heading), choice] as const)
	);
	const fieldOf = (heading: string): FieldName | 'ignore' | null =>
		overrideByKey.get(headingKey(heading)) ?? fieldOfHeading(heading, extraHeadings);

	const headerAt = rows.slice(0, HEADER_SEARCH_ROWS).find(
		(r) =>
			r.cells.filter((cell) => {
				const field = fieldOf(cellText(cell));
				return field !== null && field !== 'ignore';
			}).length >= HEADINGS_TO_MATCH
	);
	if (!headerAt)
		return {
			headerRow: null,
			columns: [],
			fieldColumns: {},
			unknown: [],
			notes: [],
			missing: [...REQUIRED_FIELDS],
			problems: [
				{
					message: `No row of headings was found in the first ${HEADER_SEARCH_ROWS} rows. Put the headings of the template (${REQUIRED_FIELDS.map((f) => FIELD_LABELS[f]).join(', ')}) in one row above the data.`
				}
			]
		};

	const problems: HeaderProblem[] = [];
	const columns: SheetColumn[] = [];
	const fieldColumns: Partial<Record<FieldName, SheetColumn>> = {};
	headerAt.cells.forEach((cell, index) => {
		const heading = cellText(cell);
		if (heading === '') return;
		const choice = fieldOf(heading);
		const column: SheetColumn = {
			index,
			letter: columnLetter(index),
			heading,
			field: choice === 'ignore' ? null : choice,
			ignored: choice === 'ignore'
		};
		columns.push(column);
		if (!column.field) return;
		const first = fieldColumns[column.field];
		if (first) {
			problems.push({
				row: headerAt.row,
				column: column.letter,
				field: column.field,
				message: `Columns ${first.letter} (“${first.heading}”) and ${column.letter} (“${heading}”) are both read as ${FIELD_LABELS[column.field]}. Choose another field for one of them, or leave it out.`
			});
			column.field = null;
		} else fieldColumns[column.field] = column;
	});

	const unknown = columns.filter(
		(c) => c.field === null && !c.ignored && !problems.some((p) => p.column === c.letter)
	);
	const missing = REQUIRED_FIELDS.filter((field) => !fieldColumns[field]);
	for (const field of missing)
		problems.push({
			row: headerAt.row,
			field,
			message: `There is no ${FIELD_LABELS[field]} column. Add one headed “${FIELD_LABELS[field]}”, or choose which column holds it.`
		});
	const notes = unknown.map((column) => ({
		row: headerAt.row,
		column: column.letter,
		message: `Column ${column.letter}’s heading “${column.heading}” is not one of the template’s, so the column is not read. Choose the field it holds, or leave it out.`
	}));
	return { headerRow: headerAt.row, columns, fieldColumns, unknown, notes, missing, problems };
}
