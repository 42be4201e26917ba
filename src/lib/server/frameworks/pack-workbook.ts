import writeExcelFile, { type Row } from 'write-excel-file/node';
import type { FrameworkPack } from '$lib/domain/framework-pack';
import {
	CHALLENGE_COLUMNS,
	DETAIL_FIELDS,
	INDICATOR_COLUMNS,
	LEVEL_COLUMNS,
	SHEET_NAMES
} from '$lib/domain/framework-pack-workbook';

const heading = (value: string) => ({ value, fontWeight: 'bold' as const });
const wrapped = (value: string | undefined) => (value ? { value, wrap: true } : null);

const GUIDE: string[][] = [
	['How to fill in a framework pack workbook'],
	[
		'A framework pack is the list of challenges a service assesses itself against and the scale of levels it uses. Fill in the sheets of this workbook, save it as an Excel workbook (.xlsx), and import it on the Framework packs page. Nothing is imported until the whole workbook is correct: every problem is listed with its sheet, row and column.'
	],
	['Details'],
	[
		'One row for each detail: its name in column A, its value in column B. Key: the pack’s identifier, in lower-case letters, digits and hyphens (for example “team-culture-check”); keep it the same for every version of the pack. Version: a whole number. Name: the pack’s name as people will see it. Attribution: where the challenges come from. Licence: optional, the terms the wording may be used under.'
	],
	['Challenges'],
	[
		'One row for each challenge, in the order they are shown. Key: the challenge’s identifier in lower-case letters, digits and hyphens, used once in the pack and kept the same in later versions (this is how versions are compared). Name: the challenge in full. Short label: a few words for charts and tables, at most 60 characters.'
	],
	['Levels'],
	[
		'One row for each level of the scale, lowest first. Value: a whole number from 0 to 100, each higher than the one above it (for example 1, 2, 3, 4). Name: the level’s name. Description: what the level means. A scale needs at least two levels.'
	],
	['Indicators (optional)'],
	[
		'Indicator text describes what a level looks like for one challenge. One row for each challenge and level that has text: the challenge’s key, the level’s value and the text. Leave the sheet empty if the pack has none.'
	],
	['Good to know'],
	[
		'Blank rows are skipped. Headings and sheet names may differ in capitals and spaces. Numbers typed as text are read as numbers. Formulas are not worked out: the value Excel saved is used. Importing a changed pack with a known key adds a new version; rounds that used an earlier version keep it.'
	]
];

/**
 * A pack as a workbook with the four sheets the importer reads and a sheet of instructions: the
 * empty template when no pack is given, or a stored pack to edit and import as a new version.
 */
export async function packWorkbook(pack?: FrameworkPack): Promise<Buffer> {
	const sheet = (name: string, data: Row[], widths: number[]) => ({
		data,
		sheet: name,
		columns: widths.map((width) => ({ width })),
		stickyRowsCount: 1
	});
	const headings = (columns: { heading: string }[]) => columns.map((c) => heading(c.heading));
	const detailValue = (field: string) =>
		field === 'version' ? (pack?.version ?? null) : (pack?.[field as keyof FrameworkPack] ?? null);

	const details: Row[] = [
		[heading('Field'), heading('Value')],
		...DETAIL_FIELDS.map((d) => {
			const value = detailValue(d.field);
			return [d.label, typeof value === 'string' ? wrapped(value) : (value as number | null)];
		})
	];
	const challenges: Row[] = [
		headings(CHALLENGE_COLUMNS),
		...(pack?.challenges ?? []).map((c) => [c.key, wrapped(c.name), c.shortLabel])
	];
	const levels: Row[] = [
		headings(LEVEL_COLUMNS),
		...(pack?.scale ?? []).map((l) => [l.value, l.name, wrapped(l.description)])
	];
	const indicators: Row[] = [
		headings(INDICATOR_COLUMNS),
		...(pack?.challenges ?? []).flatMap((c) =>
			Object.entries(c.indicators ?? {}).map(([level, text]) => [
				c.key,
				Number(level),
				wrapped(text)
			])
		)
	];
	const guide: Row[] = GUIDE.map(([text], i) => [
		i === 0 || i % 2 === 0 ? heading(text) : { value: text, wrap: true }
	]);

	return writeExcelFile([
		sheet(SHEET_NAMES.details, details, [16, 90]),
		sheet(SHEET_NAMES.challenges, challenges, [32, 80, 30]),
		sheet(SHEET_NAMES.levels, levels, [10, 28, 90]),
		sheet(SHEET_NAMES.indicators, indicators, [32, 14, 90]),
		{ data: guide, sheet: SHEET_NAMES.guide, columns: [{ width: 110 }] }
	]).toBuffer();
}

/** An .xlsx download of a workbook. */
export function workbookResponse(bytes: Buffer, filename: string): Response {
	return new Response(new Uint8Array(bytes), {
		headers: {
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': `attachment; filename="${filename}"`,
			'cache-control': 'no-store'
		}
	});
}
