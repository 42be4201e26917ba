import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { checkPack, type FrameworkPack } from '$lib/domain/framework-pack';
import type { Cell } from '$lib/domain/import/cells';
import {
	MAX_PROBLEMS,
	packFromWorkbook,
	type WorkbookSheet
} from '$lib/domain/framework-pack-workbook';
import { PACK_ACCEPTS, readPackFile } from '$lib/server/frameworks/read-pack-file';
import { packWorkbook } from '$lib/server/frameworks/pack-workbook';
import { importPack, importPackFile } from '$lib/server/frameworks/import';
import { getFramework, storedPack } from '$lib/server/frameworks/queries';
import { packContentHash } from '$lib/server/frameworks/loader';
import { readSpreadsheet } from '$lib/server/import/read-file';
import { auditEvents, frameworks } from '$lib/server/db/schema';
import { freshDb, platformAdmin } from './helpers/db';

const fixture = (name: string) => readFileSync(`tests/fixtures/packs-workbook/${name}`);
const read = (name: string) => readPackFile(fixture(name), name);
const jsonPack = (path: string): FrameworkPack => {
	const checked = checkPack(JSON.parse(readFileSync(path, 'utf8')));
	if (!checked.ok) throw new Error(checked.problems.join('\n'));
	return checked.pack;
};
const IMROC = jsonPack('src/lib/server/frameworks/packs/imroc-2010.json');
const SMALL = jsonPack('tests/fixtures/packs/small-three-level.json');

async function problemsOf(name: string) {
	const result = await read(name);
	if (result.ok) throw new Error(`${name} was read as a pack`);
	return result.problems;
}

/** A sheet from rows of cells, numbered from 1 as a spreadsheet numbers them. */
const sheet = (name: string, rows: Cell[][]): WorkbookSheet => ({
	name,
	rows: rows.map((cells, i) => ({ rowNumber: i + 1, cells }))
});
const smallSheets = (): WorkbookSheet[] => [
	sheet('Details', [
		['Key', SMALL.key],
		['Version', SMALL.version],
		['Name', SMALL.name],
		['Attribution', SMALL.attribution],
		['Licence', SMALL.licence!]
	]),
	sheet('Challenges', [
		['Key', 'Name', 'Short label'],
		...SMALL.challenges.map((c) => [c.key, c.name, c.shortLabel])
	]),
	sheet('Levels', [
		['Value', 'Name', 'Description'],
		...SMALL.scale.map((l) => [l.value, l.name, l.description])
	]),
	sheet('Indicators', [
		['Challenge key', 'Level value', 'Indicator text'],
		['welcome', 2, SMALL.challenges[0].indicators!['2']]
	])
];

describe('a framework pack read from a workbook', () => {
	it('is the same pack as the JSON file it mirrors, typed loosely (the ImROC pack)', async () => {
		// Other headings and capitals, a title row, blank rows, numbers typed as text, spaces.
		const result = await read('imroc.xlsx');
		expect(result).toEqual({ ok: true, pack: IMROC });
		if (result.ok) expect(packContentHash(result.pack)).toBe(packContentHash(IMROC));
	});

	it('reads indicator text from the Indicators sheet (the small test pack)', async () => {
		expect(await read('small-three-level.xlsx')).toEqual({ ok: true, pack: SMALL });
	});

	it('places every problem by its sheet, row and column, in the order of the workbook', async () => {
		expect(await problemsOf('problems.xlsx')).toEqual([
			'Details sheet, row 3, column B (version): the version should be a whole number, not text.',
			'Challenges sheet, row 2, column C (short label): the short label is missing.',
			'Challenges sheet, row 4, column A (key): the key “welcome” is also the key of the challenge in row 2; each challenge needs its own.',
			'Levels sheet, row 3, column A (value): the value should be a whole number, not text.',
			'Indicators sheet, row 3, column A (challenge key): no challenge on the Challenges sheet has the key “kindness”.',
			'Indicators sheet, row 4, column B (level value): there is indicator text for level 5, which is not on the scale.'
		]);
	});

	it('refuses level values that do not go up from one row to the next', async () => {
		expect(await problemsOf('levels-out-of-order.xlsx')).toEqual([
			'Levels sheet, row 4, column A (value): its value, 1, is not higher than the value of the level before it (2); list the levels from lowest to highest, each value once.'
		]);
	});

	it('names a missing sheet and the sheets there are', async () => {
		expect(await problemsOf('missing-sheet.xlsx')).toEqual([
			'The workbook has no sheet called “Levels” (its sheets are “Details”, “Challenges”, “Indicators”). Download the template to see the sheets a pack needs.'
		]);
	});

	it('names a missing heading row or column once, not once for every row', async () => {
		expect(await problemsOf('missing-column.xlsx')).toEqual([
			'Challenges sheet: no row of headings was found; the first row should hold the headings “Key”, “Name”, “Short label”.',
			'Levels sheet, row 1: there is no column headed “Description”; add it beside the other headings.'
		]);
	});

	it('takes the value a formula cell had when the file was saved, never working it out', async () => {
		// The version's formula is 1+1 with 1 stored; the third level's value and name are formulas.
		// The workbook has no licence and no Indicators sheet.
		const { licence: _, ...withoutLicence } = SMALL;
		expect(await read('formula.xlsx')).toEqual({
			ok: true,
			pack: {
				...withoutLicence,
				challenges: SMALL.challenges.map(({ indicators: _, ...c }) => c)
			}
		});
	});
});

