import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import readXlsxFile from 'read-excel-file/node';
import writeExcelFile from 'write-excel-file/node';
import { startServer, type RunningServer } from './server';
import {
	ADMIN,
	addOrganisation,
	addService,
	createFirstAdministrator,
	errorSummary,
	fillDate,
	markComplete,
	signIn
} from './helpers';

// A second, differently shaped pack (five challenges, three levels starting at 0) goes through
// the whole journey unchanged: import, round, assessment, chart and table.

const PACK_FILE = 'tests/fixtures/packs/small-three-level.json';
const PACK_NAME = 'Team culture check (test pack)';

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer();
});
test.afterAll(async () => {
	await server?.stop();
});

test('a platform administrator imports a pack, and a round runs on it from start to chart', async ({
	page
}) => {
	await createFirstAdministrator(page, server.setupUrl!);
	await page.getByRole('link', { name: 'Framework packs' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Framework packs' })).toBeVisible();

	// A broken file is refused with the place of each problem, and nothing is imported.
	const broken = JSON.parse(readFileSync(PACK_FILE, 'utf8'));
	broken.challenges[2].key = 'welcome';
	await page.getByLabel('Framework pack file (JSON or Excel workbook)').setInputFiles({
		name: 'broken.json',
		mimeType: 'application/json',
		buffer: Buffer.from(JSON.stringify(broken))
	});
	await page.getByRole('button', { name: 'Import pack' }).click();
	await expect(errorSummary(page)).toContainText(
		'broken.json could not be imported, so nothing has changed'
	);
	await expect(page.getByRole('list', { name: 'Problems in the file' })).toContainText(
		'Challenge 3: the key “welcome” is also the key of challenge 1; each challenge needs its own.'
	);
	await expect(page.getByRole('link', { name: PACK_NAME })).toHaveCount(0);

	await page.getByLabel('Framework pack file (JSON or Excel workbook)').setInputFiles({
		name: 'notjson.json',
		mimeType: 'application/json',
		buffer: Buffer.from('{ not json')
	});
	await page.getByRole('button', { name: 'Import pack' }).click();
	await expect(page.getByRole('list', { name: 'Problems in the file' })).toContainText(
		'Line 1, column 3 is not valid JSON'
	);

	// A 3 MB file gets our own message; a 50 MB one is refused by the server before it is read.
	await page.getByLabel('Framework pack file (JSON or Excel workbook)').setInputFiles({
		name: 'big.json',
		mimeType: 'application/json',
		buffer: Buffer.alloc(3 * 1024 * 1024, 32)
	});
	await page.getByRole('button', { name: 'Import pack' }).click();
	await expect(errorSummary(page)).toContainText('A framework pack file must be 2 MB or smaller');
	const huge = await page.request.post(`${server.baseURL}/admin/frameworks?/import`, {
		headers: { origin: server.baseURL, accept: 'text/html' },
		multipart: {
			pack: {
				name: 'huge.json',
				mimeType: 'application/json',
				buffer: Buffer.alloc(50 * 1024 * 1024, 32)
			}
		},
		maxRedirects: 0
	});
	expect(huge.status()).toBe(413);

	await page.getByLabel('Framework pack file (JSON or Excel workbook)').setInputFiles(PACK_FILE);
	await page.getByRole('button', { name: 'Import pack' }).click();
	await expect(page.getByRole('status')).toContainText(`${PACK_NAME} (version 1) was imported`);
	await page.getByLabel('Framework pack file (JSON or Excel workbook)').setInputFiles(PACK_FILE);
	await page.getByRole('button', { name: 'Import pack' }).click();
	await expect(page.getByRole('status')).toContainText('is already here with the same content');
	await expect(page.getByRole('row').filter({ hasText: PACK_NAME })).toContainText(
		'5 challenges, 3 levels'
	);

	// A round on the new pack.
	await page.goto(`${server.baseURL}/organisations`);
	await addOrganisation(page, 'Riverside Partnership NHS Trust');
	const organisationUrl = page.url();
	await addService(page, 'Kingfisher Ward', 'Acute inpatient ward');
	await page.goto(organisationUrl);
	await page.getByRole('link', { name: 'Create a round' }).click();
	await page.getByLabel('Title').fill('Culture check 2026');
	await fillDate(page, 'Start of the period', '1', '4', '2026');
	await fillDate(page, 'End of the period', '30', '9', '2026');
	await page.getByLabel(`${PACK_NAME} (version 1)`).check();
	await page.getByRole('button', { name: 'Create round' }).click();
	await page.getByRole('button', { name: 'Open round' }).click();
	await page.getByRole('link', { name: /assessment of Kingfisher Ward/ }).click();

	const groups = page.getByRole('group').filter({ has: page.getByRole('radio') });
	await expect(groups).toHaveCount(5);
	await expect(page.getByText('Every new person is greeted by name')).toBeVisible();
	const labels = ['Welcome', 'Hope', 'Choice', 'Peer roles', 'Community'];
	for (const [i, label] of labels.entries()) {
		const group = page.getByRole('group', { name: `${i + 1}. ${label}` });
		await expect(group.getByRole('radio')).toHaveCount(3);
		await group.getByLabel(i < 2 ? '2. Fully in place' : '0. Not in place').check();
	}
	await markComplete(page);

	const table = page.getByRole('table', { name: /agreed level by round/ });
	await expect(table.getByRole('row')).toHaveCount(6);
	await expect(table.getByRole('row', { name: /Welcome/ })).toContainText('2 Fully in place');
	await expect(table.getByRole('row', { name: /Community/ })).toContainText('0 Not in place');
	await expect(page.locator('canvas')).toBeVisible();

	// The completed assessment reads back every agreed level, the scale's 0 included.
	await page.getByRole('link', { name: 'Culture check 2026' }).click();
	const agreed = page.getByRole('table', { name: 'Agreed levels and evidence' });
	await expect(agreed.getByRole('row', { name: /Community/ })).toContainText('0. Not in place');
	await expect(agreed.getByRole('row', { name: /Welcome/ })).toContainText('2. Fully in place');
	await expect(agreed).not.toContainText('Not agreed');

	// Retired packs are no longer offered for new rounds, but the round that used it still reads.
	await page.goto(`${server.baseURL}/admin/frameworks`);
	// Retiring asks first, and says what it does.
	await page.getByRole('link', { name: `Retire ${PACK_NAME} version 1` }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: `Retire ${PACK_NAME}, version 1?` })
	).toBeVisible();
	await expect(page.getByText('The round that uses it stays as it is')).toBeVisible();
	await page.getByRole('link', { name: 'Cancel: keep offering it' }).click();
	await expect(page.getByRole('row').filter({ hasText: PACK_NAME })).toContainText(
		'Offered for new rounds'
	);
	await page.getByRole('link', { name: `Retire ${PACK_NAME} version 1` }).click();
	await page.getByRole('button', { name: 'Retire this version' }).click();
	await expect(page.getByRole('alert')).toContainText(
		`${PACK_NAME} version 1 is retired: it is no longer offered for new rounds.`
	);
	await expect(page.getByRole('row').filter({ hasText: PACK_NAME })).toContainText('Retired');
	await page.goto(`${organisationUrl}/rounds/new`);
	await expect(page.getByLabel(`${PACK_NAME} (version 1)`)).toHaveCount(0);
	await page.goto(organisationUrl);
	await page.getByRole('link', { name: 'Culture check 2026' }).click();
	await expect(page.getByText(PACK_NAME)).toBeVisible();
});

