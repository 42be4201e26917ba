import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from './server';
import { signInAs } from './crawl';
import type { Visitor } from '../route-rules';

// The board report on the demo data, printed to PDF by Chromium as "Print → Save as PDF" would:
// its sections, its length, its numbers against the organisation dashboard, "Draft" on every page
// while the round is open and on none once it is closed. Then the service report.

test.describe.configure({ mode: 'serial' });

let server: RunningServer;
let db: Database.Database;
const NORTHMOOR = 'Northmoor Mental Health NHS Foundation Trust';
const OPEN_ROUND = 'Autumn 2026 recovery audit';
const CLOSED_ROUND = 'Spring 2026 recovery audit';
const SECTIONS = [
	'Summary',
	'Agreed levels by service',
	'Services at each level over time',
	'Biggest movers',
	'Top priorities across services',
	'Improvement actions',
	'Method'
];
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
	db = new Database(server.databasePath, { readonly: true });
});
test.afterAll(async () => {
	db?.close();
	await server?.stop();
});

const one = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).get(...params) as T;

async function signedIn(browser: Browser, visitor: Exclude<Visitor, 'anonymous'>) {
	const page = await (await browser.newContext()).newPage();
	await signInAs(page, server.baseURL, visitor);
	return page;
}

/** Each page of a PDF as text, runs of white space made one space. */
async function pdfPages(data: Buffer): Promise<string[]> {
	const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
	const document = await pdfjs.getDocument({ data: new Uint8Array(data), useSystemFonts: true })
		.promise;
	const pages: string[] = [];
	for (let n = 1; n <= document.numPages; n++) {
		const content = await (await document.getPage(n)).getTextContent();
		pages.push(
			content.items
				.map((item) => ('str' in item ? item.str : ''))
				.join(' ')
				.replace(/\s+/g, ' ')
		);
	}
	return pages;
}

/** The page printed on A4, as the browser's print dialogue would, charts redrawn for paper. */
async function printed(page: Page, { scripts = true } = {}): Promise<string[]> {
	await page.emulateMedia({ media: 'print' });
	// The charts redraw on the change to print media, in the next frame.
	if (scripts)
		await page.evaluate(
			() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
		);
	const pdf = await page.pdf({ format: 'A4' });
	await test.info().attach('printed.pdf', { body: pdf, contentType: 'application/pdf' });
	await page.emulateMedia({ media: 'screen' });
	return pdfPages(pdf);
}

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

