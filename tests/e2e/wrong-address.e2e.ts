import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from './server';
import { ADMIN, createFirstAdministrator } from './helpers';

// The server is set up for http://127.0.0.1:<port> (its ORIGIN); people open it at
// http://localhost:<port>, the same server under another name. Forms must not work there, and
// people must be told where to go instead of finding that nothing happens.

let server: RunningServer;
let elsewhere: string;

test.beforeAll(async () => {
	server = await startServer();
	elsewhere = server.baseURL.replace('127.0.0.1', 'localhost');
});
test.afterAll(async () => {
	await server?.stop();
});

function accountCount(): number {
	const db = new Database(server.databasePath, { readonly: true });
	try {
		return (db.prepare('SELECT count(*) AS n FROM user').get() as { n: number }).n;
	} finally {
		db.close();
	}
}

async function expectWrongAddressPage(page: Page, path: string) {
	await expect(
		page.getByRole('heading', { level: 1, name: 'Open this service at its own address' })
	).toBeVisible();
	await expect(
		page.getByText(`This server is set up to be used at ${server.baseURL}`)
	).toBeVisible();
	await expect(page.getByRole('link', { name: server.baseURL, exact: true })).toHaveAttribute(
		'href',
		server.baseURL + path
	);
}

test('a page opened at another address says where the app is set up to be used', async ({
	page
}) => {
	const setupPath = new URL(server.setupUrl!).pathname;
	await page.goto(elsewhere + setupPath);

	await expectWrongAddressPage(page, setupPath);
	await expect(page.getByText(`You opened it at ${elsewhere}`)).toBeVisible();
	await expect(page.getByText(`set ORIGIN=${elsewhere} in its .env file`)).toBeVisible();

	await page.getByRole('link', { name: server.baseURL, exact: true }).click();
	await expect(page).toHaveURL(server.setupUrl!);
	await expect(page.getByRole('heading', { name: 'Create the first administrator' })).toBeVisible();
});

for (const javaScriptEnabled of [true, false]) {
	test(`a form sent from another address ends on that page and changes nothing (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async ({
		browser
	}) => {
		// Behind a proxy that does not pass the Host header on, opening a page at another address
		// cannot be told from opening it at the right one, so the form is shown; sending it cannot be.
		const context = await browser.newContext({
			javaScriptEnabled,
			extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.7' }
		});
		const page = await context.newPage();
		const setupPath = new URL(server.setupUrl!).pathname;
		await page.goto(elsewhere + setupPath, { waitUntil: 'networkidle' });
		await expect(
			page.getByRole('heading', { name: 'Create the first administrator' })
		).toBeVisible();
		await page.getByLabel('Full name').fill(ADMIN.name);
		await page.getByLabel('Email address').fill(ADMIN.email);
		await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
		await page.getByLabel('Confirm password').fill(ADMIN.password);
		const posted = page.waitForRequest((request) => request.method() === 'POST');
		await page.getByRole('button', { name: 'Create account' }).click();
		// Sent by use:enhance with JavaScript on, as a plain form post with it off.
		expect((await posted).headers()['x-sveltekit-action']).toBe(
			javaScriptEnabled ? 'true' : undefined
		);

		await expectWrongAddressPage(page, setupPath);
		await expect(page.getByText('What you sent has not been saved')).toBeVisible();
		expect(new URL(page.url()).origin).toBe(elsewhere);
		expect(accountCount()).toBe(0);
		await context.close();
	});
}

test('the same form at the right address works', async ({ page }) => {
	await createFirstAdministrator(page, server.setupUrl!);
	expect(accountCount()).toBe(1);
});
