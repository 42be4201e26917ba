// CSV as RFC 4180 describes it: comma-separated, CRLF line ends, fields quoted when they hold a
// comma, quote or line break, quotes doubled inside quoted fields.

export type CsvValue = string | number | boolean | null | undefined;

// A spreadsheet treats a cell that starts with one of these as a formula, which can run commands
// or send data elsewhere when the file is opened (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, made safe to open in a spreadsheet and quoted when it needs to be. */
export function csvField(value: CsvValue): string {
	if (value === null || value === undefined) return '';
	// Numbers are written by us, not typed by people, and "-2" is a number to a spreadsheet, not a formula.
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	const text = FORMULA_START.test(value) ? `'${value}` : value;
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly CsvValue[]): string {
	return values.map(csvField).join(',') + '\r\n';
}

/** A whole file: the header row, then one row per record. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
	let text = csvRow(header);
	for (const row of rows) text += csvRow(row);
	return text;
}