describe('the rules of a pack workbook', () => {
	it('says which detail is missing and how to add it', () => {
		const sheets = smallSheets();
		sheets[0] = sheet('Details', [
			['Field', 'Value'],
			['Key', SMALL.key],
			['Version', 1],
			['Name', SMALL.name],
			['Colour', 'blue'],
			['Name', 'Again']
		]);
		expect(packFromWorkbook(sheets)).toEqual({
			ok: false,
			problems: [
				'Details sheet: the attribution is missing; add a row with “Attribution” in column A and its value in column B.',
				'Details sheet, row 5, column A: “Colour” is not one of the details; column A should hold Key, Version, Name, Attribution or Licence.',
				'Details sheet, row 6, column A: the name is given again (it is already in row 4); keep one row for it.'
			]
		});
	});

	it('skips a title row in the details, and lists at most a hundred problems', () => {
		const sheets = smallSheets();
		sheets[0] = sheet('Details', [['About this pack'], ...sheets[0].rows.map((r) => [...r.cells])]);
		sheets[3] = sheet('Indicators', [
			['Challenge key', 'Level value', 'Indicator text'],
			...Array.from({ length: 150 }, (_, i) => [`c${i}`, 1, `Text ${i}`])
		]);
		const result = packFromWorkbook(sheets);
		if (result.ok) throw new Error('read as a pack');
		expect(result.problems).toHaveLength(MAX_PROBLEMS + 1);
		expect(result.problems[0]).toBe(
			'Indicators sheet, row 2, column A (challenge key): no challenge on the Challenges sheet has the key “c0”.'
		);
		expect(result.problems.at(-1)).toBe(
			'And 50 more problems after these: correct these first, then import the workbook again to see the rest.'
		);
	});

	it('refuses indicator rows that repeat a challenge and level, or name no level', () => {
		const sheets = smallSheets();
		sheets[3] = sheet('indicator text', [
			['CHALLENGE', 'Level', 'Text'],
			['welcome', 2, 'First'],
			['welcome', '2', 'Second'],
			['hope', 'Stage 2', 'Third'],
			['hope', 1, ''],
			['', 1, 'Fourth']
		]);
		expect(packFromWorkbook(sheets)).toEqual({
			ok: false,
			problems: [
				'Indicators sheet, row 3, column B (level value): row 2 already has indicator text for challenge “welcome” at level 2; keep one row for each challenge and level.',
				'Indicators sheet, row 4, column B (level value): “Stage 2” is not a level value; write the level’s value as a whole number, as in the Levels sheet.',
				'Indicators sheet, row 6, column A (challenge key): the challenge key is missing; write the key of the challenge this text is for.'
			]
		});
	});

	it('refuses a column named twice, and an empty sheet', () => {
		const sheets = smallSheets();
		sheets[1] = sheet('Challenges', [
			['Key', 'Name', 'Short label', 'Label'],
			...SMALL.challenges.map((c) => [c.key, c.name, c.shortLabel, c.shortLabel])
		]);
		sheets[2] = sheet('Levels', []);
		const result = packFromWorkbook(sheets);
		expect(result).toEqual({
			ok: false,
			problems: [
				'Challenges sheet, row 1, column D: “Label” is read as short label, as is column C; keep only one of them.',
				'Levels sheet: the sheet is empty; its first row should hold the headings “Value”, “Name”, “Description”, with one row below for each level.'
			]
		});
	});

	it('needs at least one challenge and two levels, as a JSON pack does', () => {
		const sheets = smallSheets();
		sheets[1] = sheet('Challenges', [['Key', 'Name', 'Short label']]);
		sheets[2] = sheet('Levels', [
			['Value', 'Name', 'Description'],
			[1, 'Only', 'The only level']
		]);
		sheets.pop();
		expect(packFromWorkbook(sheets)).toEqual({
			ok: false,
			problems: [
				'Challenges sheet: there are no challenges; a pack needs at least 1.',
				'Levels sheet: the scale has 1 level; it needs at least 2.'
			]
		});
	});
});

