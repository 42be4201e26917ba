import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import readXlsxFile from 'read-excel-file/node';
import { startServer, type RunningServer } from './server';
import { signInAs } from './crawl';

// The Excel workbooks on the demo data: downloaded from the pages as a person would, read back,
// and compared with what the organisation dashboard shows; each download is in the audit trail.

let server: RunningServer;
let db: Database.Database;
const NORTHMOOR = 'Northmoor Mental Health NHS Foundation Trust';

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
	db = new Database(server.databasePath, { readonly: true });
});
test.afterAll(async () => {
	db?.close();
	await server?.stop();
});

const one = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).get(...params) as T;

type Cell = string | number | boolean | Date | null;

/** A table's cells as they are seen: words for screen readers left out, a dash for no value. */
async function seenCells(page: Page, caption: string | RegExp): Promise<string[][]> {
	const table = page.getByRole('table', { name: caption });
	await expect(table).toBeVisible();
	return table.locator('tr').evaluateAll((rows) =>
		rows.map((row) =>
			[...row.querySelectorAll('th, td')].map((cell) => {
				const copy = cell.cloneNode(true) as Element;
				copy.querySelectorAll('.nhsuk-u-visually-hidden').forEach((hidden) => hidden.remove());
				return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
			})
		)
	);
}

/** A workbook cell as the dashboard writes it: a dash where there is no value. */
const shown = (cell: Cell) => (cell === null || cell === '' ? '–' : String(cell));

/** Clicks a download link and reads the workbook it saves, sheet by sheet. */
async function downloadWorkbook(page: Page, link: string | RegExp) {
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('link', { name: link }).click()
	]);
	expect(download.suggestedFilename()).toMatch(/^[a-z0-9-]+\.xlsx$/);
	const sheets = await readXlsxFile((await download.path())!, { trim: false });
	return Object.fromEntries(sheets.map((s) => [s.sheet, s.data as Cell[][]]));
}

const item = (rows: Cell[][], label: string) => rows.find((r) => r[0] === label)?.[1];

test('the round workbook downloaded from the dashboard has the figures the dashboard shows', async ({
	page
}) => {
	await signInAs(page, server.baseURL, 'organisationAdmin');
	const organisation = one<{ id: string }>('SELECT id FROM organisation WHERE name = ?', NORTHMOOR);
	const base = `${server.baseURL}/organisations/${organisation.id}`;
	await page.goto(`${base}/dashboard`);
	await expect(
		page.getByRole('heading', { level: 1, name: 'Organisation dashboard' })
	).toBeVisible();

	const heading = await page.locator('h2#heatmap').textContent();
	const roundTitle = heading!.replace(/^Agreed levels by service, /, '').trim();
	const round = one<{ id: string; status: string; period_start: string }>(
		'SELECT id, status, period_start FROM round WHERE organisation_id = ? AND title = ?',
		organisation.id,
		roundTitle
	);
	const heatmap = await seenCells(page, /^Agreed level by service and challenge/);
	const medians = await seenCells(page, 'Median agreed level by challenge and round');

	const book = await downloadWorkbook(page, 'Download the round workbook (Excel)');
	expect(Object.keys(book)).toEqual(['Summary', 'Agreed levels', 'Heatmap', 'Actions', 'Method']);

	// The heatmap, row for row and cell for cell (the workbook adds a grouping and a status column).
	const [, ...heatRows] = book['Heatmap'];
	const pageRows = heatmap.slice(1).filter((r) => r.length > 1);
	expect(pageRows.length).toBeGreaterThan(0);
	expect(heatRows.map((r) => [r[0], ...r.slice(2, -1)].map(shown))).toEqual(pageRows);
	for (const row of heatRows)
		for (const level of row.slice(2, -2))
			if (level !== null) expect(typeof level, 'a level is a number').toBe('number');

	// The medians: this round's column of the dashboard's table, and the one before it.
	const summary = book['Summary'];
	expect(item(summary, 'Organisation')).toBe(NORTHMOOR);
	expect(item(summary, 'Round')).toBe(roundTitle);
	expect(item(summary, 'Period start')).toBeInstanceOf(Date);
	expect((item(summary, 'Period start') as Date).toISOString().slice(0, 10)).toBe(
		round.period_start
	);
	const column = medians[0].indexOf(roundTitle);
	expect(column).toBeGreaterThan(0);
	const start = summary.findIndex((r) => r[0] === 'Challenge number') + 1;
	const workbookMedians = summary.slice(start);
	expect(workbookMedians.map((r) => shown(r[2]))).toEqual(medians.slice(1).map((r) => r[column]));
	if (column > 1)
		expect(workbookMedians.map((r) => shown(r[5]))).toEqual(
			medians.slice(1).map((r) => r[column - 1])
		);
	if (round.status === 'open') expect(item(summary, 'Note')).toMatch(/still open/);

	// The download as the server sends it, and in the trail.
	const response = await page.request.get(`${base}/rounds/${round.id}/workbook.xlsx`);
	expect(response.status()).toBe(200);
	expect(response.headers()['content-disposition']).toMatch(/^attachment; filename=".+\.xlsx"$/);
	expect(response.headers()['cache-control']).toMatch(/\bno-store\b/);

	await page.goto(`${base}/audit`);
	const recorded = page.getByRole('row').filter({ hasText: 'Downloaded an Excel workbook' });
	await expect(recorded.filter({ hasText: `Round workbook: ${roundTitle}` }).first()).toBeVisible();
});

