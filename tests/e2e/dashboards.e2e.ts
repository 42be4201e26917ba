import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from './server';
import { signInAs } from './crawl';
import { parseCsv } from './helpers';

// The dashboards on the demo data: the numbers in each table are checked against the database,
// the CSV against the table, a filter against the address, and access against the grants.

let server: RunningServer;
let db: Database.Database;
const NORTHMOOR = 'Northmoor Mental Health NHS Foundation Trust';
const ASHFORD = 'Ashford Community Mental Health Team';
const ROUND = 'Spring 2026 recovery audit';

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
	db = new Database(server.databasePath, { readonly: true });
});
test.afterAll(async () => {
	db?.close();
	await server?.stop();
});

const one = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).get(...params) as T;
const all = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[];

/** A table's cells as the page shows them, row by row (header cells included). */
async function tableCells(page: Page, caption: string | RegExp): Promise<string[][]> {
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

/** The CSV behind a download link, as rows of cells. */
async function csvCells(page: Page, linkName: RegExp): Promise<string[][]> {
	const href = await page
		.getByRole('link', { name: linkName })
		.getAttribute('href', { timeout: 10_000 });
	const response = await page.request.get(server.baseURL + href);
	expect(response.status()).toBe(200);
	expect(response.headers()['content-type']).toContain('text/csv');
	return parseCsv((await response.text()).replace(/^\uFEFF/, ''));
}

const blank = (cell: string) => (cell === '–none' || cell === '–' ? '' : cell);

/** The median of some levels as the dashboards write it: "2", or "2–3" between two levels. */
function medianText(levels: number[]): string {
	const sorted = [...levels].sort((a, b) => a - b);
	const low = sorted[Math.ceil(sorted.length / 2) - 1];
	const high = sorted[Math.floor(sorted.length / 2)];
	return low === high ? String(low) : `${low}–${high}`;
}

test('the service dashboard shows the agreed levels of a known round, and its CSV matches', async ({
	page
}) => {
	await signInAs(page, server.baseURL, 'serviceLead');
	const service = one<{ id: string; organisation_id: string }>(
		'SELECT id, organisation_id FROM service WHERE name = ?',
		ASHFORD
	);
	await page.goto(
		`${server.baseURL}/organisations/${service.organisation_id}/services/${service.id}`
	);
	await page.getByRole('link', { name: 'Service dashboard' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Service dashboard' })).toBeVisible();

	const expected = all<{ position: number; level: number }>(
		`SELECT c.position, s.level FROM agreed_score s JOIN assessment a ON a.id = s.assessment_id JOIN round r ON r.id = a.round_id
		 JOIN challenge c ON c.id = s.challenge_id WHERE a.service_id = ? AND r.title = ? ORDER BY c.position`,
		service.id,
		ROUND
	);
	expect(expected).toHaveLength(10);
	const trend = await tableCells(page, 'Agreed level by challenge and round');
	const roundColumn = trend[0].indexOf(ROUND);
	expect(roundColumn).toBeGreaterThan(0);
	for (const { position, level } of expected) {
		const row = trend.find((r) => r[0].startsWith(`${position}. `))!;
		expect(row[roundColumn]).toBe(String(level));
	}
	const csv = await csvCells(
		page,
		/Download this table as CSV\s*: Agreed level by challenge and round/
	);
	expect(csv.map((r) => r.map(blank))).toEqual(trend.map((r) => r.map(blank)));

	// How each perspective rated, against the agreed level: the carer's medians, and how many
	// carers gave a level, from the database.
	const gap = await tableCells(page, /Median rating by perspective against the agreed level/);
	const carerColumn = gap[0].indexOf('Carer, family member or supporter (median)');
	expect(carerColumn).toBeGreaterThan(1);
	expect(gap[0][carerColumn + 1]).toBe('Carer, family member or supporter (raters)');
	const carer = all<{ position: number; levels: string }>(
		`SELECT c.position, group_concat(g.level) AS levels FROM rating g JOIN assessment_rater ar ON ar.assessment_id = g.assessment_id AND ar.user_id = g.user_id
		 JOIN assessment a ON a.id = g.assessment_id JOIN round r ON r.id = a.round_id JOIN challenge c ON c.id = g.challenge_id
		 WHERE a.service_id = ? AND r.title = ? AND ar.perspective = 'carer' AND g.level IS NOT NULL GROUP BY c.position ORDER BY c.position`,
		service.id,
		ROUND
	);
	expect(carer).toHaveLength(10);
	for (const { position, levels } of carer) {
		const carerLevels = levels.split(',').map(Number);
		const row = gap.find((r) => r[0].startsWith(`${position}. `))!;
		expect(row[carerColumn]).toBe(medianText(carerLevels));
		expect(row[carerColumn + 1]).toBe(String(carerLevels.length));
	}
	const gapCsv = await csvCells(
		page,
		/Download this table as CSV\s*: Median rating by perspective/
	);
	expect(gapCsv.map((r) => r.map(blank))).toEqual(gap.map((r) => r.map(blank)));
});

test('the organisation dashboard: heatmap and distribution match the database, filters change the address and the numbers', async ({
	page
}) => {
	await signInAs(page, server.baseURL, 'organisationAdmin');
	const organisation = one<{ id: string }>('SELECT id FROM organisation WHERE name = ?', NORTHMOOR);
	const round = one<{ id: string }>(
		'SELECT id FROM round WHERE organisation_id = ? AND title = ?',
		organisation.id,
		ROUND
	);
	await page.goto(`${server.baseURL}/organisations/${organisation.id}`);
	await page.getByRole('link', { name: 'Organisation dashboard' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Organisation dashboard' })
	).toBeVisible();

	await page.getByLabel('Round', { exact: true }).selectOption({ label: ROUND });
	await page.getByRole('button', { name: 'Show this round' }).click();
	await expect(page).toHaveURL(new RegExp(`round=${round.id}`));
	const heatmap = await tableCells(page, `Agreed level by service and challenge, ${ROUND}`);
	const ashford = heatmap.find((r) => r[0] === ASHFORD)!;
	const ashfordLevels = all<{ level: number }>(
		`SELECT s.level FROM agreed_score s JOIN assessment a ON a.id = s.assessment_id JOIN service v ON v.id = a.service_id
		 JOIN challenge c ON c.id = s.challenge_id WHERE a.round_id = ? AND v.name = ? ORDER BY c.position`,
		round.id,
		ASHFORD
	).map((r) => r.level);
	expect(ashford.slice(1, 11).map((cell) => cell.split(':')[0])).toEqual(ashfordLevels.map(String));
	// Each service is summarised by its median level, not a mean of ordinal levels.
	expect(heatmap[0][11]).toBe('Median');
	expect(ashford[11]).toBe(medianText(ashfordLevels));

	const countsFor = (groupingId?: string) =>
		all<{ level: number; n: number }>(
			`SELECT s.level, count(*) AS n FROM agreed_score s JOIN assessment a ON a.id = s.assessment_id JOIN service v ON v.id = a.service_id
			 JOIN challenge c ON c.id = s.challenge_id
			 WHERE a.round_id = ? AND a.status = 'complete' AND c.position = 1 AND (? IS NULL OR v.grouping_id = ?) GROUP BY s.level`,
			round.id,
			groupingId ?? null,
			groupingId ?? null
		);
	const rowFor = (cells: string[][]) => cells.find((r) => r[0] === ROUND)!;
	const expectedRow = (counts: { level: number; n: number }[]) =>
		[1, 2, 3, 4].map((level) => String(counts.find((c) => c.level === level)?.n ?? 0));

	const distribution = await tableCells(
		page,
		/Services at each level of 1\. Day-to-day interactions/
	);
	expect(rowFor(distribution).slice(1, 5)).toEqual(expectedRow(countsFor()));
	const csv = await csvCells(page, /Download this table as CSV\s*: Services at each level/);
	expect(csv).toEqual(distribution);

	// Filtering by a directorate puts it in the address and narrows the counts.
	const grouping = one<{ id: string; name: string }>(
		'SELECT id, name FROM grouping WHERE organisation_id = ? ORDER BY name LIMIT 1',
		organisation.id
	);
	await page.getByLabel('Directorate', { exact: true }).selectOption({ label: grouping.name });
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await expect(page).toHaveURL(new RegExp(`grouping=${grouping.id}`));
	const filtered = await tableCells(page, /Services at each level of 1\. Day-to-day interactions/);
	expect(rowFor(filtered).slice(1, 5)).toEqual(expectedRow(countsFor(grouping.id)));
	expect(rowFor(filtered)).not.toEqual(rowFor(distribution));
	await page.goBack();
	await expect(page).not.toHaveURL(/grouping=/);

	// Sorting by a challenge is a link: highest level first.
	await page.getByRole('link', { name: '3. Recovery college, sort by this challenge' }).click();
	await expect(page).toHaveURL(/sort=recovery-college/);
	const sorted = await tableCells(page, /Agreed level by service and challenge/);
	const column = sorted.slice(1).map((r) => Number(r[3].split(':')[0]) || 0);
	expect(column).toEqual([...column].sort((a, b) => b - a));
});

test('a facilitator compares only the sites that granted access, with medians and no free text', async ({
	page
}) => {
	await signInAs(page, server.baseURL, 'facilitator');
	await page.getByRole('link', { name: 'Compare sites' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Compare sites' })).toBeVisible();
	const heatmap = await tableCells(page, /Median agreed level by site and challenge/);
	expect(
		heatmap
			.slice(1)
			.map((r) => r[0])
			.sort()
	).toEqual([NORTHMOOR, 'Riverside and Vale Partnership NHS Trust']);
	expect(await page.content()).not.toContain('Eastgate');
	expect(await page.content()).not.toContain(ASHFORD);
	// One other site is too few to compare with, and the page says why.
	await expect(
		page.getByText(/Only 1 other site has a completed round for this challenge/)
	).toBeVisible();

	const eastgate = one<{ id: string }>("SELECT id FROM organisation WHERE name LIKE 'Eastgate%'");
	await page.goto(`${server.baseURL}/sites?site=${eastgate.id}`);
	expect(await page.content()).not.toContain('Eastgate');
	const csv = await page.request.get(
		`${server.baseURL}/sites.csv?table=heatmap&site=${eastgate.id}`
	);
	expect(await csv.text()).not.toContain('Eastgate');
	const dashboard = await page.goto(`${server.baseURL}/organisations/${eastgate.id}/dashboard`);
	expect(dashboard?.status()).toBe(404);
});

test('the cross-site view says its rule, shows periods not titles, and names only the sites one belongs to', async ({
	page
}) => {
	await signInAs(page, server.baseURL, 'facilitator');
	await page.goto(`${server.baseURL}/sites`);
	await expect(
		page.getByRole('heading', { name: 'What this page shows, and to whom' })
	).toBeVisible();
	const heatmap = await tableCells(page, /Median agreed level by site and challenge/);
	expect(heatmap[0][1]).toBe('Round period');
	expect(heatmap.slice(1).map((r) => r[1])).toEqual(
		expect.arrayContaining([expect.stringMatching(/^[A-Z][a-z]+ to [A-Z][a-z]+ \d{4}$/)])
	);
	expect(await page.content()).not.toContain('recovery audit');

	// The platform administrator is an administrator of Northmoor only: the two other sites are
	// too few to show without being told apart, so they are left out, and so is the benchmark.
	const admin = await page.context().browser()!.newContext();
	const asAdmin = await admin.newPage();
	await signInAs(asAdmin, server.baseURL, 'platformAdmin');
	await asAdmin.goto(`${server.baseURL}/sites`);
	const adminHeatmap = await tableCells(asAdmin, /Median agreed level by site and challenge/);
	expect(adminHeatmap.slice(1).map((r) => r[0])).toEqual([NORTHMOOR]);
	await expect(
		asAdmin.getByText('2 other sites have a completed round but are not shown')
	).toBeVisible();
	expect(await asAdmin.content()).not.toMatch(/Riverside|Eastgate/);
	await admin.close();
});

test('a site-round with fewer than 3 completed services shows no median, on the page and in the CSV', async ({
	page
}) => {
	// Riverside's latest round is left with two completed services (the last test: it changes data).
	const writable = new Database(server.databasePath);
	const latest = writable
		.prepare(
			`SELECT r.id FROM round r JOIN organisation o ON o.id = r.organisation_id
			 WHERE o.name LIKE 'Riverside%' AND EXISTS (SELECT 1 FROM round_level_total t WHERE t.round_id = r.id)
			 ORDER BY r.period_start DESC LIMIT 1`
		)
		.get() as { id: string };
	writable
		.prepare(
			`UPDATE assessment SET status = 'in_progress' WHERE round_id = ? AND status = 'complete'
			 AND id NOT IN (SELECT id FROM assessment WHERE round_id = ? AND status = 'complete' ORDER BY id LIMIT 2)`
		)
		.run(latest.id, latest.id);
	writable.close();

	await signInAs(page, server.baseURL, 'facilitator');
	await page.goto(`${server.baseURL}/sites`);
	const heatmap = await tableCells(page, /Median agreed level by site and challenge/);
	const riverside = heatmap.find((r) => r[0].startsWith('Riverside'))!;
	expect(riverside.slice(2).every((cell) => cell === 'Too few to show')).toBe(true);
	const northmoor = heatmap.find((r) => r[0] === NORTHMOOR)!;
	expect(northmoor.slice(2).some((cell) => /^\d/.test(cell))).toBe(true);

	const csv = parseCsv(
		await (await page.request.get(`${server.baseURL}/sites.csv?table=heatmap`)).text()
	);
	const csvRow = csv.find((r) => r[0].startsWith('Riverside'))!;
	expect(csvRow.slice(2).every((cell) => cell === 'Too few to show')).toBe(true);
});
