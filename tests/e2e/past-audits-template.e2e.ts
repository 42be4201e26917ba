import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import readXlsxFile from 'read-excel-file/node';
import writeExcelFile, { type Cell } from 'write-excel-file/node';
import { startServer, type RunningServer } from './server';
import { signInAs } from './crawl';

// An administrator downloads the Excel template from the imports page, fills in one past round
// (its title, dates and a level on every row, as a person does in Excel) and uploads it: the
// preview finds every service and challenge, and nothing to put right.

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
});
test.afterAll(async () => {
	await server?.stop();
});

const ORGANISATION = 'Northmoor Mental Health NHS Foundation Trust';

test('the Excel template, filled in for one round, previews with no problems', async ({ page }) => {
	await signInAs(page, server.baseURL, 'organisationAdmin');
	await page.getByRole('link', { name: ORGANISATION }).click();
	await page.getByRole('link', { name: 'Bring in past audits from a spreadsheet' }).click();

	const downloading = page.waitForEvent('download');
	await page
		.getByRole('link', {
			name: 'Excel template for ImROC organisational challenges (2010) version 1'
		})
		.click();
	const download = await downloading;
	expect(download.suggestedFilename()).toBe(
		'past-audits-template-northmoor-mental-health-nhs-foundation-trust.xlsx'
	);
	const sheets = await readXlsxFile(readFileSync(await download.path()));
	expect(sheets.map((s) => s.sheet)).toEqual(['Past audits', 'How to fill this in']);
	const [headings, ...rows] = sheets[0].data;
	expect(headings.slice(0, 8)).toEqual([
		'Round title',
		'Round start',
		'Round end',
		'Service',
		'Directorate',
		'Type of service',
		'Challenge',
		'Agreed level'
	]);
	expect(rows.length % 10).toBe(0);
	expect(rows.length).toBeGreaterThan(0);

	const filled = rows.map((row, i): Cell[] => {
		const cells = headings.map((_, c) => (row[c] ?? null) as Cell);
		cells[0] = 'Recovery audit 2012';
		cells[1] = { value: new Date(Date.UTC(2012, 3, 1)), type: Date, format: 'dd/mm/yyyy' };
		cells[2] = { value: new Date(Date.UTC(2012, 5, 30)), type: Date, format: 'dd/mm/yyyy' };
		cells[7] = 1 + (i % 4);
		return cells;
	});
	const buffer = await writeExcelFile([
		{ sheet: 'Past audits', data: [headings as Cell[], ...filled] }
	]).toBuffer();

	await page.getByLabel('Spreadsheet of past audits').setInputFiles({
		name: 'audits 2012.xlsx',
		mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		buffer
	});
	await page.getByRole('button', { name: 'Upload and preview' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Check before importing' })
	).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Problems to put right' })).toHaveCount(0);
	await expect(
		page.getByRole('button', {
			name: `Import ${rows.length.toLocaleString('en-GB')} agreed levels`
		})
	).toBeVisible();
});
