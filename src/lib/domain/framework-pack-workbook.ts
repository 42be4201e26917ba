// A framework pack written as a workbook, for administrators who work in spreadsheets rather than
// JSON: its sheets become the same pack object a JSON file does, checked by the same rules, and
// each problem is placed by its sheet, row and column.

import { findPackProblems, type FrameworkPack, type PackPath } from './framework-pack';
import { cellText, columnLetter, type Cell } from './import/cells';
import { headingKey } from './import/headers';

/** One sheet as the file reader hands it over: rows that are not blank, with their numbers. */
export interface WorkbookSheet {
	name: string;
	rows: readonly { rowNumber: number; cells: readonly Cell[] }[];
}

export type WorkbookPackCheck =
	{ ok: true; pack: FrameworkPack } | { ok: false; problems: string[] };

/** The sheets of a pack workbook, in the order the template has them. */
export const SHEET_NAMES = {
	details: 'Details',
	challenges: 'Challenges',
	levels: 'Levels',
	indicators: 'Indicators',
	guide: 'How to fill this in'
} as const;
type SheetKind = 'details' | 'challenges' | 'levels' | 'indicators';
const SHEET_ORDER: SheetKind[] = ['details', 'challenges', 'levels', 'indicators'];
const SHEET_SYNONYMS: Record<SheetKind, string[]> = {
	details: ['details', 'detail', 'pack', 'pack details', 'about'],
	challenges: ['challenges', 'challenge'],
	levels: ['levels', 'level', 'scale', 'the scale'],
	indicators: ['indicators', 'indicator', 'indicator text']
};

/** A column of a table sheet: its heading in the template and the other headings read as it. */
interface ColumnSpec {
	field: string;
	heading: string;
	/** Words for the column in a problem's place: "column B (short label)". */
	words: string;
	synonyms: string[];
	required: boolean;
}

const column = (
	field: string,
	heading: string,
	synonyms: string[],
	required = true
): ColumnSpec => ({ field, heading, words: heading.toLowerCase(), synonyms, required });

export const CHALLENGE_COLUMNS: ColumnSpec[] = [
	column('key', 'Key', ['challenge key', 'id', 'code']),
	column('name', 'Name', ['challenge', 'challenge name', 'title']),
	column('shortLabel', 'Short label', ['label', 'short name', 'short title', 'chart label'])
];
export const LEVEL_COLUMNS: ColumnSpec[] = [
	column('value', 'Value', ['level', 'level value', 'number', 'level number', 'score']),
	column('name', 'Name', ['level name', 'title', 'stage']),
	column('description', 'Description', ['level description', 'meaning', 'what it means'])
];
export const INDICATOR_COLUMNS: ColumnSpec[] = [
	column('challenge', 'Challenge key', ['challenge', 'key']),
	column('level', 'Level value', ['level', 'value', 'level number']),
	column('text', 'Indicator text', ['indicator', 'indicators', 'text', 'description'])
];

/** The rows of the Details sheet: the field in column A, its value in column B. */
export const DETAIL_FIELDS = [
	{ field: 'key', label: 'Key', synonyms: ['pack key', 'id'] },
	{ field: 'version', label: 'Version', synonyms: ['version number', 'pack version'] },
	{ field: 'name', label: 'Name', synonyms: ['pack name', 'title', 'framework', 'framework name'] },
	{ field: 'attribution', label: 'Attribution', synonyms: ['source', 'credit', 'citation'] },
	{ field: 'licence', label: 'Licence', synonyms: ['license', 'licence terms', 'terms of use'] }
] as const;
const DETAIL_HEADINGS = ['field', 'detail', 'details', 'item'];

interface Place {
	sheet: SheetKind;
	row?: number;
	/** From 0. */
	column?: number;
	columnWords?: string;
}
interface Found {
	place: Place;
	says: string;
}

const sheetWords = (sheet: SheetKind) => `${SHEET_NAMES[sheet]} sheet`;

/** "Challenges sheet, row 7, column B (name)". */
function describePlace(place: Place): string {
	const parts = [sheetWords(place.sheet)];
	if (place.row !== undefined) parts.push(`row ${place.row}`);
	if (place.column !== undefined)
		parts.push(
			`column ${columnLetter(place.column)}${place.columnWords ? ` (${place.columnWords})` : ''}`
		);
	return parts.join(', ');
}

const sentence = ({ place, says }: Found) => `${describePlace(place)}: ${says}.`;

function compareFound(a: Found, b: Found): number {
	return (
		SHEET_ORDER.indexOf(a.place.sheet) - SHEET_ORDER.indexOf(b.place.sheet) ||
		(a.place.row ?? 0) - (b.place.row ?? 0) ||
		(a.place.column ?? -1) - (b.place.column ?? -1)
	);
}

