import { readPackText, type PackCheck } from '$lib/domain/framework-pack';
import { packFromWorkbook } from '$lib/domain/framework-pack-workbook';
import { readSpreadsheet } from '../import/read-file';

/** The most a pack file may be, JSON or workbook: a pack is a few pages of text. */
export const MAX_PACK_BYTES = 2 * 1024 * 1024;

const ZIP = [0x50, 0x4b];
const OLE = [0xd0, 0xcf, 0x11, 0xe0];
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** The spreadsheet reader's sentence on what it accepts, and what a pack import accepts. */
const SPREADSHEET_ACCEPTS = 'Upload an Excel workbook (.xlsx) or a CSV file.';
export const PACK_ACCEPTS = 'Upload the pack as a JSON file or an Excel workbook (.xlsx).';

/**
 * Reads an uploaded pack file, JSON or an Excel workbook, into a checked pack or its problems.
 * A workbook is told by its content (an .xlsx is a zip) or by a spreadsheet's name; everything
 * else is read as JSON text, as before. CSV is not a pack format: a pack needs several sheets.
 */
export async function readPackFile(bytes: Uint8Array, fileName: string): Promise<PackCheck> {
	const looksLikeWorkbook =
		startsWith(bytes, ZIP) || startsWith(bytes, OLE) || /\.(xlsx|xlsm|xls|xlsb)$/i.test(fileName);
	if (!looksLikeWorkbook) return readPackText(new TextDecoder().decode(bytes));

	const read = await readSpreadsheet(bytes, fileName, { maxBytes: MAX_PACK_BYTES });
	if (!read.ok)
		return { ok: false, problems: [read.problem.replace(SPREADSHEET_ACCEPTS, PACK_ACCEPTS)] };
	// Only a zip is a workbook; anything else the reader took for CSV text.
	if (!startsWith(bytes, ZIP))
		return {
			ok: false,
			problems: [`“${fileName}” is named as a workbook but is not one. ${PACK_ACCEPTS}`]
		};
	return packFromWorkbook(read.sheets.map((sheet) => ({ name: sheet.name, rows: sheet.rows })));
}