test('the open round’s workbook comes from its round page and says the figures may change; the history has closed rounds only', async ({
	page
}) => {
	await signInAs(page, server.baseURL, 'facilitator');
	const organisation = one<{ id: string }>('SELECT id FROM organisation WHERE name = ?', NORTHMOOR);
	const open = one<{ id: string; title: string }>(
		"SELECT id, title FROM round WHERE organisation_id = ? AND status = 'open' ORDER BY period_start DESC",
		organisation.id
	);
	const base = `${server.baseURL}/organisations/${organisation.id}`;
	await page.goto(`${base}/rounds/${open.id}`);
	const book = await downloadWorkbook(page, 'Download the round workbook (Excel)');
	expect(item(book['Summary'], 'Status')).toBe('Open');
	expect(item(book['Summary'], 'Note')).toMatch(/still open: figures may change/);
	const [agreedHead, ...agreed] = book['Agreed levels'];
	expect(agreedHead).toContain('Evidence');
	for (const row of agreed) expect(typeof row[4]).toBe('number');

	await page.goto(`${base}/dashboard`);
	const history = await downloadWorkbook(page, /Download the history of every closed round/);
	expect(Object.keys(history)).toEqual(['Rounds', 'Agreed levels', 'Medians', 'Method']);
	const roundTitles = history['Agreed levels'].slice(1).map((r) => r[0]);
	expect(roundTitles.length).toBeGreaterThan(0);
	expect(roundTitles).not.toContain(open.title);
	const closed = db
		.prepare("SELECT title FROM round WHERE organisation_id = ? AND status = 'closed'")
		.all(organisation.id) as { title: string }[];
	const listed = history['Rounds']
		.slice(1)
		.map((r) => r[0])
		.filter((t) => closed.some((c) => c.title === t));
	expect(listed.sort()).toEqual(closed.map((c) => c.title).sort());
});

test('a service lead gets no workbook link and no workbook', async ({ page }) => {
	await signInAs(page, server.baseURL, 'serviceLead');
	const organisation = one<{ id: string }>('SELECT id FROM organisation WHERE name = ?', NORTHMOOR);
	const round = one<{ id: string }>(
		'SELECT id FROM round WHERE organisation_id = ? ORDER BY period_start DESC',
		organisation.id
	);
	const base = `${server.baseURL}/organisations/${organisation.id}`;
	await page.goto(`${base}/rounds/${round.id}`);
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await expect(page.getByRole('link', { name: /round workbook/ })).toHaveCount(0);
	expect((await page.request.get(`${base}/rounds/${round.id}/workbook.xlsx`)).status()).toBe(404);
	expect((await page.request.get(`${base}/history.xlsx`)).status()).toBe(404);
});
