// A workbook as plain data (sheets of tables of text, numbers and calendar days), and how each
// value becomes a spreadsheet cell. No I/O: the server hands the cells to write-excel-file.
//
// Why text can never become a formula. write-excel-file stores a string as a shared string
// (`t="s"`), which a spreadsheet never evaluates, whatever it starts with; only a cell of type
// 'Formula' is written as one (`<f>`), and valueCell makes no cell of that type.
// Every text cell also carries the Text number format ("@"), so that editing a cell that reads
// "=HYPERLINK(…)" in Excel keeps it as text instead of turning it into a formula then.

import type { CellObject, SheetData } from 'write-excel-file/node';

/** A calendar day ("2026-03-31"), kept apart from text so it is written as a date. */
export interface CalendarDay {
	day: string;
}

export type SheetValue = string | number | CalendarDay | null;

/** A table on a sheet: its header row (in bold) and its rows. */
export interface SheetTable {
	header: string[];
	rows: SheetValue[][];
}

export interface WorkbookSheet {
	name: string;
	/** Tables one below the other, a blank row between them. */
	tables: SheetTable[];
	/** Keep the first table's header in view while scrolling (Excel's "freeze panes"). */
	freezeHeader: boolean;
}

export const DATE_FORMAT = 'dd/mm/yyyy';
export const TEXT_FORMAT = '@';
const MIN_WIDTH = 8;
const MAX_WIDTH = 60;
/** Longer text wraps inside its (widest) column instead of running on. */
const WRAP_OVER = MAX_WIDTH;

export const calendarDay = (day: string): CalendarDay => ({ day });

const isCalendarDay = (value: SheetValue): value is CalendarDay =>
	typeof value === 'object' && value !== null && typeof value.day === 'string';

/**
 * Text a spreadsheet would read as a formula if it were typed in, or a CSV reader would: starting
 * with =, +, -, @, a tab or a carriage return. Such text is stored exactly as written, as text.
 */
export function looksLikeFormula(text: string): boolean {
	return /^[=+\-@\t\r]/.test(text);
}

/** A calendar day as a Date at midnight UTC: write-excel-file counts days from UTC. */
export function dayAsDate(day: string): Date {
	const [year, month, date] = day.split('-').map(Number);
	return new Date(Date.UTC(year, month - 1, date));
}

function valueCell(value: SheetValue, bold = false): CellObject | null {
	if (value === null || value === '') return null;
	const weight = bold ? ({ fontWeight: 'bold' } as const) : {};
	if (typeof value === 'number')
		return Number.isFinite(value) ? { type: Number, value, ...weight } : null;
	if (isCalendarDay(value))
		return { type: Date, value: dayAsDate(value.day), format: DATE_FORMAT, ...weight };
	return {
		type: String,
		value,
		format: TEXT_FORMAT,
		...(value.length > WRAP_OVER || value.includes('\n') ? { wrap: true } : {}),
		...weight
	};
}

function displayLength(value: SheetValue): number {
	if (value === null) return 0;
	if (typeof value === 'number') return String(value).length;
	if (isCalendarDay(value)) return DATE_FORMAT.length;
	return Math.max(...value.split('\n').map((line) => line.length));
}

/** Each column as wide as its longest header or value, within bounds, in characters. */
export function columnWidths(tables: SheetTable[]): number[] {
	const widths: number[] = [];
	for (const table of tables)
		for (const row of [table.header, ...table.rows])
			row.forEach((value, i) => {
				widths[i] = Math.max(widths[i] ?? MIN_WIDTH, displayLength(value) + 2);
			});
	return widths.map((w) => Math.min(MAX_WIDTH, w));
}

/** The sheet's rows as write-excel-file cells: headers bold, a blank row between tables. */
export function toCells(sheet: WorkbookSheet): SheetData {
	const data: SheetData = [];
	sheet.tables.forEach((table, i) => {
		if (i > 0) data.push([]);
		data.push(table.header.map((h) => valueCell(h, true)));
		for (const row of table.rows) data.push(row.map((v) => valueCell(v)));
	});
	return data;
}
