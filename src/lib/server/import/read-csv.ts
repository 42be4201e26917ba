import { parse } from 'csv-parse/sync';
import type { ReadResult, Row } from './read-file';

/**
 * CSV as real files come: UTF-8 with or without a byte-order mark, UTF-16 from Excel's
 * "Unicode text", or Windows-1252 from an old Excel "CSV" (£, é); comma, semicolon or tab
 * separated (told from the heading line, outside quotes); quoted fields holding separators and
 * line breaks; CRLF or LF. Every cell stays text, untrimmed; an empty field is null.
 * A row's number is its record's number in the file, blank lines counted, as Excel numbers the
 * rows when it opens the file (the same as the line number unless a quoted field spans lines).
 */

const notText =
	'This file is neither a CSV file nor an Excel workbook. Upload an Excel workbook (.xlsx) or a CSV file.';

export function decodeText(bytes: Uint8Array): string | undefined {
	if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
	if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
	if (bytes.includes(0)) return undefined;
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		text = new TextDecoder('windows-1252').decode(bytes);
	}
	// Other control characters than tab, line feed and carriage return mean binary, not text.
	// eslint-disable-next-line no-control-regex
	if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text)) return undefined;
	return text.startsWith('\ufeff') ? text.slice(1) : text;
}

/** The separator most used in the first record, outside quotes; a comma when none is. */
export function detectSeparator(text: string): ',' | ';' | '\t' {
	const counts = { ',': 0, ';': 0, '\t': 0 };
	let quoted = false;
	for (const ch of text) {
		if (ch === '"') quoted = !quoted;
		else if (!quoted && (ch === '\n' || ch === '\r')) break;
		else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
	}
	if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
	if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
	return ',';
}

export function readCsv(bytes: Uint8Array): ReadResult {
	const text = decodeText(bytes);
	if (text === undefined) return { ok: false, problem: notText };
	let records: string[][];
	try {
		records = parse(text, {
			delimiter: detectSeparator(text),
			bom: true,
			relax_column_count: true,
			relax_quotes: true,
			skip_empty_lines: false
		}) as string[][];
	} catch (error) {
		const line = (error as { lines?: number }).lines;
		return {
			ok: false,
			problem: `This CSV file could not be read${line ? ` near line ${line}` : ''}: a quoted field may be missing its closing quote mark.`
		};
	}
	const rows: Row[] = [];
	records.forEach((record, index) => {
		const cells: (string | null)[] = record.map((field) => (field === '' ? null : field));
		if (cells.some((c) => c !== null && c.trim() !== ''))
			rows.push({ rowNumber: index + 1, cells });
	});
	return { ok: true, sheets: [{ name: 'CSV', rows }] };
}