/** Enough to correct at once; a sheet of thousands of broken rows would bury the first. */
export const MAX_PROBLEMS = 100;

function atMost(max: number, problems: string[]): string[] {
	if (problems.length <= max) return problems;
	const more = problems.length - max;
	return [
		...problems.slice(0, max),
		`And ${more} more problem${more === 1 ? '' : 's'} after these: correct these first, then import the workbook again to see the rest.`
	];
}

/** A number cell, or text that is a number ("3", " 2 "), as a number; other text is left as text. */
function numberOrText(cell: Cell | undefined): number | string | undefined {
	if (typeof cell === 'number') return cell;
	const text = cellText(cell);
	if (text === '') return undefined;
	return /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/** A text cell as the pack holds it, or undefined when blank (so the pack says it is missing). */
function textOf(cell: Cell | undefined): string | undefined {
	const text = cellText(cell);
	return text === '' ? undefined : text;
}

function findSheet(sheets: readonly WorkbookSheet[], kind: SheetKind): WorkbookSheet | undefined {
	const names = new Set(SHEET_SYNONYMS[kind].map(headingKey));
	return sheets.find((sheet) => names.has(headingKey(sheet.name)));
}

interface Table {
	headerRow: number;
	/** Column index of each field found. */
	columns: Map<string, number>;
	rows: WorkbookSheet['rows'];
}

/**
 * Finds a table sheet's heading row (the first of its first rows that names at least two of its
 * columns) and which column holds each field. Missing and doubled columns are problems.
 */
function readTable(
	sheet: WorkbookSheet,
	kind: SheetKind,
	specs: ColumnSpec[],
	problems: Found[]
): Table | null {
	const fieldOf = new Map<string, ColumnSpec>();
	for (const spec of specs)
		for (const heading of [spec.heading, spec.field, ...spec.synonyms])
			if (!fieldOf.has(headingKey(heading))) fieldOf.set(headingKey(heading), spec);
	const headings = `${specs.map((s) => `“${s.heading}”`).join(', ')}`;
	const header = sheet.rows
		.slice(0, 10)
		.find((row) => row.cells.filter((cell) => fieldOf.has(headingKey(cellText(cell)))).length >= 2);
	if (!header) {
		problems.push({
			place: { sheet: kind },
			says:
				sheet.rows.length === 0
					? `the sheet is empty; its first row should hold the headings ${headings}, with one row below for each ${kind === 'levels' ? 'level' : kind === 'challenges' ? 'challenge' : 'indicator'}`
					: `no row of headings was found; the first row should hold the headings ${headings}`
		});
		return null;
	}
	const columns = new Map<string, number>();
	header.cells.forEach((cell, index) => {
		const spec = fieldOf.get(headingKey(cellText(cell)));
		if (!spec) return;
		const first = columns.get(spec.field);
		if (first === undefined) columns.set(spec.field, index);
		else
			problems.push({
				place: { sheet: kind, row: header.rowNumber, column: index },
				says: `“${cellText(cell)}” is read as ${spec.words}, as is column ${columnLetter(first)}; keep only one of them`
			});
	});
	const missing = specs.filter((spec) => spec.required && !columns.has(spec.field));
	for (const spec of missing)
		problems.push({
			place: { sheet: kind, row: header.rowNumber },
			says: `there is no column headed “${spec.heading}”; add it beside the other headings`
		});
	if (missing.length > 0) return null;
	return {
		headerRow: header.rowNumber,
		columns,
		rows: sheet.rows.filter((row) => row.rowNumber > header.rowNumber)
	};
}

/** Where each part of the pack object came from, so that its problems can be placed. */
interface SourceMap {
	details: Map<string, number>;
	levelRows: number[];
	challengeRows: number[];
	/** "challenge index/level" → row of the Indicators sheet. */
	indicatorRows: Map<string, number>;
	challengeColumns: Map<string, number>;
	levelColumns: Map<string, number>;
	indicatorColumns: Map<string, number>;
}

function readDetails(sheet: WorkbookSheet, problems: Found[], source: SourceMap) {
	const fieldOf = new Map<string, (typeof DETAIL_FIELDS)[number]>();
	for (const detail of DETAIL_FIELDS)
		for (const heading of [detail.label, ...detail.synonyms])
			fieldOf.set(headingKey(heading), detail);
	const details: Record<string, unknown> = {};
	for (const row of sheet.rows) {
		const label = cellText(row.cells[0]);
		const key = headingKey(label);
		if (DETAIL_HEADINGS.includes(key)) continue;
		const detail = fieldOf.get(key);
		// A title or a note above or below the details, with no value beside it, is not read.
		if (!detail && cellText(row.cells[1]) === '' && label !== '') continue;
		if (!detail) {
			problems.push({
				place: { sheet: 'details', row: row.rowNumber, column: 0 },
				says:
					label === ''
						? 'column A is empty; it should name the detail (Key, Version, Name, Attribution or Licence) whose value is in column B'
						: `“${label}” is not one of the details; column A should hold Key, Version, Name, Attribution or Licence`
			});
			continue;
		}
		const first = source.details.get(detail.field);
		if (first !== undefined) {
			problems.push({
				place: { sheet: 'details', row: row.rowNumber, column: 0 },
				says: `the ${detail.label.toLowerCase()} is given again (it is already in row ${first}); keep one row for it`
			});
			continue;
		}
		source.details.set(detail.field, row.rowNumber);
		const value = detail.field === 'version' ? numberOrText(row.cells[1]) : textOf(row.cells[1]);
		if (value !== undefined) details[detail.field] = value;
	}
	return details;
}

/** A table sheet's data rows as objects of its fields, each remembering its row. */
function tableObjects(table: Table, read: Record<string, (cell: Cell | undefined) => unknown>) {
	return table.rows.map((row) => {
		const object: Record<string, unknown> = {};
		for (const [field, index] of table.columns) {
			const value = (read[field] ?? textOf)(row.cells[index]);
			if (value !== undefined) object[field] = value;
		}
		return { row: row.rowNumber, object };
	});
}

/**
 * Reads a pack from a workbook's sheets: Details (field and value), Challenges (key, name, short
 * label), Levels (value, name, description, lowest first) and, if there, Indicators (challenge
 * key, level value, text). Headings and sheet names are matched loosely; blank rows are skipped;
 * numbers written as text are read as numbers. The pack is checked by the same rules as a JSON
 * file's, and every problem is placed by its sheet, row and column, in workbook order.
 */
export function packFromWorkbook(sheets: readonly WorkbookSheet[]): WorkbookPackCheck {
	const problems: Found[] = [];
	const found = Object.fromEntries(
		SHEET_ORDER.map((kind) => [kind, findSheet(sheets, kind)])
	) as Record<SheetKind, WorkbookSheet | undefined>;
	const missing = SHEET_ORDER.filter((kind) => kind !== 'indicators' && !found[kind]);
	if (missing.length > 0) {
		const names = sheets.map((s) => `“${s.name}”`).join(', ');
		return {
			ok: false,
			problems: missing.map(
				(kind) =>
					`The workbook has no sheet called “${SHEET_NAMES[kind]}” (its sheets are ${names}). Download the template to see the sheets a pack needs.`
			)
		};
	}

	const source: SourceMap = {
		details: new Map(),
		levelRows: [],
		challengeRows: [],
		indicatorRows: new Map(),
		challengeColumns: new Map(),
		levelColumns: new Map(),
		indicatorColumns: new Map()
	};
	const details = readDetails(found.details!, problems, source);
	const challengeTable = readTable(found.challenges!, 'challenges', CHALLENGE_COLUMNS, problems);
	const levelTable = readTable(found.levels!, 'levels', LEVEL_COLUMNS, problems);
	// An Indicators sheet may be left empty, or hold only its headings.
	const indicatorsUsed = (found.indicators?.rows.length ?? 0) > 0;
	const indicatorTable = indicatorsUsed
		? readTable(found.indicators!, 'indicators', INDICATOR_COLUMNS, problems)
		: null;
	// A sheet without its headings or a column would make every row a problem: say that alone.
	if (!challengeTable || !levelTable || (indicatorsUsed && !indicatorTable))
		return { ok: false, problems: problems.sort(compareFound).map(sentence) };

	const challenges = tableObjects(challengeTable!, {});
	const scale = tableObjects(levelTable!, { value: numberOrText });
	source.challengeRows = challenges.map((c) => c.row);
	source.levelRows = scale.map((l) => l.row);
	source.challengeColumns = challengeTable!.columns;
	source.levelColumns = levelTable!.columns;

	if (indicatorTable) {
		source.indicatorColumns = indicatorTable.columns;
		readIndicators(indicatorTable, challenges, problems, source);
	}

	const pack = {
		...details,
		scale: scale.map((l) => l.object),
		challenges: challenges.map((c) => c.object)
	};
	const checked = findPackProblems(
		pack,
		(index) => `the challenge in row ${source.challengeRows[index]}`
	);
	for (const problem of checked.problems) {
		const place = placeOfPath(problem.path, source);
		const detail = DETAIL_FIELDS.find((d) => d.field === problem.path[0]);
		const says =
			place.sheet === 'details' && place.row === undefined && detail
				? `${problem.says}; add a row with “${detail.label}” in column A and its value in column B`
				: problem.says;
		problems.push({ place, says });
	}
	if (problems.length > 0 || !checked.pack)
		return {
			ok: false,
			problems: atMost(MAX_PROBLEMS, [...new Set(problems.sort(compareFound).map(sentence))])
		};
	return { ok: true, pack: checked.pack };
}

function readIndicators(
	table: Table,
	challenges: { row: number; object: Record<string, unknown> }[],
	problems: Found[],
	source: SourceMap
) {
	const challengeColumn = table.columns.get('challenge')!;
	const levelColumn = table.columns.get('level')!;
	const textColumn = table.columns.get('text')!;
	const at = (row: number, index: number, words: string) => ({
		sheet: 'indicators' as const,
		row,
		column: index,
		columnWords: words
	});
	for (const row of table.rows) {
		const text = textOf(row.cells[textColumn]);
		// A row that names a challenge and a level but has no text yet is an indicator not written.
		if (text === undefined) continue;
		const key = cellText(row.cells[challengeColumn]);
		const level = numberOrText(row.cells[levelColumn]);
		const index = challenges.findIndex((c) => c.object.key === key);
		if (key === '')
			problems.push({
				place: at(row.rowNumber, challengeColumn, 'challenge key'),
				says: 'the challenge key is missing; write the key of the challenge this text is for'
			});
		else if (index < 0)
			problems.push({
				place: at(row.rowNumber, challengeColumn, 'challenge key'),
				says: `no challenge on the Challenges sheet has the key “${key}”`
			});
		if (level === undefined)
			problems.push({
				place: at(row.rowNumber, levelColumn, 'level value'),
				says: 'the level value is missing; write the value of the level this text is for'
			});
		else if (typeof level !== 'number' || !Number.isInteger(level) || level < 0)
			problems.push({
				place: at(row.rowNumber, levelColumn, 'level value'),
				says: `“${level}” is not a level value; write the level’s value as a whole number, as in the Levels sheet`
			});
		if (index < 0 || typeof level !== 'number' || !Number.isInteger(level) || level < 0) continue;
		const id = `${index}/${level}`;
		const first = source.indicatorRows.get(id);
		if (first !== undefined) {
			problems.push({
				place: at(row.rowNumber, levelColumn, 'level value'),
				says: `row ${first} already has indicator text for challenge “${key}” at level ${level}; keep one row for each challenge and level`
			});
			continue;
		}
		source.indicatorRows.set(id, row.rowNumber);
		const object = challenges[index].object;
		const indicators = (object.indicators ??= {}) as Record<string, string>;
		indicators[String(level)] = text;
	}
}

const CHALLENGE_WORDS: Record<string, string> = {
	key: 'key',
	name: 'name',
	shortLabel: 'short label'
};
const LEVEL_WORDS: Record<string, string> = {
	value: 'value',
	name: 'name',
	description: 'description'
};

/** The sheet, row and column of a part of the pack object, as the workbook has it. */
function placeOfPath(path: PackPath, source: SourceMap): Place {
	const [top, index, field, level, about] = path;
	if (top === 'scale') {
		if (typeof index !== 'number') return { sheet: 'levels' };
		const row = source.levelRows[index];
		const column = typeof field === 'string' ? source.levelColumns.get(field) : undefined;
		return { sheet: 'levels', row, column, columnWords: LEVEL_WORDS[String(field)] };
	}
	if (top === 'challenges') {
		if (typeof index !== 'number') return { sheet: 'challenges' };
		if (field === 'indicators' && level !== undefined) {
			const row = source.indicatorRows.get(`${index}/${Number(level)}`);
			const onLevel = about === 'level';
			const column = source.indicatorColumns.get(onLevel ? 'level' : 'text');
			return {
				sheet: 'indicators',
				row,
				column,
				columnWords: onLevel ? 'level value' : 'indicator text'
			};
		}
		const row = source.challengeRows[index];
		const column = typeof field === 'string' ? source.challengeColumns.get(field) : undefined;
		return { sheet: 'challenges', row, column, columnWords: CHALLENGE_WORDS[String(field)] };
	}
	const row = typeof top === 'string' ? source.details.get(top) : undefined;
	return row === undefined
		? { sheet: 'details' }
		: { sheet: 'details', row, column: 1, columnWords: String(top) };
}
