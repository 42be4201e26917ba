// What the file reading layer hands over, and how the import rules talk about a place in a sheet.

/** One cell as read from a spreadsheet or CSV file: text, a number, a date, or nothing. */
export type Cell = string | number | Date | null;

/** One row of a sheet, with its 1-based row number as the spreadsheet shows it. */
export interface SheetRow {
	row: number;
	cells: readonly Cell[];
}

/** A cell read as what a field needs, or the reason it cannot be, in a person's words. */
export type Reading<T> = { ok: true; value: T } | { ok: false; message: string };

export const reading = <T>(value: T): Reading<T> => ({ ok: true, value });
export const refusal = <T = never>(message: string): Reading<T> => ({ ok: false, message });

/** True for a cell with nothing in it (or only spaces). */
export function isBlank(cell: Cell | undefined): boolean {
	if (cell === null || cell === undefined) return true;
	if (typeof cell === 'string') return cell.trim() === '';
	return false;
}

/** A cell as text, trimmed: a number as written, a date as YYYY-MM-DD (UTC day). */
export function cellText(cell: Cell | undefined): string {
	if (cell === null || cell === undefined) return '';
	if (typeof cell === 'string') return cell.trim();
	if (typeof cell === 'number') return String(cell);
	return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
}

/** A column's letter as a spreadsheet names it: 0 → A, 25 → Z, 26 → AA, 701 → ZZ, 702 → AAA. */
export function columnLetter(index: number): string {
	let n = index + 1;
	let letters = '';
	while (n > 0) {
		const remainder = (n - 1) % 26;
		letters = String.fromCharCode(65 + remainder) + letters;
		n = Math.floor((n - 1) / 26);
	}
	return letters;
}

/** Text compared loosely: lower case, curly quotes straightened, runs of spaces made one. */
export function looseText(text: string): string {
	return text
		.normalize('NFKC')
		.replace(/[\u2018\u2019]/g, "'")
		.replace(/[\u2013\u2014]/g, '-')
		.replace(/\s+/g, ' ')
		.trim()
		.toLocaleLowerCase('en-GB');
}
