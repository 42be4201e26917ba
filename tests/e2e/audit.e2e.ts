import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { expect, test, type Page, type PlaywrightWorkerArgs } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import { errorSummary, parseCsv, signIn } from './helpers';

// On the demo data: Tom Whitfield (orgadmin@demo.example) administers Northmoor; the service
// lead and the facilitator belong to Northmoor too, but may not read its audit trail.

let server: RunningServer;
let organisationUrl: string;

const ORGANISATION = 'Northmoor Mental Health NHS Foundation Trust';
const SERVICE = 'Audit Trail Test Peer Support Service';
const CSV_HEADER =
	'when,when_london,person,person_email,service,action,description,entity_type,entity_id,before,after';

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
	const db = new Database(server.databasePath, { readonly: true });
	const { id } = db.prepare('SELECT id FROM organisation WHERE name = ?').get(ORGANISATION) as {
		id: string;
	};
	db.close();
	organisationUrl = `${server.baseURL}/organisations/${id}`;
});
test.afterAll(async () => {
	await server?.stop();
});

/** Today, tomorrow and so on as London calendar days: [day, month, year] as typed in the boxes. */
function londonDay(offsetDays = 0): [string, string, string] {
	const parts = new Intl.DateTimeFormat('en-GB', {
		timeZone: 'Europe/London',
		day: 'numeric',
		month: 'numeric',
		year: 'numeric'
	})
		.formatToParts(new Date(Date.now() + offsetDays * 24 * 60 * 60 * 1000))
		.filter((p) => p.type !== 'literal')
		.map((p) => p.value);
	return [parts[0], parts[1], parts[2]];
}

