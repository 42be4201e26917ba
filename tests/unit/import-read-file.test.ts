import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import writeExcelFile from 'write-excel-file/node';
import { readSpreadsheet } from '../../src/lib/server/import/read-file';
import { detectSeparator } from '../../src/lib/server/import/read-csv';
import { makeZip, workbookParts } from './helpers/zip';

const fixture = (name: string) => readFileSync(`tests/fixtures/import/${name}`);
const read = (name: string) => readSpreadsheet(fixture(name), name);
const accepted = 'Upload an Excel workbook (.xlsx) or a CSV file.';
const tooBig =
	'This workbook unpacks to far more data than an audit file needs, so it was not read. Save only the sheets you need as a new .xlsx file.';
const macros =
	'This workbook holds macros, which we do not accept. Open it in Excel and save it as an Excel Workbook (.xlsx).';

describe('refused by content, whatever the name', () => {
	it.each([
		['program.csv', `This file is a program, not a spreadsheet. ${accepted}`],
		['elf.xlsx', `This file is a program, not a spreadsheet. ${accepted}`],
		['picture.xlsx', `This file is a picture, not a spreadsheet. ${accepted}`],
		['photo.csv', `This file is a picture, not a spreadsheet. ${accepted}`],
		['animation.csv', `This file is a picture, not a spreadsheet. ${accepted}`],
		['report.xlsx', `This file is a PDF, not a spreadsheet. ${accepted}`],
		['binary.csv', `This file is neither a CSV file nor an Excel workbook. ${accepted}`],
		[
			'encrypted.xlsx',
			'This file is password-protected or an old .xls workbook, which cannot be read. Open it in Excel and save it as .xlsx without a password.'
		],
		[
			'zip-encrypted.xlsx',
			'This workbook is password-protected. Open it in Excel, remove the password, and save it as .xlsx.'
		],
		['macros.xlsm', macros],
		['macro-enabled.xlsx', macros],
		[
			'not-a-workbook.zip.xlsx',
			`This file is a zip archive but not an Excel workbook. ${accepted}`
		],
		['empty.csv', `“empty.csv” is empty. ${accepted}`],
		['blank.csv', `“blank.csv” has nothing in it. ${accepted}`],
		[
			'unclosed-quote.csv',
			'This CSV file could not be read near line 2: a quoted field may be missing its closing quote mark.'
		]
	])('%s', async (name, problem) => {
		expect(await read(name)).toEqual({ ok: false, problem });
	});

	it('refuses a file over 10 MB before looking inside', async () => {
		const big = new Uint8Array(10 * 1024 * 1024 + 1).fill(0x41);
		expect(await readSpreadsheet(big, 'big.csv')).toEqual({
			ok: false,
			problem: '“big.csv” is 10.0 MB; the most we accept is 10 MB. Split it into smaller files.'
		});
	});
});

describe('zip bombs and hostile workbooks', () => {
	it('refuses an entry that inflates more than 200 times', async () => {
		expect(await read('zip-bomb.xlsx')).toEqual({ ok: false, problem: tooBig });
	});
	it('refuses an entry that inflates past the size it declared (the inflate is capped)', async () => {
		expect(await read('lying-size.xlsx')).toEqual({ ok: false, problem: tooBig });
	});
	it('refuses more than 1,000 entries', async () => {
		expect(await read('many-entries.xlsx')).toEqual({
			ok: false,
			problem:
				'This workbook holds 1,005 parts inside, more than the 1,000 an Excel workbook needs, so it was not read.'
		});
	});
	it('refuses a single entry declaring more than 50 MB, and more than 100 MB in all', async () => {
		const one = makeZip(
			workbookParts('', [{ name: 'xl/a.xml', data: 'x', declaredSize: 51 * 1024 * 1024 }])
		);
		expect(await readSpreadsheet(one, 'a.xlsx', { maxRatio: 1e12 })).toEqual({
			ok: false,
			problem: tooBig
		});
		const parts = [1, 2, 3].map((i) => ({
			name: `xl/${i}.xml`,
			data: 'x',
			declaredSize: 40 * 1024 * 1024
		}));
		const two = makeZip(workbookParts('', parts));
		expect(await readSpreadsheet(two, 'b.xlsx', { maxRatio: 1e12 })).toEqual({
			ok: false,
			problem: tooBig
		});
		// Two of them (80 MB) pass the declared-size checks, and are then caught by the capped inflate.
		const three = makeZip(workbookParts('', parts.slice(0, 2)));
		expect(await readSpreadsheet(three, 'c.xlsx', { maxRatio: 1e12 })).toEqual({
			ok: false,
			problem:
				'This file looks like an Excel workbook but it is damaged and cannot be read. Open it in Excel and save it again as .xlsx.'
		});
	});
	it('refuses a sheet whose cells reach far corners, before laying it out', async () => {
		expect(await read('far-corner.xlsx')).toEqual({
			ok: false,
			problem:
				'A sheet in this workbook reaches row 1,048,576 and column 16,384, far more than an audit file needs. Delete the unused rows and columns, or copy the table into a new workbook, and save it as .xlsx.'
		});
	});
});

