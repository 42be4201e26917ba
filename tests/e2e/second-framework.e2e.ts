import { expect, test, type Page } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import { signInAs } from './crawl';
import { fillDate, markComplete, parseCsv } from './helpers';

// A demo service with many ImROC rounds then completes a round on a second pack (the test pack:
// five challenges, levels 0 to 2). Each dashboard then shows that pack by default, says so, and
// offers ImROC, whose trend and movers are exactly what they were before.

const PACK_FILE = 'tests/fixtures/packs/small-three-level.json';
const PACK_NAME = 'Team culture check (test pack)';
const PACK_LABEL = `${PACK_NAME}, version 1`;
const IMROC_LABEL = 'ImROC organisational challenges (2010), version 1';
const NORTHMOOR = 'Northmoor Mental Health NHS Foundation Trust';
/** A demo service that planned nothing last round, so its next assessment has no actions to review. */
const SERVICE = 'Beech Ward (psychiatric intensive care)';
const ROUND = 'Culture check 2027';

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
});
test.afterAll(async () => {
	await server?.stop();
});

/** A table's cells as the page shows them, row by row (header cells included). */
async function cells(page: Page, caption: string | RegExp): Promise<string[][]> {
	const table = page.getByRole('table', { name: caption });
	await expect(table).toBeVisible();
	return table
		.locator('tr')
		.evaluateAll((rows) =>
			rows.map((row) =>
				[...row.querySelectorAll('th, td')].map((cell) =>
					(cell.textContent ?? '').replace(/\s+/g, ' ').trim()
				)
			)
		);
}

/** The CSV behind a table's download link. */
async function csvOf(page: Page, caption: RegExp): Promise<string[][]> {
	const href = await page
		.getByRole('link', { name: new RegExp(`Download this table as CSV\\s*: ${caption.source}`) })
		.getAttribute('href');
	const response = await page.request.get(server.baseURL + href);
	expect(response.status()).toBe(200);
	return parseCsv((await response.text()).replace(/^\uFEFF/, ''));
}

/** Chooses a framework with the page's own GET form, as a person would. */
async function showFramework(page: Page, label: string, packKey: string) {
	await page.getByLabel('Framework', { exact: true }).selectOption({ label });
	await page.getByRole('button', { name: 'Show this framework' }).click();
	await expect(page).toHaveURL(new RegExp(`framework=${packKey}`));
}

const says = (page: Page, label: string) =>
	expect(page.getByText(`Framework: ${label}.`)).toBeVisible();

/** Agrees a level for each of the test pack's challenges and marks the assessment complete. */
async function completeOnTestPack(page: Page, levels: string[]) {
	const labels = ['Welcome', 'Hope', 'Choice', 'Peer roles', 'Community'];
	for (const [i, label] of labels.entries())
		await page
			.getByRole('group', { name: `${i + 1}. ${label}` })
			.getByLabel(levels[i])
			.check();
	await markComplete(page);
	await expect(page.getByRole('table', { name: /agreed level by round/ }).first()).toBeVisible();
}