const iso = ([day, month, year]: [string, string, string]) =>
	`${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;

async function fillDateBoxes(
	page: Page,
	legend: string,
	[day, month, year]: [string, string, string]
) {
	const group = page.getByRole('group', { name: legend, exact: true });
	await group.getByLabel('Day').fill(day);
	await group.getByLabel('Month').fill(month);
	await group.getByLabel('Year').fill(year);
}

async function signedInRequest(
	playwright: PlaywrightWorkerArgs['playwright'],
	email: string,
	password: string
) {
	const request = await playwright.request.newContext();
	const response = await request.post(`${server.baseURL}/sign-in`, {
		form: { email, password },
		headers: { origin: server.baseURL, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(response.status(), `${email} signs in`).toBe(303);
	return request;
}

test('an organisation administrator sees a change in the trail, filters it and downloads it', async ({
	page
}) => {
	await signIn(page, server.baseURL, 'orgadmin@demo.example', 'demo-orgadmin-2026');
	await page.getByRole('link', { name: ORGANISATION }).click();
	await expect(page).toHaveURL(organisationUrl);

	await page.getByRole('link', { name: 'Add a service' }).click();
	await page.getByLabel('Service name').fill(SERVICE);
	await page.getByLabel('Type of service').selectOption('Peer support service');
	await page.getByRole('button', { name: 'Add service' }).click();
	await expect(page.getByRole('heading', { level: 1, name: SERVICE })).toBeVisible();

	await page.goto(organisationUrl);
	await page.getByRole('link', { name: 'Audit trail', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Audit trail' })).toBeVisible();
	const added = page.getByRole('row').filter({ hasText: SERVICE });
	await expect(added).toHaveCount(1);
	await expect(added).toContainText('Added a service');
	await expect(added).toContainText('Tom Whitfield');

	// Nothing on the page changes or removes an event.
	await expect(page.getByRole('button', { name: /edit|delete|remove|change/i })).toHaveCount(0);
	await expect(page.getByRole('link', { name: /edit|delete|remove/i })).toHaveCount(0);

	const today = londonDay();
	await page.getByLabel('Person').selectOption({ label: 'Tom Whitfield' });
	await fillDateBoxes(page, 'From', today);
	await fillDateBoxes(page, 'To', today);
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await expect(page).toHaveURL(
		new RegExp(`/audit\\?person=[a-z0-9]+&from=${iso(today)}&to=${iso(today)}$`)
	);
	await expect(page.getByLabel('Person')).toHaveValue(/^[a-z0-9]+$/);
	await expect(page.getByRole('row').filter({ hasText: SERVICE })).toHaveCount(1);

	const table = page.getByRole('table');
	const rows = table.getByRole('row');
	const shown = await rows.evaluateAll((trs) =>
		trs
			.slice(1)
			.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? ''))
	);
	expect(shown.length).toBeGreaterThan(0);
	for (const cells of shown) expect(cells[1]).toBe('Tom Whitfield');

	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('link', { name: 'Download as CSV' }).click()
	]);
	expect(download.suggestedFilename()).toMatch(
		/^audit-trail-northmoor-mental-health-nhs-foundation-trust-\d{4}-\d{2}-\d{2}\.csv$/
	);
	const csv = parseCsv(readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, ''));
	expect(csv[0].join(',')).toBe(CSV_HEADER);
	const records = csv.slice(1);
	expect(records.map((r) => [r[2], r[4] || '–', r[6]])).toEqual(
		shown.map((cells) => [cells[1], cells[2], cells[3]])
	);
	const serviceRecord = records.find((r) => r[4] === SERVICE);
	expect(serviceRecord?.slice(2, 8)).toEqual([
		'Tom Whitfield',
		'orgadmin@demo.example',
		SERVICE,
		'service.created',
		'Added a service',
		'service'
	]);

	// A day with no events yet: the filter really narrows by date.
	await fillDateBoxes(page, 'From', londonDay(1));
	await fillDateBoxes(page, 'To', londonDay(1));
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await expect(page).toHaveURL(new RegExp(`&from=${iso(londonDay(1))}&to=${iso(londonDay(1))}$`));
	await expect(page.getByText('No events match these filters.')).toBeVisible();

	// A date that does not exist is explained, not a server error.
	await page.goto(`${organisationUrl}/audit?fromDay=31&fromMonth=2&fromYear=2026`);
	await expect(errorSummary(page)).toContainText('Enter the from date as a real date');
	await expect(page.getByRole('table')).toHaveCount(0);
});

test('the service lead, the facilitator and anyone signed out cannot read the trail', async ({
	playwright
}) => {
	const targets = [`${organisationUrl}/audit`, `${organisationUrl}/audit.csv`];
	for (const [email, password] of [
		['lead@demo.example', 'demo-lead-2026'],
		['facilitator@demo.example', 'demo-facilitator-2026']
	]) {
		const request = await signedInRequest(playwright, email, password);
		for (const target of targets) {
			const response = await request.get(target, { maxRedirects: 0 });
			expect(response.status(), `${email} ${target}`).toBe(404);
			expect(await response.text()).not.toContain('Added a service');
		}
		await request.dispose();
	}
	const anonymous = await playwright.request.newContext();
	for (const target of targets) {
		const response = await anonymous.get(target, { maxRedirects: 0 });
		expect(response.status()).toBe(303);
		expect(response.headers()['location']).toMatch(/^\/sign-in\?redirectTo=/);
	}
	const admin = await signedInRequest(playwright, 'orgadmin@demo.example', 'demo-orgadmin-2026');
	const csv = await admin.get(`${organisationUrl}/audit.csv?from=not-a-date`);
	expect(csv.status()).toBe(400);
	expect(csv.headers()['content-type']).toMatch(/^text\/plain/);
});

test('a platform administrator’s reset of an organisation administrator’s password is in both trails, with the sign-ins', async ({
	page,
	playwright
}) => {
	// Someone tries an address that has no account: the server's trail keeps only its digest.
	const stranger = await playwright.request.newContext();
	const refused = await stranger.post(`${server.baseURL}/sign-in`, {
		form: { email: 'not.an.account@elsewhere.example', password: 'guess' },
		headers: { origin: server.baseURL, accept: 'text/html' }
	});
	expect(refused.status()).toBe(400);
	await stranger.dispose();

	await signIn(page, server.baseURL, 'admin@demo.example', 'demo-admin-2026');
	await expect(page).not.toHaveURL(/\/sign-in/);
	await page.goto(`${server.baseURL}/admin/accounts`);
	await page.getByRole('button', { name: 'Issue reset link for Tom Whitfield' }).click();
	await expect(page.getByText(/link/i).first()).toBeVisible();

	await page.goto(`${server.baseURL}/organisations`);
	await page.getByRole('link', { name: 'Server audit trail' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Server audit trail' })).toBeVisible();
	const trail = page.getByRole('table');
	await expect(
		trail.getByRole('row').filter({ hasText: 'Issued a link to set a new password' })
	).toContainText('Tom Whitfield');
	await expect(trail.getByRole('row').filter({ hasText: 'Signed in' }).first()).toBeVisible();
	const refusal = trail.getByRole('row').filter({ hasText: 'A sign-in was refused' }).first();
	await expect(refusal).toContainText('address with SHA-256');
	await expect(page.getByText('not.an.account')).toHaveCount(0);

	const admin = await signedInRequest(playwright, 'orgadmin@demo.example', 'demo-orgadmin-2026');
	const csv = parseCsv(await (await admin.get(`${organisationUrl}/audit.csv`)).text());
	const reset = csv.find((r) => r[5] === 'account.password_reset_issued');
	expect(reset?.[2]).not.toBe('Tom Whitfield');
	expect(reset?.[7]).toBe('user');
	await admin.dispose();
});