describe('workbooks', () => {
	it('keeps text untrimmed, numbers stored as text as text, dates as dates, and true row numbers', async () => {
		expect(await read('past-audit.xlsx')).toEqual({
			ok: true,
			sheets: [
				{
					name: 'Sheet1',
					rows: [
						{
							rowNumber: 1,
							cells: [
								'Round title',
								'Round start',
								'Service',
								'Challenge',
								'Agreed level',
								'Evidence'
							]
						},
						{
							rowNumber: 2,
							cells: [
								'Spring 2024',
								new Date(Date.UTC(2024, 10, 23)),
								'Ashford CMHT ',
								'1',
								3,
								'Peer workers in post'
							]
						},
						{
							rowNumber: 4,
							cells: ['Spring 2024', '23/11/2024', 'Ashford CMHT', 'Leadership', 'Stage 2', null]
						}
					]
				}
			]
		});
	});
	it('takes the value Excel stored for a formula (3 for =1+1), never evaluating it', async () => {
		expect(await read('formula.xlsx')).toEqual({
			ok: true,
			sheets: [
				{
					name: 'Audit',
					rows: [
						{ rowNumber: 1, cells: ['Level', 'Label'] },
						{ rowNumber: 2, cells: [3, 'cached text'] }
					]
				}
			]
		});
	});
});

describe('CSV files', () => {
	it('semicolons, a byte-order mark, CRLF, quoted separators and line breaks, blank rows counted', async () => {
		expect(await read('semicolon-bom.csv')).toEqual({
			ok: true,
			sheets: [
				{
					name: 'CSV',
					rows: [
						{ rowNumber: 1, cells: ['Service', 'Challenge', 'Level'] },
						{ rowNumber: 2, cells: ['Ashford; North', '1', '3'] },
						{ rowNumber: 5, cells: ['Bexley', '2', 'Stage\r\n2'] }
					]
				}
			]
		});
	});
	it('tells semicolons from the commas of unquoted text, which vary from row to row', () => {
		const text = [
			'Service;Challenge;Level;Evidence',
			'Ashford;1;3;Minutes, care plans, the survey, the audit, and the peer review',
			'Bexley;2;2;Survey',
			'Croft;3;1;Notes, minutes'
		].join('\r\n');
		expect(detectSeparator(text)).toBe(';');
		expect(detectSeparator('Service,Challenge,Level\nAshford,1,3\n')).toBe(',');
		expect(detectSeparator('Service\tChallenge\nAshford\t1\n')).toBe('\t');
		expect(detectSeparator('Service\n')).toBe(',');
	});
	it('semicolons below a title row that has a comma in it', async () => {
		expect(await read('title-row-semicolons.csv')).toEqual({
			ok: true,
			sheets: [
				{
					name: 'CSV',
					rows: [
						{ rowNumber: 1, cells: ['Northmoor audits, as kept before the app'] },
						{ rowNumber: 3, cells: ['Service', 'Challenge', 'Level'] },
						{ rowNumber: 4, cells: ['Ashford, North', '1', '3'] }
					]
				}
			]
		});
	});
	it('commas, LF, trailing spaces kept, doubled quotes', async () => {
		expect(await read('comma-lf.csv')).toEqual({
			ok: true,
			sheets: [
				{
					name: 'CSV',
					rows: [
						{ rowNumber: 1, cells: ['Service', 'Challenge', 'Level'] },
						{ rowNumber: 2, cells: ['Ashford CMHT  ', '1', '3'] },
						{ rowNumber: 4, cells: ['Bexley, South', 'Leadership', '"Stage" 2'] }
					]
				}
			]
		});
	});
	it('tabs', async () => {
		const result = await read('tab.csv');
		expect(result.ok && result.sheets[0].rows.map((r) => r.cells)).toEqual([
			['Service', 'Challenge', 'Level'],
			['Ashford', '1', '3']
		]);
	});
	it('Windows-1252 when the bytes are not UTF-8', async () => {
		const result = await read('windows-1252.csv');
		expect(result.ok && result.sheets[0].rows.map((r) => r.cells)).toEqual([
			['Service', 'Cost'],
			['Café', '£5']
		]);
	});
	it('headings only is read (the domain layer says there is nothing to bring in)', async () => {
		const result = await read('headers-only.csv');
		expect(result.ok && result.sheets[0].rows).toEqual([
			{ rowNumber: 1, cells: ['Service', 'Challenge', 'Level'] }
		]);
	});
});

describe('20,000 data rows', () => {
	const csv = (rows: number) =>
		new TextEncoder().encode(
			'Service,Challenge,Level\n' +
				Array.from({ length: rows }, (_, i) => `Service ${i},${(i % 10) + 1},3`).join('\n')
		);
	it('reads 20,000 rows of CSV and refuses 20,001 with the count', async () => {
		const result = await readSpreadsheet(csv(20_000), 'a.csv');
		expect(result.ok && result.sheets[0].rows.at(-1)).toEqual({
			rowNumber: 20_001,
			cells: ['Service 19999', '10', '3']
		});
		expect(await readSpreadsheet(csv(20_001), 'b.csv')).toEqual({
			ok: false,
			problem:
				'The sheet “CSV” has 20,001 rows of data; the most we accept in one file is 20,000. Split it into smaller files.'
		});
	});
	it('reads 20,000 rows of a workbook and refuses 20,001 with the count', async () => {
		const sheet = (rows: number) => [
			['Service', 'Challenge', 'Level', 'Evidence'],
			...Array.from({ length: rows }, (_, i) => [
				`Service ${i}`,
				String((i % 10) + 1),
				3,
				'Some evidence text'
			])
		];
		const result = await readSpreadsheet(await writeExcelFile(sheet(20_000)).toBuffer(), 'a.xlsx');
		expect(result.ok && result.sheets[0].rows.at(-1)).toEqual({
			rowNumber: 20_001,
			cells: ['Service 19999', '10', 3, 'Some evidence text']
		});
		expect(await readSpreadsheet(await writeExcelFile(sheet(20_001)).toBuffer(), 'b.xlsx')).toEqual(
			{
				ok: false,
				problem:
					'The sheet “Sheet1” has 20,001 rows of data; the most we accept in one file is 20,000. Split it into smaller files.'
			}
		);
	}, 30_000);
});