async function expectNoAxeViolations(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

test('the board report of the open round prints as a draft, with the dashboard’s numbers', async ({
	browser
}) => {
	const page = await signedIn(browser, 'viewer');
	const organisationId = one<{ id: string }>(
		'select id from organisation where name = ?',
		NORTHMOOR
	).id;
	await page.goto(`${server.baseURL}/organisations/${organisationId}/dashboard`);
	const completion = await tableCells(page, `Where services are in ${OPEN_ROUND}`);
	const complete = completion.find((row) => row[0] === 'Complete')![1];
	const takingPart = completion.slice(1).reduce((n, row) => n + Number(row[1]), 0);
	const medians = await tableCells(page, 'Median agreed level by challenge and round');
	const roundColumn = medians[0].indexOf(OPEN_ROUND);
	expect(roundColumn).toBe(medians[0].length - 1);

	await page.getByRole('link', { name: `Board report for ${OPEN_ROUND}` }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: `Board report: ${OPEN_ROUND}` })
	).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Important: Draft' })).toBeVisible();
	await expect(page.getByText(`${complete} of ${takingPart}`, { exact: true })).toBeVisible();
	const reportMedians = await tableCells(page, 'Median agreed level by challenge');
	expect(reportMedians[0]).toEqual([
		'Challenge',
		medians[0][roundColumn - 1],
		OPEN_ROUND,
		'Change'
	]);
	expect(reportMedians.slice(1).map((row) => row.slice(0, 3))).toEqual(
		medians.slice(1).map((row) => [row[0], row[roundColumn - 1], row[roundColumn]])
	);
	await expectNoAxeViolations(page);

	const pages = await printed(page);
	expect(pages.length).toBeGreaterThanOrEqual(6);
	expect(pages.length).toBeLessThanOrEqual(16);
	pages.forEach((text, i) => {
		expect(text, `page ${i + 1}`).toContain('DRAFT');
		expect(text, `page ${i + 1}`).toContain(NORTHMOOR);
		expect(text, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages.length}`);
	});
	const whole = pages.join(' ');
	// Each section that starts a page starts it; the others appear in order.
	let from = 0;
	for (const section of SECTIONS) {
		const at = whole.indexOf(section, from);
		expect(at, section).toBeGreaterThanOrEqual(0);
		from = at;
	}
	for (const section of ['Agreed levels by service', 'Improvement actions', 'Method'])
		expect(
			pages.some((text) => text.replace(/^.*?Page \d+ of \d+ /, '').startsWith(section)),
			`${section} starts a page`
		).toBe(true);
	expect(whole).toContain(`${complete} of ${takingPart}`);
	for (const row of medians.slice(1))
		expect(whole).toContain(`${row[0]} ${row[roundColumn - 1]} ${row[roundColumn]}`);
	expect(whole).not.toContain('Sign out');
	expect(whole).not.toContain('Accessibility statement');
	// The key for the board status is printed with the table.
	for (const status of ['Delivered', 'On track', 'Some issues', 'Not on track'])
		expect(whole).toContain(status);

	const recorded = one<{ n: number }>(
		"select count(*) as n from audit_event where action = 'export.report' and entity_id = (select id from round where title = ? and organisation_id = ?)",
		OPEN_ROUND,
		organisationId
	).n;
	expect(recorded).toBeGreaterThanOrEqual(1);
});

test('the board report of a closed round says draft on no page', async ({ browser }) => {
	const page = await signedIn(browser, 'organisationAdmin');
	const round = one<{ id: string; organisationId: string }>(
		`select r.id, r.organisation_id as organisationId from round r
		 join organisation o on o.id = r.organisation_id where o.name = ? and r.title = ?`,
		NORTHMOOR,
		CLOSED_ROUND
	);
	await page.goto(`${server.baseURL}/organisations/${round.organisationId}/rounds/${round.id}`);
	await page.getByRole('link', { name: 'Board report for this round' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: `Board report: ${CLOSED_ROUND}` })
	).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Important: Draft' })).toHaveCount(0);
	const pages = await printed(page);
	expect(pages.length).toBeGreaterThanOrEqual(6);
	for (const text of pages) {
		expect(text).not.toMatch(/draft/i);
		expect(text).toContain(CLOSED_ROUND);
	}
});

test('without JavaScript the report still has every chart’s numbers', async ({ browser }) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await signInAs(page, server.baseURL, 'viewer');
	const round = one<{ id: string; organisationId: string }>(
		`select r.id, r.organisation_id as organisationId from round r
		 join organisation o on o.id = r.organisation_id where o.name = ? and r.title = ?`,
		NORTHMOOR,
		CLOSED_ROUND
	);
	await page.goto(
		`${server.baseURL}/organisations/${round.organisationId}/rounds/${round.id}/report`
	);
	const levels = await tableCells(page, 'Services at each level, by challenge and round');
	expect(levels.length).toBeGreaterThan(10);
	const pages = await printed(page, { scripts: false });
	expect(pages[0]).toContain('Page 1 of');
	expect(pages.join(' ')).toContain('Services at each level, by challenge and round');
});

test('the service report prints on one or two pages, with the service dashboard’s levels', async ({
	browser
}) => {
	const page = await signedIn(browser, 'serviceLead');
	const ashford = one<{ id: string; organisationId: string }>(
		"select id, organisation_id as organisationId from service where name = 'Ashford Community Mental Health Team'"
	);
	await page.goto(
		`${server.baseURL}/organisations/${ashford.organisationId}/services/${ashford.id}/dashboard`
	);
	const comparison = await tableCells(page, /^Agreed level by challenge, /);
	await page.getByRole('link', { name: 'Service report' }).click();
	await expect(page.getByRole('heading', { level: 1, name: /^Service report: / })).toBeVisible();
	const levels = await tableCells(page, /^Agreed level by challenge, /);
	expect(levels.slice(1).map((row) => row.slice(0, 3))).toEqual(
		comparison.slice(1).map((row) => [row[0], row[2], row[1]])
	);
	await expectNoAxeViolations(page);
	const pages = await printed(page);
	expect(pages.length).toBeGreaterThanOrEqual(1);
	expect(pages.length).toBeLessThanOrEqual(2);
	const whole = pages.join(' ');
	for (const section of [
		'Agreed levels',
		'What the team does well',
		'Priorities and their actions',
		'How each perspective rated'
	])
		expect(whole).toContain(section);
	pages.forEach((text, i) => expect(text).toContain(`Page ${i + 1} of ${pages.length}`));
});
