import { crc32 } from 'node:zlib';
import readXlsxFile from 'read-excel-file/node';
import { readCsv } from './read-csv';
import { checkZip, defaultZipLimits, type ZipEntry, type ZipLimits } from './zip-check';

/**
 * The lowest layer of bringing in past audits: an uploaded file's bytes become sheets of rows of
 * cells, or a plain-English refusal. The kind of file is told from its content, never its name.
 * Cells are kept as found: text is not trimmed (the domain layer trims and parses), numbers stored
 * as text stay text, formula cells give the value Excel stored when the file was saved (nothing is
 * ever evaluated), and fully blank rows are dropped while every row keeps its true 1-based number.
 */

export type Cell = string | number | Date | null;
export interface Row {
	/** The row's number as a person sees it: Excel's row number, or the CSV record's number. */
	rowNumber: number;
	cells: Cell[];
}
export interface Sheet {
	name: string;
	rows: Row[];
}
export type ReadResult = { ok: true; sheets: Sheet[] } | { ok: false; problem: string };

export interface ReadLimits extends ZipLimits {
	maxBytes: number;
	/** Most data rows a sheet may hold: its non-blank rows less one for the heading row. */
	maxDataRows: number;
	/** Most cells a worksheet's used area (last row × last column) may span before it is read. */
	maxSheetCells: number;
}

export const defaultReadLimits: ReadLimits = {
	...defaultZipLimits,
	maxBytes: 10 * 1024 * 1024,
	maxDataRows: 20_000,
	maxSheetCells: 5_000_000
};

const en = (n: number) => n.toLocaleString('en-GB');
const accepted = 'Upload an Excel workbook (.xlsx) or a CSV file.';

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
	return magic.every((b, i) => bytes[i] === b);
}

/** Refusals for kinds of file told by their first bytes. */
function refuseByMagic(bytes: Uint8Array): string | undefined {
	if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
		return 'This file is password-protected or an old .xls workbook, which cannot be read. Open it in Excel and save it as .xlsx without a password.';
	}
	if (startsWith(bytes, [0x4d, 0x5a]) || startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) {
		return `This file is a program, not a spreadsheet. ${accepted}`;
	}
	if (
		startsWith(bytes, [0x89, 0x50, 0x4e, 0x47]) ||
		startsWith(bytes, [0xff, 0xd8, 0xff]) ||
		startsWith(bytes, [0x47, 0x49, 0x46, 0x38])
	) {
		return `This file is a picture, not a spreadsheet. ${accepted}`;
	}
	if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46])) {
		return `This file is a PDF, not a spreadsheet. ${accepted}`;
	}
	return undefined;
}

export async function readSpreadsheet(
	bytes: Uint8Array,
	fileName: string,
	limits: Partial<ReadLimits> = {}
): Promise<ReadResult> {
	const l: ReadLimits = { ...defaultReadLimits, ...limits };
	const named = fileName ? `“${fileName}”` : 'This file';
	if (bytes.length === 0) return { ok: false, problem: `${named} is empty. ${accepted}` };
	if (bytes.length > l.maxBytes) {
		return {
			ok: false,
			problem: `${named} is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; the most we accept is ${en(l.maxBytes / 1024 / 1024)} MB. Split it into smaller files.`
		};
	}
	const magic = refuseByMagic(bytes);
	if (magic) return { ok: false, problem: magic };

	const result = startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])
		? await readXlsx(bytes, l)
		: startsWith(bytes, [0x50, 0x4b])
			? { ok: false as const, problem: `This file is an archive, not a spreadsheet. ${accepted}` }
			: readCsv(bytes);
	if (!result.ok) return result;

	for (const sheet of result.sheets) {
		const dataRows = sheet.rows.length - 1;
		if (dataRows > l.maxDataRows) {
			return {
				ok: false,
				problem: `The sheet “${sheet.name}” has ${en(dataRows)} rows of data; the most we accept in one file is ${en(l.maxDataRows)}. Split it into smaller files.`
			};
		}
	}
	if (result.sheets.every((sheet) => sheet.rows.length === 0)) {
		return { ok: false, problem: `${named} has nothing in it. ${accepted}` };
	}
	return result;
}

function isBlank(cell: Cell): boolean {
	return cell === null || (typeof cell === 'string' && cell.trim() === '');
}

/** Drops fully blank rows; numbers every row 1-based by its place in the file. */
export function numberRows(
	rows: Cell[][],
	numberOf: (index: number) => number = (i) => i + 1
): Row[] {
	const out: Row[] = [];
	rows.forEach((cells, index) => {
		if (!cells.every(isBlank)) out.push({ rowNumber: numberOf(index), cells });
	});
	return out;
}

const macros =
	'This workbook holds macros, which we do not accept. Open it in Excel and save it as an Excel Workbook (.xlsx).';
const notWorkbook = `This file is a zip archive but not an Excel workbook. ${accepted}`;

function columnNumber(letters: string): number {
	let n = 0;
	for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
	return n;
}

