import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import readXlsxFile from 'read-excel-file/node';
import { startServer, type RunningServer } from './server';
import { signInAs } from './crawl';

// An organisation administrator brings years of audits in from a spreadsheet, on the demo data:
// downloads the template, fills it in, uploads a messy copy of it, fixes what the preview asks,
// imports it and finds the history on the dashboards; the same file again adds nothing; undoing
// takes it all out.

let server: RunningServer;
test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
});
test.afterAll(async () => {
	await server?.stop();
});

const ORGANISATION = 'Northmoor Mental Health NHS Foundation Trust';
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const ASHFORD = 'Ashford Community Mental Health Team';
const ROUNDS = [
	{ title: 'Spring 2021 audit', start: '01-Apr-2021', end: '30/06/2021', level: 1 },
	{ title: 'Spring 2022 audit', start: '01-Apr-2022', end: '30/06/2022', level: 2 }
];

async function expectNoAxeViolations(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

function counts() {
	const db = new Database(server.databasePath, { readonly: true });
	try {
		const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
		return {
			rounds: n('SELECT count(*) AS n FROM round'),
			services: n('SELECT count(*) AS n FROM service'),
			scores: n('SELECT count(*) AS n FROM agreed_score'),
			importedScores: n('SELECT count(*) AS n FROM agreed_score WHERE import_id IS NOT NULL')
		};
	} finally {
		db.close();
	}
}

const csvCell = (cell: string) => (/[;"\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/**
 * The template's rows filled in for two rounds, written the way a trust's own spreadsheet might
 * be: a byte-order mark and semicolons, a title row, the service column headed in its own words,
 * a service named in a short form, odd capitals and spaces, "Stage 2" for a level, blank rows.
 */
function messyCsv(headings: string[], rows: string[][]): Buffer {
	const at = (name: string) => headings.indexOf(name);
	const lines: string[][] = [['Northmoor recovery audits, as kept before the app'], []];
	lines.push(headings.map((h) => (h === 'Service' ? 'Team / ward name' : h)));
	for (const round of ROUNDS) {
		for (const template of rows) {
			const row = [...template];
			row[at('Round title')] = round.title;
			row[at('Round start')] = round.start;
			row[at('Round end')] = round.end;
			const service = row[at('Service')];
			row[at('Service')] = service === ASHFORD ? 'Ashford CMHT ' : `${service.toUpperCase()}  `;
			const challenge = Number(/^\d+/.exec(row[at('Challenge')])?.[0] ?? 0);
			row[at('Agreed level')] = challenge === 1 ? `Stage ${round.level}` : String(round.level);
			row[at('Evidence')] = `Seen in the ${round.title}; minutes of the team meeting`;
			lines.push(row);
		}
		lines.push([]);
	}
	return Buffer.from('\ufeff' + lines.map((l) => l.map(csvCell).join(';')).join('\r\n'));
}

async function uploadFile(page: Page, file: { name: string; buffer: Buffer }) {
	await page.goto(`${server.baseURL}/organisations`);
	await page.getByRole('link', { name: ORGANISATION }).click();
	await page.getByRole('link', { name: 'Bring in past audits from a spreadsheet' }).click();
	await page
		.getByLabel('Spreadsheet of past audits')
		.setInputFiles({ ...file, mimeType: 'text/csv' });
	await page.getByRole('button', { name: 'Upload and preview' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Check before importing' })
	).toBeVisible();
}

/** On the preview: the service column read as Service, and the short name confirmed as Ashford. */
async function makeChoices(page: Page) {
	await page.getByLabel('Column D: “Team / ward name”').selectOption({ label: 'Service' });
	await page.getByRole('button', { name: 'Update the preview' }).click();
	await page.getByLabel(`Yes, it is ${ASHFORD}`).check();
	await page.getByRole('button', { name: 'Update the preview' }).click();
}

test('an administrator brings past audits in from the template, sees them on the dashboards, and undoes the import', async ({
	page
}) => {
	const before = counts();
	await signInAs(page, server.baseURL, 'organisationAdmin');
	await page.getByRole('link', { name: ORGANISATION }).click();
	await page.getByRole('link', { name: 'Bring in past audits from a spreadsheet' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Bring in past audits' })).toBeVisible();
	await expectNoAxeViolations(page);

	// The template: the services and challenges filled in, the rounds and levels left to fill.
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page
			.getByRole('link', { name: /^Excel template/ })
			.first()
			.click()
	]);
	const sheets = await readXlsxFile(await download.path());
	const sheet = sheets.find((s) => s.sheet === 'Past audits');
	expect(sheets.length, 'a sheet to fill in and a sheet explaining it').toBeGreaterThanOrEqual(2);
	const cells = sheet!.data.map((row) => row.map((cell) => (cell === null ? '' : String(cell))));
	const headingRow = cells.findIndex((row) => row.includes('Round title'));
	const headings = cells[headingRow];
	expect(headings).toEqual(
		expect.arrayContaining(['Round title', 'Service', 'Challenge', 'Agreed level', 'Evidence'])
	);
	const rows = cells.slice(headingRow + 1).filter((row) => row.some((cell) => cell !== ''));
	const ashfordRows = rows.filter((row) => row[headings.indexOf('Service')] === ASHFORD);
	expect(ashfordRows, 'a row for each of Ashford’s challenges').toHaveLength(10);
	const file = { name: 'Northmoor audits 2021-22.csv', buffer: messyCsv(headings, rows) };
	const services = new Set(rows.map((row) => row[headings.indexOf('Service')])).size;

	// The messy copy: the service column is not known until it is mapped on the preview.
	await uploadFile(page, file);
	await expect(page.getByText('Nothing from it has been saved yet.')).toBeVisible();
	await expect(page.getByRole('table', { name: 'Problems to put right' })).toContainText('Service');
	await expect(page.getByRole('button', { name: /^Import/ })).toHaveCount(0);
	await expectNoAxeViolations(page);
	await page.getByLabel('Column D: “Team / ward name”').selectOption({ label: 'Service' });
	await page.getByRole('button', { name: 'Update the preview' }).click();

	// "Ashford CMHT" is close to Ashford's name: offered, never matched silently.
	await expect(
		page.getByRole('group', { name: /Is “Ashford CMHT” \(row \d+\) one of your services\?/ })
	).toBeVisible();
	await expect(page.getByRole('button', { name: /^Import/ })).toHaveCount(0);
	await page.getByLabel(`Yes, it is ${ASHFORD}`).check();
	await page.getByRole('button', { name: 'Update the preview' }).click();

	const scores = rows.length * ROUNDS.length;
	const summary = page.locator('.nhsuk-summary-list');
	await expect(summary).toContainText(/Rounds to create\s*2\b/);
	await expect(summary).toContainText(`${services} already here, 0 to add`);
	await expect(summary).toContainText(/Problems\s*None/);
	expect(counts(), 'nothing is written by the preview').toEqual(before);
	await page
		.getByRole('button', { name: `Import ${scores.toLocaleString('en-GB')} agreed levels` })
		.click();
	await expect(page.getByRole('alert')).toContainText(`${file.name} has been imported: 2 rounds`);
	const imported = counts();
	expect(imported.rounds).toBe(before.rounds + 2);
	expect(imported.services).toBe(before.services);
	expect(imported.scores).toBe(before.scores + scores);
	expect(imported.importedScores).toBe(scores);

	// The history on the organisation's and Ashford's dashboards, and where it came from.
	const base = page.url().replace(/\/imports.*$/, '');
	const tableWith = (text: string) => page.locator('table', { hasText: text }).first();
	await page.goto(`${base}/dashboard`);
	await expect(tableWith('Spring 2021 audit')).toBeAttached();
	await expect(tableWith('Spring 2022 audit')).toBeAttached();
	await page.goto(base);
	await page.getByRole('link', { name: ASHFORD }).first().click();
	await page.goto(`${page.url()}/dashboard`);
	await expect(tableWith('Spring 2021 audit')).toBeAttached();
	await expect(tableWith('Spring 2022 audit')).toBeAttached();
	await page.goto(base);
	await page.getByRole('link', { name: 'Spring 2021 audit' }).click();
	await expect(page.locator('.nhsuk-inset-text')).toContainText(`Imported from “${file.name}” by`);

	// The same file again adds nothing.
	await uploadFile(page, file);
	await makeChoices(page);
	await expect(page.getByText('Already imported')).toBeVisible();
	await expect(page.getByRole('button', { name: /^Import/ })).toHaveCount(0);
	await page.getByRole('button', { name: 'Discard this file' }).click();
	await expect(page.getByRole('alert')).toContainText('The file has been discarded');
	expect(counts()).toEqual(imported);

	// Undo takes it all out, and says so.
	await page.getByRole('link', { name: `Undo the import of ${file.name}` }).click();
	await expectNoAxeViolations(page);
	await page.getByRole('button', { name: 'Undo the import' }).click();
	await expect(page.getByRole('alert')).toContainText('has been undone');
	expect(counts()).toEqual(before);
	await page.goto(`${base}/dashboard`);
	await expect(page.locator('table', { hasText: 'Spring 2021 audit' })).toHaveCount(0);
	await expect(page.getByText('Spring 2022 audit')).toHaveCount(0);
});

test('a file that is not a spreadsheet is refused on the upload form, and nothing waits', async ({
	page
}) => {
	await signInAs(page, server.baseURL, 'organisationAdmin');
	await page.getByRole('link', { name: ORGANISATION }).click();
	await page.getByRole('link', { name: 'Bring in past audits from a spreadsheet' }).click();
	await page.getByLabel('Spreadsheet of past audits').setInputFiles({
		name: 'audits.xlsx',
		mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		buffer: Buffer.from('MZ\x90\x00\x03\x00\x00\x00 this is a program, renamed')
	});
	await page.getByRole('button', { name: 'Upload and preview' }).click();
	await expect(page).toHaveTitle(/^Error: /);
	await expect(page.locator('.nhsuk-error-summary')).toContainText('Nothing has been imported');
	await expect(page.getByText('is waiting to be checked')).toHaveCount(0);
});
