// A list of services pasted in one go, as people copy it from a spreadsheet: one service a line,
// with its type and grouping in the next columns. Read here into what would be saved, line by
// line, with every problem named by its line number, so nothing is saved until the list is right.

import { SERVICE_TYPES, type ServiceType } from './services';

export const SERVICE_NAME_MAX_LENGTH = 200;
export const GROUPING_NAME_MAX_LENGTH = 100;
/** More than a trust has teams, and few enough to check on one screen. */
export const SERVICE_LIST_MAX_LINES = 500;
/** The type a service is given when its line names none. */
export const TYPE_WHEN_NONE_GIVEN: ServiceType = 'Other';

export interface ServiceListContext {
	/** The names of the organisation's services, which a new one may not repeat. */
	existingServiceNames: readonly string[];
	/** The organisation's groupings, which a line's grouping is matched against by name. */
	groupings: readonly { id: string; name: string }[];
	/** The organisation's word for a grouping, as it reads inside a sentence ("directorate"). */
	groupingWord: string;
}

export interface ServiceListLine {
	/** The line's number in the pasted text, counting from 1 and counting blank lines. */
	line: number;
	name: string;
	type: ServiceType;
	/** False when the line named no type, so it gets TYPE_WHEN_NONE_GIVEN. */
	typeGiven: boolean;
	/** The grouping the service goes in: an existing one (its id), or a new one (id null). */
	grouping: { id: string | null; name: string } | null;
	/** What is wrong with this line, in words; empty when it can be saved. */
	problems: string[];
}

export interface ServiceListPreview {
	lines: ServiceListLine[];
	/** The groupings that saving would create, as first written in the list. */
	newGroupings: string[];
	/** Whether the first line was read as column headings and left out. */
	headingsSkipped: boolean;
	/** A problem with the list as a whole (nothing pasted, too many lines), if any. */
	listProblem: string | null;
}

const key = (text: string) => text.replace(/\s+/g, ' ').trim().toLocaleLowerCase('en-GB');

const TYPES_BY_KEY = new Map<string, ServiceType>(SERVICE_TYPES.map((type) => [key(type), type]));

/** The type of service a cell names, matched case-insensitively, or null if none is called that. */
export function serviceTypeNamed(cell: string): ServiceType | null {
	return TYPES_BY_KEY.get(key(cell)) ?? null;
}

/** One comma-separated line's cells; a cell in double quotes may hold commas ("" is a quote). */
function commaCells(line: string): string[] {
	const cells: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < line.length; i++) {
		const c = line[i];
		if (quoted && c === '"' && line[i + 1] === '"') {
			cell += '"';
			i++;
		} else if (c === '"' && (quoted || cell.trim() === '')) {
			if (!quoted) cell = '';
			quoted = !quoted;
		} else if (c === ',' && !quoted) {
			cells.push(cell);
			cell = '';
		} else {
			cell += c;
		}
	}
	cells.push(cell);
	return cells;
}

/** A spreadsheet's cells, trimmed, without the empty cells a copied row often ends with. */
function cellsOf(line: string, tabs: boolean): string[] {
	const cells = (tabs ? line.split('\t') : commaCells(line)).map((c) =>
		c.replace(/\s+/g, ' ').trim()
	);
	while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
	return cells;
}

const HEADING = /^(services?|service names?|names?|teams?|team names?)$/i;

function quoted(text: string): string {
	return `“${text.length > 60 ? `${text.slice(0, 59)}…` : text}”`;
}

/**
 * Reads a pasted list. Columns are separated by tabs when any line has a tab (a paste from a
 * spreadsheet), otherwise by commas. Blank lines are left out but keep their place in the
 * numbering, so "line 7" is the seventh line the person sees.
 */
export function readServiceList(text: string, context: ServiceListContext): ServiceListPreview {
	const rawLines = text.split(/\r\n|\r|\n/);
	const tabs = rawLines.some((line) => line.includes('\t'));
	const filled = rawLines
		.map((raw, i) => ({ line: i + 1, cells: cellsOf(raw, tabs) }))
		.filter((l) => l.cells.length > 0);

	const headingsSkipped = filled.length > 0 && HEADING.test(filled[0].cells[0]);
	const entries = headingsSkipped ? filled.slice(1) : filled;
	const empty = { lines: [], newGroupings: [], headingsSkipped };
	if (entries.length === 0)
		return { ...empty, listProblem: 'Paste or type at least one service, one on each line' };
	if (entries.length > SERVICE_LIST_MAX_LINES)
		return {
			...empty,
			listProblem: `The list has ${entries.length} services. Add at most ${SERVICE_LIST_MAX_LINES} at a time`
		};

	const existing = new Set(context.existingServiceNames.map(key));
	const groupingsByKey = new Map(context.groupings.map((g) => [key(g.name), g]));
	const newGroupings = new Map<string, string>();
	const firstLineOfName = new Map<string, number>();

	const lines = entries.map(({ line, cells }): ServiceListLine => {
		const [name = '', typeCell = '', groupingCell = ''] = cells;
		const problems: string[] = [];
		if (cells.length > 3)
			problems.push(
				`it has ${cells.length} columns; use at most three: the service, its type and its ${context.groupingWord}`
			);

		if (name === '') problems.push('the service name is missing');
		else if (name.length > SERVICE_NAME_MAX_LENGTH)
			problems.push(
				`the service name is ${name.length} characters long; it must be ${SERVICE_NAME_MAX_LENGTH} or fewer`
			);
		else if (existing.has(key(name)))
			problems.push(`the organisation already has a service called ${quoted(name)}`);
		else if (firstLineOfName.has(key(name)))
			problems.push(
				`${quoted(name)} is also on line ${firstLineOfName.get(key(name))}; each service needs its own name`
			);
		if (name !== '' && !firstLineOfName.has(key(name))) firstLineOfName.set(key(name), line);

		const type = typeCell === '' ? TYPE_WHEN_NONE_GIVEN : serviceTypeNamed(typeCell);
		if (!type) problems.push(`${quoted(typeCell)} is not one of the types of service`);

		let grouping: ServiceListLine['grouping'] = null;
		if (groupingCell.length > GROUPING_NAME_MAX_LENGTH) {
			problems.push(
				`the ${context.groupingWord} name is ${groupingCell.length} characters long; it must be ${GROUPING_NAME_MAX_LENGTH} or fewer`
			);
		} else if (groupingCell !== '') {
			const found = groupingsByKey.get(key(groupingCell));
			if (found) grouping = { id: found.id, name: found.name };
			else {
				if (!newGroupings.has(key(groupingCell))) newGroupings.set(key(groupingCell), groupingCell);
				grouping = { id: null, name: newGroupings.get(key(groupingCell))! };
			}
		}

		return {
			line,
			name,
			type: type ?? TYPE_WHEN_NONE_GIVEN,
			typeGiven: typeCell !== '',
			grouping,
			problems
		};
	});

	return {
		lines,
		newGroupings: [...newGroupings.values()],
		headingsSkipped,
		listProblem: null
	};
}

/** Every problem in the list, one message per line that has any, as the error summary shows them. */
export function serviceListProblems(
	preview: ServiceListPreview
): { line: number; message: string }[] {
	return preview.lines
		.filter((l) => l.problems.length > 0)
		.map((l) => ({ line: l.line, message: `Line ${l.line}: ${l.problems.join('; ')}` }));
}
