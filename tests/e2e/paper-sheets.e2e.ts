import { expect, test, type Browser, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { startServer, type RunningServer } from './server';
import { openRoundAssessmentPath, signInAs } from './crawl';
import { errorSummary } from './helpers';
import type { Visitor } from '../route-rules';

// Paper rating sheets on the demo data: the service lead (Grace Okafor) prints a sheet for the
// open round's assessment of Ashford CMHT, types completed sheets in, and the agreeing page's
// spread counts them. The tests run in order on one server: each builds on the sheets before.

test.describe.configure({ mode: 'serial' });

let server: RunningServer;
let assessmentUrl: string;
const pack = JSON.parse(
	readFileSync('src/lib/server/frameworks/packs/imroc-2010.json', 'utf8')
) as { scale: { name: string }[]; challenges: { name: string; shortLabel: string }[] };

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
	assessmentUrl =
		server.baseURL +
		(await openRoundAssessmentPath(server.databasePath, 'Ashford Community Mental Health Team'));
});
test.afterAll(async () => {
	await server?.stop();
});

async function signedIn(browser: Browser, visitor: Exclude<Visitor, 'anonymous'>) {
	const page = await (await browser.newContext()).newPage();
	await signInAs(page, server.baseURL, visitor);
	return page;
}

/** The text of a PDF, page by page joined, with runs of white space made one space. */
async function pdfText(data: Buffer): Promise<string> {
	const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
	const document = await pdfjs.getDocument({ data: new Uint8Array(data), useSystemFonts: true })
		.promise;
	const pages: string[] = [];
	for (let n = 1; n <= document.numPages; n++) {
		const content = await (await document.getPage(n)).getTextContent();
		pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
	}
	return pages.join(' ').replace(/\s+/g, ' ');
}

/** One sheet typed in on the entry page: a perspective and levels by challenge position (from 1). */
async function enterSheet(
	page: Page,
	perspective: string,
	levels: Record<number, string>,
	comments: Record<number, string> = {}
) {
	await page.goto(`${assessmentUrl}/sheets/enter`);
	await page
		.getByRole('group', { name: /Perspective ticked or printed/ })
		.getByLabel(perspective, { exact: true })
		.check();
	for (const [position, level] of Object.entries(levels)) {
		const challenge = pack.challenges[Number(position) - 1];
		await page
			.getByRole('group', { name: `${position}. ${challenge.shortLabel}` })
			.getByLabel(level, { exact: true })
			.check();
	}
	for (const [position, comment] of Object.entries(comments)) {
		const challenge = pack.challenges[Number(position) - 1];
		await page.getByLabel(`Comment on ${challenge.shortLabel} (optional)`).fill(comment);
	}
	await page.getByRole('button', { name: 'Enter this sheet' }).click();
}

const firstSpread = (page: Page) =>
	page.getByRole('table', { name: /1\. Day-to-day interactions: individual ratings/ });

const medianRow = (page: Page) =>
	page.locator('.nhsuk-summary-list__row', { hasText: 'Median level' }).first();

async function openFirstSpread(page: Page) {
	await page.goto(assessmentUrl);
	await page.getByText('How people rated Day-to-day interactions').click();
}

