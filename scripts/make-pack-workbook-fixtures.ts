/**
 * Writes the small workbooks under tests/fixtures/packs-workbook/ that
 * tests/unit/framework-pack-workbook.test.ts reads. Run with
 * `npx tsx scripts/make-pack-workbook-fixtures.ts`; the files are committed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import writeExcelFile, { type Row } from 'write-excel-file/node';
import { makeZip, type ZipPart } from '../tests/unit/helpers/zip';

const dir = 'tests/fixtures/packs-workbook';
mkdirSync(dir, { recursive: true });
const put = (name: string, bytes: Uint8Array) => writeFileSync(`${dir}/${name}`, bytes);

interface Level {
	value: number;
	name: string;
	description: string;
}
interface Challenge {
	key: string;
	name: string;
	shortLabel: string;
	indicators?: Record<string, string>;
}
const imroc = JSON.parse(readFileSync('src/lib/server/frameworks/packs/imroc-2010.json', 'utf8'));
const small = JSON.parse(readFileSync('tests/fixtures/packs/small-three-level.json', 'utf8'));

const write = (sheets: { sheet: string; data: Row[] }[]) => writeExcelFile(sheets).toBuffer();

/**
 * The ImROC pack as a person might type it: headings in other words and capitals, a title row
 * above the challenges, blank rows, the version and level values typed as text, spaces around.
 */
put(
	'imroc.xlsx',
	await write([
		{
			sheet: 'Details',
			data: [
				['FIELD', 'Value'],
				['Key', 'imroc-2010'],
				['version ', '1'],
				[],
				['Name', imroc.name],
				['Attribution', ` ${imroc.attribution} `],
				['License', imroc.licence]
			]
		},
		{
			sheet: ' challenges',
			data: [
				['Challenges of the ImROC methodology'],
				['Key', 'Challenge name', 'Short-label'],
				...imroc.challenges.flatMap((c: Challenge, i: number) => [
					[c.key, c.name, c.shortLabel],
					...(i === 4 ? [[]] : [])
				])
			]
		},
		{
			sheet: 'Scale',
			data: [
				['Level value', 'Level name', 'Description'],
				...imroc.scale.map((l: Level) => [String(l.value), l.name, l.description])
			]
		},
		{ sheet: 'Indicators', data: [['Challenge key', 'Level value', 'Indicator text']] },
		{ sheet: 'How to fill this in', data: [['Notes that are not read']] }
	])
);

/** The small test pack, with its one indicator text on the Indicators sheet. */
const smallSheets = (
	pack: { key: string; version: number; name: string; attribution: string; licence: string },
	challenges: Challenge[],
	scale: (Level | Row)[],
	indicators: Row[]
) => [
	{
		sheet: 'Details',
		data: [
			['Field', 'Value'],
			['Key', pack.key],
			['Version', pack.version],
			['Name', pack.name],
			['Attribution', pack.attribution],
			['Licence', pack.licence]
		] as Row[]
	},
	{
		sheet: 'Challenges',
		data: [
			['Key', 'Name', 'Short label'],
			...challenges.map((c) => [c.key, c.name, c.shortLabel])
		] as Row[]
	},
	{
		sheet: 'Levels',
		data: [
			['Value', 'Name', 'Description'],
			...scale.map((l) => (Array.isArray(l) ? l : [l.value, l.name, l.description]))
		] as Row[]
	},
	{
		sheet: 'Indicators',
		data: [['Challenge key', 'Level value', 'Indicator text'], ...indicators]
	}
];
const smallIndicators: Row[] = [['welcome', 2, small.challenges[0].indicators['2']]];
put(
	'small-three-level.xlsx',
	await write(smallSheets(small, small.challenges, small.scale, smallIndicators))
);