describe('the pack workbook template', () => {
	it('has the four sheets with their headings and a sheet that explains them', async () => {
		const template = await readSpreadsheet(await packWorkbook(), 'template.xlsx');
		if (!template.ok) throw new Error(template.problem);
		expect(template.sheets.map((s) => s.name)).toEqual([
			'Details',
			'Challenges',
			'Levels',
			'Indicators',
			'How to fill this in'
		]);
		expect(template.sheets.map((s) => s.rows[0]?.cells)).toEqual([
			['Field', 'Value'],
			['Key', 'Name', 'Short label'],
			['Value', 'Name', 'Description'],
			['Challenge key', 'Level value', 'Indicator text'],
			['How to fill in a framework pack workbook']
		]);
		expect(template.sheets[0].rows.map((r) => r.cells[0])).toEqual([
			'Field',
			'Key',
			'Version',
			'Name',
			'Attribution',
			'Licence'
		]);
	});

	it('imported empty, lists what is missing rather than failing', async () => {
		const result = await readPackFile(await packWorkbook(), 'template.xlsx');
		expect(result.ok).toBe(false);
		if (!result.ok)
			expect(result.problems).toContain(
				'Challenges sheet: there are no challenges; a pack needs at least 1.'
			);
	});

	it('filled in, imports as a pack; the same content as JSON is then recognised', async () => {
		const db = freshDb();
		const admin = platformAdmin(db);
		const filled = await packWorkbook(SMALL);
		const imported = await importPackFile(db, admin, filled, 'filled.xlsx');
		expect(imported).toMatchObject({ ok: true, version: 1, outcome: 'new-pack' });
		const recorded = db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'framework.imported'))
			.all();
		expect(recorded.map((e) => e.after)).toEqual([
			expect.objectContaining({ key: SMALL.key, version: 1, challenges: 5, levels: 3 })
		]);
		const again = importPack(db, admin, JSON.stringify(SMALL));
		expect(again).toMatchObject({ ok: true, version: 1, outcome: 'unchanged' });
	});

	it('writes a stored version as a workbook that reads back as the same pack', async () => {
		const db = freshDb();
		const imroc = db.select().from(frameworks).where(eq(frameworks.packKey, IMROC.key)).get()!;
		const stored = storedPack(db, getFramework(db, imroc.id)!);
		expect(stored).toEqual(IMROC);
		expect(await readPackFile(await packWorkbook(stored), 'imroc.xlsx')).toEqual({
			ok: true,
			pack: IMROC
		});
	});
});

describe('a pack file that is not a pack', () => {
	it('is refused in words, whatever it is, and never throws', async () => {
		const db = freshDb();
		const admin = platformAdmin(db);
		for (const name of readdirSync('tests/fixtures/import')) {
			const bytes = readFileSync(`tests/fixtures/import/${name}`);
			const result = await importPackFile(db, admin, bytes, name);
			expect(result.ok, name).toBe(false);
			if (!result.ok) expect(result.problems.length, name).toBeGreaterThan(0);
		}
	});

	it('says what a pack file may be, not what an audit file may be', async () => {
		const picture = readFileSync('tests/fixtures/import/picture.xlsx');
		expect(await readPackFile(picture, 'picture.xlsx')).toEqual({
			ok: false,
			problems: [`This file is a picture, not a spreadsheet. ${PACK_ACCEPTS}`]
		});
		expect(await readPackFile(new Uint8Array(), 'empty.xlsx')).toEqual({
			ok: false,
			problems: [`“empty.xlsx” is empty. ${PACK_ACCEPTS}`]
		});
		expect(await readPackFile(Buffer.from('key,name\n'), 'pack.xlsx')).toEqual({
			ok: false,
			problems: [`“pack.xlsx” is named as a workbook but is not one. ${PACK_ACCEPTS}`]
		});
	});

	it('refuses a workbook with macros', async () => {
		const macros = readFileSync('tests/fixtures/import/macros.xlsm');
		const result = await readPackFile(macros, 'macros.xlsm');
		expect(result).toEqual({
			ok: false,
			problems: [expect.stringContaining('This workbook holds macros, which we do not accept')]
		});
	});

	it('still reads a JSON pack as before, by its content', async () => {
		const json = readFileSync('tests/fixtures/packs/small-three-level.json');
		expect(await readPackFile(json, 'pack.json')).toEqual({ ok: true, pack: SMALL });
		expect(await readPackFile(json, 'pack.txt')).toEqual({ ok: true, pack: SMALL });
	});
});