test('a printed sheet holds every challenge and level, in type of 14 pt or more, without navigation', async ({
	browser
}) => {
	const page = await signedIn(browser, 'serviceLead');
	await page.goto(assessmentUrl);
	await page.getByRole('link', { name: 'Rating sheets to print' }).click();
	await page.getByRole('link', { name: 'Sheet for a carer, family member or supporter' }).click();
	await expect(
		page.getByRole('heading', {
			level: 1,
			name: /How well does Ashford Community Mental Health Team support recovery/
		})
	).toBeVisible();
	await expect(page.getByRole('button', { name: 'Print or save as PDF' })).toBeVisible();
	await expect(page.getByText('Do not write your name.')).toBeVisible();

	await page.emulateMedia({ media: 'print' });
	await expect(page.getByRole('button', { name: 'Print or save as PDF' })).toBeHidden();
	await expect(page.locator('.nhsuk-header')).toBeHidden();
	await expect(page.locator('.nhsuk-breadcrumb')).toBeHidden();
	// Every piece of text shown in print, and its size in CSS pixels (14 pt is 18.67 px).
	const sizes = await page.evaluate(() => {
		const found: { text: string; px: number }[] = [];
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			const text = node.textContent?.trim();
			const element = node.parentElement;
			if (!text || !element || element.closest('script, style, title')) continue;
			// Not printed: hidden, or visually hidden for screen readers (1 px, clipped).
			const box = element.getBoundingClientRect();
			if (element.getClientRects().length === 0 || box.width <= 1 || box.height <= 1) continue;
			if (getComputedStyle(element).visibility === 'hidden') continue;
			found.push({ text: text.slice(0, 40), px: parseFloat(getComputedStyle(element).fontSize) });
		}
		return found;
	});
	expect(sizes.length).toBeGreaterThan(50);
	expect(sizes.filter((s) => s.px < (14 * 96) / 72 - 0.01)).toEqual([]);

	const pdf = await page.pdf({ format: 'A4' });
	const text = await pdfText(pdf);
	for (const challenge of pack.challenges) expect(text).toContain(challenge.name);
	for (const level of pack.scale) expect(text).toContain(level.name);
	expect(text).toContain('Don’t know');
	expect(text).toContain('Carer, family member or supporter');
	expect(text).not.toContain('Sign out');

	// The blank sheet asks the person to tick their perspective.
	await page.emulateMedia({ media: 'screen' });
	await page.goto(`${assessmentUrl}/sheets?perspective=blank`);
	await expect(page.getByRole('heading', { name: 'Your perspective: tick one' })).toBeVisible();
});

test('bad sheets are refused with a clear message, what was typed kept, nothing stored', async ({
	browser
}) => {
	const page = await signedIn(browser, 'serviceLead');
	const enterUrl = `${assessmentUrl}/sheets/enter`;
	await page.goto(enterUrl);
	// No perspective: refused, the level chosen is kept.
	await page
		.getByRole('group', { name: '1. Day-to-day interactions' })
		.getByLabel('2. Engagement', { exact: true })
		.check();
	await page.getByRole('button', { name: 'Enter this sheet' }).click();
	await expect(errorSummary(page)).toContainText('Select the perspective ticked on the sheet');
	await expect(
		page
			.getByRole('group', { name: '1. Day-to-day interactions' })
			.getByLabel('2. Engagement', { exact: true })
	).toBeChecked();
	await expect(page).toHaveTitle(/^Error: /);

	// Nothing answered.
	await page.goto(enterUrl);
	await page.getByLabel('Staff member', { exact: true }).check();
	await page.getByRole('button', { name: 'Enter this sheet' }).click();
	await expect(errorSummary(page)).toContainText('Nothing on this sheet is answered');
	await expect(page.getByLabel('Staff member', { exact: true })).toBeChecked();

	// A level off the scale and a 1 MB comment, posted as a browser without JavaScript would.
	const levelName = await page
		.getByRole('group', { name: '1. Day-to-day interactions' })
		.getByLabel('1. Not yet started')
		.getAttribute('name');
	const commentName = await page
		.getByLabel('Comment on Day-to-day interactions (optional)')
		.getAttribute('name');
	const post = (form: Record<string, string>) =>
		page.request.post(`${enterUrl}?/enter`, {
			form,
			headers: { origin: server.baseURL, accept: 'text/html' },
			maxRedirects: 0
		});
	const offScale = await post({ perspective: 'staff', [levelName!]: '9' });
	expect(offScale.status()).toBe(400);
	expect(await offScale.text()).toContain('Choose a level of the scale');
	const megabyte = await post({
		perspective: 'staff',
		[levelName!]: '2',
		[commentName!]: 'x'.repeat(1024 * 1024)
	});
	expect(megabyte.status()).toBe(400);
	expect(await megabyte.text()).toContain('2,000 characters or fewer');
	const unknownPerspective = await post({ perspective: 'manager', [levelName!]: '2' });
	expect(unknownPerspective.status()).toBe(400);

	await page.goto(enterUrl);
	await expect(page.getByText('No sheets have been entered yet.')).toBeVisible();
	await openFirstSpread(page);
	await expect(
		page.getByText('Nobody has submitted a rating for this challenge yet.').first()
	).toBeVisible();
});

