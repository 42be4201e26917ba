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

/** How many records, from the top, are looked at to tell the separator. */
const SEPARATOR_SEARCH_RECORDS = 50;
const SEPARATORS = [',', ';', '\t'] as const;
type Separator = (typeof SEPARATORS)[number];

/**
 * The file's separator: the one that splits the most of its first records into the same number
 * of fields, outside quotes. A title row above the headings, or commas in a semicolon file's text
 * (which Excel does not quote there), vary from row to row; the real separator does not. A comma
 * when none splits anything.
 */
export function detectSeparator(text: string): Separator {
	const perRecord: Record<Separator, number>[] = [];
	let counts = { ',': 0, ';': 0, '\t': 0 };
	let quoted = false;
	for (const ch of text) {
		if (ch === '"') quoted = !quoted;
		else if (!quoted && ch === '\n') {
			perRecord.push(counts);
			counts = { ',': 0, ';': 0, '\t': 0 };
			if (perRecord.length >= SEPARATOR_SEARCH_RECORDS) break;
		} else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
	}
	perRecord.push(counts);

	let best: { separator: Separator; records: number; fields: number } = {
		separator: ',',
		records: 0,
		fields: 0
	};
	for (const separator of SEPARATORS) {
		const recordsWith = new Map<number, number>();
		for (const record of perRecord) {
			const n = record[separator];
			if (n > 0) recordsWith.set(n, (recordsWith.get(n) ?? 0) + 1);
		}
		for (const [fields, records] of recordsWith)
			if (records > best.records || (records === best.records && fields > best.fields))
				best = { separator, records, fields };
	}
	return best.separator;
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