/** The last row and column a worksheet's XML reaches, as read-excel-file would lay them out. */
export function sheetExtent(xml: string): { rows: number; columns: number } {
	let row = 0;
	let column = 0;
	let rows = 0;
	let columns = 0;
	const tag = /<(?:\w+:)?(row|c)\b([^>]*)>/g;
	for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
		const r = /\br="([A-Z]*)(\d*)"/.exec(m[2]);
		if (m[1] === 'row') {
			row = r?.[2] ? Number(r[2]) : row + 1;
			column = 0;
		} else {
			column = r?.[1] ? columnNumber(r[1]) : column + 1;
			if (r?.[2]) row = Math.max(row, Number(r[2]));
		}
		if (row > rows) rows = row;
		if (column > columns) columns = column;
	}
	return { rows, columns };
}

async function readXlsx(bytes: Uint8Array, l: ReadLimits): Promise<ReadResult> {
	const zip = checkZip(bytes, l);
	if (!zip.ok) return zip;
	const names = new Set(zip.entries.map((e) => e.name));
	if (!names.has('[Content_Types].xml') || !names.has('xl/workbook.xml')) {
		return { ok: false, problem: notWorkbook };
	}
	if (zip.entries.some((e) => /(^|\/)vbaProject\.bin$/i.test(e.name))) {
		return { ok: false, problem: macros };
	}

	// Inflate, under the cap, only the parts read-excel-file reads, and hand it a fresh archive of
	// just those: it then inflates nothing we have not measured (a streaming unzip could otherwise
	// meet local entries the central directory does not list).
	const parts: { entry: ZipEntry; data: Uint8Array }[] = [];
	try {
		for (const entry of zip.entries) {
			if (!entry.name.endsWith('.xml') && !entry.name.endsWith('.rels')) continue;
			const data = zip.read(entry);
			if (entry.name === '[Content_Types].xml') {
				if (/macroEnabled/i.test(new TextDecoder().decode(data)))
					return { ok: false, problem: macros };
			}
			if (/^xl\/worksheets\/[^/]+\.xml$/.test(entry.name)) {
				const extent = sheetExtent(new TextDecoder().decode(data));
				if (extent.rows * extent.columns > l.maxSheetCells) {
					return {
						ok: false,
						problem: `A sheet in this workbook reaches row ${en(extent.rows)} and column ${en(extent.columns)}, far more than an audit file needs. Delete the unused rows and columns, or copy the table into a new workbook, and save it as .xlsx.`
					};
				}
			}
			parts.push({ entry, data });
		}
	} catch (error) {
		return { ok: false, problem: (error as Error).message };
	}

	// The archive as a Buffer over the same memory, and the parts let go of while it is read: a
	// full sheet is several megabytes of XML, and each copy kept adds to the import's peak memory.
	const archive = storedZip(parts);
	parts.length = 0;
	let workbook: Awaited<ReturnType<typeof readXlsxFile>>;
	try {
		workbook = await readXlsxFile(
			Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength),
			{ trim: false }
		);
	} catch {
		return {
			ok: false,
			problem:
				'This workbook could not be read: it may be damaged. Open it in Excel and save it again as .xlsx.'
		};
	}
	return {
		ok: true,
		sheets: workbook.map((sheet) => ({
			name: sheet.sheet,
			rows: numberRows(sheet.data.map((row) => row.map(toCell)))
		}))
	};
}

function toCell(value: unknown): Cell {
	if (value === null || value === undefined) return null;
	if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
	if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) return value;
	return String(value);
}

/** A zip of stored (uncompressed) entries: small, and only ever fed to read-excel-file. */
export function storedZip(parts: { entry: { name: string }; data: Uint8Array }[]): Uint8Array {
	const encoder = new TextEncoder();
	const locals: Uint8Array[] = [];
	const centrals: Uint8Array[] = [];
	let offset = 0;
	for (const { entry, data } of parts) {
		const name = encoder.encode(entry.name);
		const crc = crc32(data);
		const local = Buffer.alloc(30 + name.length);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4);
		local.writeUInt16LE(0x0800, 6);
		local.writeUInt32LE(crc, 14);
		local.writeUInt32LE(data.length, 18);
		local.writeUInt32LE(data.length, 22);
		local.writeUInt16LE(name.length, 26);
		local.set(name, 30);
		const central = Buffer.alloc(46 + name.length);
		central.writeUInt32LE(0x02014b50, 0);
		central.writeUInt16LE(20, 4);
		central.writeUInt16LE(20, 6);
		central.writeUInt16LE(0x0800, 8);
		central.writeUInt32LE(crc, 16);
		central.writeUInt32LE(data.length, 20);
		central.writeUInt32LE(data.length, 24);
		central.writeUInt16LE(name.length, 28);
		central.writeUInt32LE(offset, 42);
		central.set(name, 46);
		locals.push(local, data);
		centrals.push(central);
		offset += local.length + data.length;
	}
	const directorySize = centrals.reduce((n, c) => n + c.length, 0);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(parts.length, 8);
	end.writeUInt16LE(parts.length, 10);
	end.writeUInt32LE(directorySize, 12);
	end.writeUInt32LE(offset, 16);
	return Buffer.concat([...locals, ...centrals, end]);
}