test('an entered sheet changes the spread on the agreeing page', async ({ browser }) => {
	const page = await signedIn(browser, 'serviceLead');
	await openFirstSpread(page);
	await expect(firstSpread(page)).toHaveCount(0);

	await enterSheet(page, 'Staff member', { 1: '2. Engagement', 2: 'Don’t know' });
	await expect(page.getByRole('heading', { name: 'Sheet 1 entered' })).toBeVisible();
	const listed = page.getByRole('row', { name: /Staff member/ });
	await expect(listed).toContainText('entered from paper by Grace Okafor');
	await expect(listed).toContainText('2 of 10 challenges');

	await openFirstSpread(page);
	await expect(firstSpread(page).getByRole('row', { name: /Staff member/ })).toHaveText(
		/Staff member\s*0\s*1\s*0\s*0\s*0/
	);
	await expect(medianRow(page)).toContainText('2. Engagement');

	await enterSheet(page, 'Staff member', { 1: '4. Transformation' });
	await expect(page.getByRole('heading', { name: 'Sheet 2 entered' })).toBeVisible();
	await openFirstSpread(page);
	await expect(firstSpread(page).getByRole('row', { name: /Staff member/ })).toHaveText(
		/Staff member\s*0\s*1\s*0\s*1\s*0/
	);
	await expect(medianRow(page)).toContainText('Between 2. Engagement and 4. Transformation');
	await expect(page.getByText('2 sheets entered from paper by Grace Okafor.')).toBeVisible();
});

test('a lone carer’s sheet is folded into other perspectives for a viewer and a rater, shown to the lead', async ({
	browser
}) => {
	const lead = await signedIn(browser, 'serviceLead');
	await enterSheet(
		lead,
		'Carer, family member or supporter',
		{ 1: '1. Not yet started' },
		{
			1: 'Nobody asked me what I thought.'
		}
	);
	await expect(lead.getByRole('heading', { name: 'Sheet 3 entered' })).toBeVisible();
	await openFirstSpread(lead);
	await expect(firstSpread(lead).getByRole('row', { name: /Carer/ })).toHaveText(
		/Carer, family member or supporter\s*1\s*0\s*0\s*0\s*0/
	);
	await expect(lead.getByText('Nobody asked me what I thought.')).toBeVisible();
	await expect(lead.getByText('Carer, family member or supporter, on paper')).toBeVisible();

	// A viewer and a rater who was not asked to rate read the agreeing page with the spread sent
	// folded: what is withheld is never sent, not merely hidden.
	for (const visitor of ['viewer', 'rater'] as const) {
		const page = await signedIn(browser, visitor);
		await page.goto(assessmentUrl);
		await expect(page.getByText('3 sheets entered from paper by Grace Okafor.')).toBeVisible();
		const data = await (await page.request.get(`${assessmentUrl}/__data.json`)).text();
		expect(data).toContain('Other perspectives');
		expect(data).not.toMatch(/"carer"|"staff"|Carer, family member|Nobody asked me/);
	}
	const leadData = await (await lead.request.get(`${assessmentUrl}/__data.json`)).text();
	expect(leadData).toMatch(/"carer"/);
});

test('a sheet entered by mistake is removed after a confirmation', async ({ browser }) => {
	const page = await signedIn(browser, 'serviceLead');
	await page.goto(`${assessmentUrl}/sheets/enter`);
	const carerRow = page.getByRole('row', { name: /Carer/ });
	await carerRow.getByRole('link', { name: /Remove/ }).click();
	await expect(page.getByRole('heading', { name: /Remove this sheet\?/ })).toBeVisible();
	await page.getByRole('button', { name: 'Remove this sheet' }).click();
	await expect(page.getByText('The sheet has been removed.')).toBeVisible();
	await expect(page.getByRole('row', { name: /Carer/ })).toHaveCount(0);
	await expect(page.getByRole('row', { name: /Staff member/ })).toHaveCount(2);
	await openFirstSpread(page);
	await expect(firstSpread(page).getByRole('row', { name: /Carer/ })).toHaveCount(0);
	await expect(page.getByText('2 sheets entered from paper by Grace Okafor.')).toBeVisible();
});