test('a round on a second framework leaves ImROC’s trend and movers as they were, and every view says which framework it shows', async ({
	page
}) => {
	await signInAs(page, server.baseURL, 'platformAdmin');
	await page.getByRole('link', { name: NORTHMOOR }).click();
	await expect(page.getByRole('heading', { level: 1, name: NORTHMOOR })).toBeVisible();
	const organisationUrl = page.url();

	// Before: the ImROC views as they stand.
	await page.getByRole('link', { name: SERVICE }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: SERVICE })).toBeVisible();
	const serviceUrl = page.url();
	await page.getByRole('link', { name: 'Service dashboard' }).click();
	await says(page, IMROC_LABEL);
	const serviceTrend = await cells(page, 'Agreed level by challenge and round');
	const serviceChanges = await cells(page, /^Challenges that moved since/);
	expect(serviceChanges.length).toBeGreaterThan(1);

	await page.goto(`${organisationUrl}/dashboard`);
	await says(page, IMROC_LABEL);
	const medians = await cells(page, 'Median agreed level by challenge and round');
	const movers = await cells(page, /^Biggest movers from/);
	expect(movers.length).toBeGreaterThan(1);

	await page.goto(`${server.baseURL}/sites`);
	await says(page, IMROC_LABEL);
	const siteTrend = await cells(page, /Median agreed level over all challenges/);

	// The test pack, and a round on it in which Beech Ward completes its assessment.
	await page.goto(`${server.baseURL}/admin/frameworks`);
	await page.getByLabel('Framework pack file (JSON or Excel workbook)').setInputFiles(PACK_FILE);
	await page.getByRole('button', { name: 'Import pack' }).click();
	await expect(page.getByRole('status')).toContainText(`${PACK_NAME} (version 1) was imported`);
	await page.goto(organisationUrl);
	await page.getByRole('link', { name: 'Create a round' }).click();
	await page.getByLabel('Title').fill(ROUND);
	await fillDate(page, 'Start of the period', '1', '1', '2027');
	await fillDate(page, 'End of the period', '30', '6', '2027');
	await page.getByLabel(`${PACK_NAME} (version 1)`).check();
	await page.getByRole('group', { name: 'One by one' }).getByLabel(SERVICE).check();
	await page.getByRole('button', { name: 'Create round' }).click();
	await page.getByRole('button', { name: 'Open round' }).click();
	await page.getByRole('link', { name: /assessment of Beech Ward/ }).click();
	await completeOnTestPack(page, [
		'2. Fully in place',
		'1. Partly in place',
		'0. Not in place',
		'1. Partly in place',
		'2. Fully in place'
	]);

	// The service dashboard shows the latest round's framework, alone.
	await page.goto(`${serviceUrl}/dashboard`);
	await says(page, PACK_LABEL);
	expect(await cells(page, `Agreed level by challenge, ${ROUND}`)).toEqual([
		['Challenge', ROUND],
		['1. Welcome', '2 Fully in place'],
		['2. Hope', '1 Partly in place'],
		['3. Choice', '0 Not in place'],
		['4. Peer roles', '1 Partly in place'],
		['5. Community', '2 Fully in place']
	]);
	expect((await cells(page, 'Agreed level by challenge and round'))[0]).toEqual([
		'Challenge',
		ROUND
	]);
	await expect(page.getByText(/first completed assessment on this framework/)).toBeVisible();

	// Choosing ImROC shows it as it was, and the chart is drawn anew for it.
	const radar = page
		.locator('figure')
		.filter({ has: page.locator('#comparison-caption') })
		.locator('canvas');
	await expect(radar).toBeVisible();
	const picture = () =>
		radar.evaluate((canvas) => {
			// A checksum of what the canvas shows: equal pictures give equal sums.
			const data = (canvas as HTMLCanvasElement).toDataURL();
			let sum = 0;
			for (let i = 0; i < data.length; i++) sum = (sum * 31 + data.charCodeAt(i)) | 0;
			return `${data.length}:${sum}`;
		});
	const packPicture = await picture();
	await showFramework(page, IMROC_LABEL, 'imroc-2010');
	await says(page, IMROC_LABEL);
	expect(await cells(page, 'Agreed level by challenge and round')).toEqual(serviceTrend);
	expect(await cells(page, /^Challenges that moved since/)).toEqual(serviceChanges);
	await expect.poll(picture).not.toBe(packPicture);
	// The download is of the framework on the page.
	const blank = (cell: string) => (cell === '–none' || cell === '–' ? '' : cell);
	expect(
		(await csvOf(page, /Agreed level by challenge and round/)).map((r) => r.map(blank))
	).toEqual(serviceTrend.map((r) => r.map(blank)));

	// The organisation dashboard likewise: the test pack by default, ImROC unchanged on request.
	await page.goto(`${organisationUrl}/dashboard`);
	await says(page, PACK_LABEL);
	await expect(page.getByRole('heading', { name: `Completion of ${ROUND}` })).toBeVisible();
	expect((await cells(page, 'Median agreed level by challenge and round'))[0]).toEqual([
		'Challenge',
		ROUND
	]);
	await expect(page.getByText('Movers need two rounds with completed assessments')).toBeVisible();
	await showFramework(page, IMROC_LABEL, 'imroc-2010');
	await says(page, IMROC_LABEL);
	expect(await cells(page, 'Median agreed level by challenge and round')).toEqual(medians);
	expect(await cells(page, /^Biggest movers from/)).toEqual(movers);
	expect(await csvOf(page, /Biggest movers from/)).toEqual(movers);
	// Other choices on the page keep the framework chosen.
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await expect(page).toHaveURL(/framework=imroc-2010/);
	await says(page, IMROC_LABEL);

	// And the cross-site view.
	await page.goto(`${server.baseURL}/sites`);
	await says(page, PACK_LABEL);
	await expect(
		page.getByRole('table', { name: /Median agreed level by site and challenge/ })
	).toContainText('5. Community');
	await showFramework(page, IMROC_LABEL, 'imroc-2010');
	await says(page, IMROC_LABEL);
	expect(await cells(page, /Median agreed level over all challenges/)).toEqual(siteTrend);
});