/** One of each mistake a person might make, on every sheet. */
const mistaken = structuredClone(small.challenges) as Challenge[];
mistaken[0].shortLabel = '';
mistaken[2].key = 'welcome';
put(
	'problems.xlsx',
	await write(
		smallSheets(
			{ ...small, version: 'two' },
			mistaken,
			[
				small.scale[0],
				['Stage 2', small.scale[1].name, small.scale[1].description],
				small.scale[2]
			],
			[...smallIndicators, ['kindness', 1, 'Staff are kind.'], ['hope', 5, 'There is no level 5.']]
		)
	)
);

/** Level values that do not go up: 0, 2, 1. */
put(
	'levels-out-of-order.xlsx',
	await write(
		smallSheets(
			small,
			small.challenges,
			[small.scale[0], small.scale[2], small.scale[1]],
			smallIndicators
		)
	)
);

const [details, challengeSheet, , indicatorSheet] = smallSheets(
	small,
	small.challenges,
	small.scale,
	[]
);
put('missing-sheet.xlsx', await write([details, challengeSheet, indicatorSheet]));
put(
	'missing-column.xlsx',
	await write([
		details,
		{ sheet: 'Challenges', data: small.challenges.map((c: Challenge) => [c.key, c.name]) },
		{
			sheet: 'Levels',
			data: [['Value', 'Name'], ...small.scale.map((l: Level) => [l.value, l.name])]
		}
	])
);

/**
 * Written by hand, as Excel writes formulas: the formula and the value it had when saved. The
 * stored values are read; the formulas are never worked out (1+1 is stored as 1 on purpose).
 */
const text = (ref: string, value: string) =>
	`<c r="${ref}" t="inlineStr"><is><t>${value}</t></is></c>`;
const row = (n: number, cells: string[]) => `<row r="${n}">${cells.join('')}</row>`;
const rows = (table: (string | number)[][]) =>
	table
		.map((cells, r) =>
			row(
				r + 1,
				cells.map((cell, c) => {
					const ref = `${String.fromCharCode(65 + c)}${r + 1}`;
					return typeof cell === 'number' ? `<c r="${ref}"><v>${cell}</v></c>` : text(ref, cell);
				})
			)
		)
		.join('');
const formulaSheets = [
	{
		name: 'Details',
		xml:
			rows([
				['Key', small.key],
				['Name', small.name],
				['Attribution', small.attribution]
			]) + row(4, [text('A4', 'Version'), '<c r="B4"><f>1+1</f><v>1</v></c>'])
	},
	{
		name: 'Challenges',
		xml: rows([
			['Key', 'Name', 'Short label'],
			...small.challenges.map((c: Challenge) => [c.key, c.name, c.shortLabel])
		])
	},
	{
		name: 'Levels',
		xml:
			rows([
				['Value', 'Name', 'Description'],
				...small.scale.slice(0, 2).map((l: Level) => [l.value, l.name, l.description])
			]) +
			row(4, [
				'<c r="A4"><f>A3+1</f><v>2</v></c>',
				`<c r="B4" t="str"><f>"Fully"&amp;" in place"</f><v>${small.scale[2].name}</v></c>`,
				text('C4', small.scale[2].description)
			])
	}
];
put('formula.xlsx', makeZip(workbookOf(formulaSheets)));

/** The parts of a workbook of inline-text sheets. */
function workbookOf(sheets: { name: string; xml: string }[]): ZipPart[] {
	const ns = 'http://schemas.openxmlformats.org';
	return [
		{
			name: '[Content_Types].xml',
			data: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="${ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('')}</Types>`
		},
		{
			name: '_rels/.rels',
			data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
		},
		{
			name: 'xl/workbook.xml',
			data: `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${ns}/spreadsheetml/2006/main" xmlns:r="${ns}/officeDocument/2006/relationships"><sheets>${sheets.map((s, i) => `<sheet name="${s.name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`
		},
		{
			name: 'xl/_rels/workbook.xml.rels',
			data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${ns}/package/2006/relationships">${sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')}</Relationships>`
		},
		...sheets.map((s, i) => ({
			name: `xl/worksheets/sheet${i + 1}.xml`,
			data: `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${ns}/spreadsheetml/2006/main"><sheetData>${s.xml}</sheetData></worksheet>`
		}))
	];
}