test('a platform administrator writes a pack in the Excel template, fixes its problem and imports it', async ({
	page
}) => {
	await signIn(page, server.baseURL, ADMIN.email, ADMIN.password);
	await page.goto(`${server.baseURL}/admin/frameworks`);

	// The template: four sheets to fill in, each with its heading row, and one of instructions.
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page
			.getByRole('link', { name: 'Download the framework pack template (Excel workbook)' })
			.click()
	]);
	expect(download.suggestedFilename()).toBe('framework-pack-template.xlsx');
	const template = await readXlsxFile(readFileSync(await download.path()));
	expect(template.map((s) => s.sheet)).toEqual([
		'Details',
		'Challenges',
		'Levels',
		'Indicators',
		'How to fill this in'
	]);
	const headings = Object.fromEntries(template.map((s) => [s.sheet, s.data[0].map(String)]));
	expect(headings.Challenges).toEqual(['Key', 'Name', 'Short label']);

	/** The template filled in, as a person would in Excel: below each sheet's own headings. */
	const filled = (challenges: (string | null)[][]) =>
		writeExcelFile([
			{
				sheet: 'Details',
				data: [
					headings.Details,
					['Key', 'ward-basics'],
					['Version', '1'],
					['Name', 'Ward basics (workbook test pack)'],
					['Attribution', 'Written for this test.'],
					['Licence', null]
				]
			},
			{ sheet: 'Challenges', data: [headings.Challenges, ...challenges] },
			{
				sheet: 'Levels',
				data: [
					headings.Levels,
					[1, 'Not yet', 'Not in place.'],
					[2, 'In place', 'In place every day.']
				]
			},
			{
				sheet: 'Indicators',
				data: [headings.Indicators, ['safety', 2, 'Every shift starts with a safety huddle.']]
			}
		]).toBuffer();
	const upload = async (name: string, buffer: Buffer) => {
		await page.getByLabel('Framework pack file (JSON or Excel workbook)').setInputFiles({
			name,
			mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			buffer
		});
		await page.getByRole('button', { name: 'Import pack' }).click();
	};

	// A picture renamed to .xlsx is refused for what it is, in words.
	await upload('photo.xlsx', readFileSync('tests/fixtures/import/picture.xlsx'));
	await expect(page.getByRole('list', { name: 'Problems in the file' })).toHaveText(
		'This file is a picture, not a spreadsheet. Upload the pack as a JSON file or an Excel workbook (.xlsx).'
	);

	const challenges = [
		['welcome', 'New people are welcomed on the ward', 'Welcome'],
		['safety', 'The ward is safe for everyone', null],
		['activity', 'There is something to do every day', 'Activity']
	];
	await upload('ward-basics.xlsx', await filled(challenges));
	await expect(errorSummary(page)).toContainText(
		'ward-basics.xlsx could not be imported, so nothing has changed. It has 1 problem:'
	);
	await expect(page.getByRole('list', { name: 'Problems in the file' })).toHaveText(
		'Challenges sheet, row 3, column C (short label): the short label is missing.'
	);
	await expect(page.getByRole('link', { name: 'Ward basics (workbook test pack)' })).toHaveCount(0);

	challenges[1][2] = 'Safety';
	await upload('ward-basics.xlsx', await filled(challenges));
	await expect(page.getByRole('status')).toContainText(
		'Ward basics (workbook test pack) (version 1) was imported'
	);
	await expect(
		page.getByRole('row').filter({ hasText: 'Ward basics (workbook test pack)' })
	).toContainText('3 challenges, 2 levels');

	// The stored version comes back as a workbook that imports as the same content.
	await page.getByRole('link', { name: 'Ward basics (workbook test pack)', exact: true }).click();
	await expect(page.getByText('Every shift starts with a safety huddle.')).toBeVisible();
	const [stored] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('link', { name: 'Download this version as an Excel workbook' }).click()
	]);
	expect(stored.suggestedFilename()).toBe('ward-basics-version-1.xlsx');
	const storedBytes = readFileSync(await stored.path());
	await page.goto(`${server.baseURL}/admin/frameworks`);
	await upload('ward-basics-version-1.xlsx', storedBytes);
	await expect(page.getByRole('status')).toContainText('is already here with the same content');
});
