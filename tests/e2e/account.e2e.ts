import { expect, test, type Browser, type Page } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import { ADMIN, addOrganisation, createFirstAdministrator, errorSummary, signIn } from './helpers';

async function newPage(browser: Browser): Promise<Page> {
	const context = await browser.newContext();
	return context.newPage();
}

async function fillNewPassword(page: Page, password: string, confirmation = password) {
	await page.getByLabel('New password', { exact: true }).fill(password);
	await page.getByLabel('Confirm new password').fill(confirmation);
}

test.describe('a person looking after their own account', () => {
	let server: RunningServer;
	test.beforeAll(async () => {
		server = await startServer();
	});
	test.afterAll(async () => {
		await server?.stop();
	});

	test('changing the password signs out their other sessions, and they can end the others themselves', async ({
		browser
	}) => {
		const NEW_PASSWORD = 'kettle lighthouse orchard violin';
		const page = await newPage(browser);
		await createFirstAdministrator(page, server.setupUrl!);
		await addOrganisation(page, 'Northmoor Mental Health NHS Foundation Trust');

		const elsewhere = await newPage(browser);
		await signIn(elsewhere, server.baseURL, ADMIN.email, ADMIN.password);
		await expect(elsewhere.getByRole('heading', { name: 'Organisations' })).toBeVisible();

		await page.goto(`${server.baseURL}/account`);
		await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
		const sessions = page.getByRole('table', { name: 'Your sessions that are still open' });
		await expect(sessions.getByRole('row')).toHaveCount(3);
		await expect(sessions.getByText('This session')).toHaveCount(1);
		await expect(page.getByText('There is 1 other session signed in')).toBeVisible();

		// A wrong current password changes nothing.
		await page.getByLabel('Current password').fill('not my password at all');
		await fillNewPassword(page, NEW_PASSWORD);
		await page.getByRole('button', { name: 'Change password' }).click();
		await expect(errorSummary(page)).toContainText('Your current password is not right');
		await expect(page).toHaveTitle(/^Error: /);
		await elsewhere.goto(`${server.baseURL}/organisations`);
		await expect(elsewhere.getByRole('heading', { name: 'Organisations' })).toBeVisible();

		// Too short and not matching.
		await page.getByLabel('Current password').fill(ADMIN.password);
		await fillNewPassword(page, 'short');
		await page.getByRole('button', { name: 'Change password' }).click();
		await expect(errorSummary(page)).toContainText('New password must be at least 12 characters');
		await page.getByLabel('Current password').fill(ADMIN.password);
		await fillNewPassword(page, NEW_PASSWORD, NEW_PASSWORD + ' typo');
		await page.getByRole('button', { name: 'Change password' }).click();
		await expect(errorSummary(page)).toContainText('The new passwords do not match');

		await page.getByLabel('Current password').fill(ADMIN.password);
		await fillNewPassword(page, NEW_PASSWORD);
		await page.getByRole('button', { name: 'Change password' }).click();
		await expect(
			page.getByText('Your password has been changed. You have been signed out everywhere else.')
		).toBeVisible();
		await expect(page.getByText('You are not signed in anywhere else.')).toBeVisible();

		// The other session ends on its next page load; only the new password signs in.
		await elsewhere.goto(`${server.baseURL}/organisations`);
		await expect(elsewhere).toHaveURL(/\/sign-in/);
		await signIn(elsewhere, server.baseURL, ADMIN.email, ADMIN.password);
		await expect(errorSummary(elsewhere)).toContainText(
			'The email address or password is not right'
		);
		await signIn(elsewhere, server.baseURL, ADMIN.email, NEW_PASSWORD);
		await expect(elsewhere.getByRole('heading', { name: 'Organisations' })).toBeVisible();

		// "Sign out everywhere else" ends that session too, and keeps this one.
		await page.goto(`${server.baseURL}/account`);
		await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
		await expect(page.getByText('You have been signed out everywhere else.')).toBeVisible();
		await elsewhere.goto(`${server.baseURL}/organisations`);
		await expect(elsewhere).toHaveURL(/\/sign-in/);

		// The header's "Sign out" ends this one.
		await page.getByRole('button', { name: 'Sign out', exact: true }).click();
		await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
		await page.goto(`${server.baseURL}/account`);
		await expect(page).toHaveURL(/\/sign-in\?redirectTo=%2Faccount/);
	});
});

test.describe('a platform administrator looking after other accounts', () => {
	test.describe.configure({ mode: 'serial' });

	const ADMIN_LOGIN = { email: 'admin@demo.example', password: 'demo-admin-2026' };
	const VIEWER = {
		name: 'Martin Lloyd',
		email: 'viewer@demo.example',
		password: 'demo-viewer-2026'
	};
	const VIEWER_NEW_PASSWORD = 'quilt marmalade harbour tandem';

	let server: RunningServer;
	test.beforeAll(async () => {
		server = await startServer({ IMROC_DEMO: '1' });
	});
	test.afterAll(async () => {
		await server?.stop();
	});

	async function adminOnAccounts(browser: Browser): Promise<Page> {
		const page = await newPage(browser);
		await signIn(page, server.baseURL, ADMIN_LOGIN.email, ADMIN_LOGIN.password);
		await expect(page.getByRole('heading', { name: 'Organisations' })).toBeVisible();
		await page.goto(`${server.baseURL}/admin/accounts`);
		await expect(page.getByRole('heading', { level: 1, name: 'Accounts' })).toBeVisible();
		return page;
	}

	async function issueLink(admin: Page, previous?: string): Promise<string> {
		await admin.getByRole('button', { name: `Issue reset link for ${VIEWER.name}` }).click();
		const field = admin.getByLabel(`Reset link for ${VIEWER.name}`);
		await expect(field).toHaveValue(/\/reset-password\/[a-z0-9]+$/);
		if (previous) await expect(field).not.toHaveValue(previous);
		return field.inputValue();
	}

	test('a person without the platform role does not get the accounts page', async ({ browser }) => {
		const viewer = await newPage(browser);
		await signIn(viewer, server.baseURL, VIEWER.email, VIEWER.password);
		await expect(viewer.getByRole('heading', { name: 'Organisations' })).toBeVisible();
		const response = await viewer.goto(`${server.baseURL}/admin/accounts`);
		expect(response?.status()).toBe(404);
	});

	test('a reset link works once, ends the old password and is replaced by a newer link', async ({
		browser
	}) => {
		const admin = await adminOnAccounts(browser);
		const viewerRow = admin.getByRole('row', { name: /viewer@demo\.example/ });
		await expect(viewerRow.getByRole('cell').nth(2)).toHaveText('No');
		await expect(viewerRow.getByRole('cell').nth(3)).toHaveText('Active');

		const viewer = await newPage(browser);
		await signIn(viewer, server.baseURL, VIEWER.email, VIEWER.password);
		await expect(viewer.getByRole('heading', { name: 'Organisations' })).toBeVisible();

		const superseded = await issueLink(admin);
		const link = await issueLink(admin, superseded);
		await expect(viewerRow).toContainText('Reset link issued');

		const stranger = await newPage(browser);
		const old = await stranger.goto(superseded);
		expect(old?.status()).toBe(410);
		await expect(stranger.getByRole('heading', { level: 1 })).toContainText(
			'A newer link has been made'
		);

		await stranger.goto(link);
		await expect(
			stranger.getByRole('heading', { level: 1, name: 'Set a new password' })
		).toBeVisible();
		await expect(stranger.getByText(VIEWER.email, { exact: true })).toBeVisible();
		await fillNewPassword(stranger, VIEWER_NEW_PASSWORD, 'something else entirely');
		await stranger.getByRole('button', { name: 'Set new password' }).click();
		await expect(errorSummary(stranger)).toContainText('The new passwords do not match');
		await expect(stranger).toHaveTitle(/^Error: /);

		await fillNewPassword(stranger, VIEWER_NEW_PASSWORD);
		await stranger.getByRole('button', { name: 'Set new password' }).click();
		await expect(stranger).toHaveURL(/\/sign-in\?reset=1$/);

		// Every session the viewer had is over.
		await viewer.reload();
		await expect(viewer).toHaveURL(/\/sign-in/);

		await signIn(stranger, server.baseURL, VIEWER.email, VIEWER.password);
		await expect(errorSummary(stranger)).toContainText(
			'The email address or password is not right'
		);
		await signIn(stranger, server.baseURL, VIEWER.email, VIEWER_NEW_PASSWORD);
		await expect(stranger.getByRole('heading', { name: 'Organisations' })).toBeVisible();

		const again = await stranger.goto(link);
		expect(again?.status()).toBe(410);
		await expect(stranger.getByRole('heading', { level: 1 })).toContainText('already been used');

		const madeUp = await stranger.goto(`${server.baseURL}/reset-password/notarealtoken`);
		expect(madeUp?.status()).toBe(404);
	});

	test('disabling an account ends its open session at once; enabling it lets the person back', async ({
		browser
	}) => {
		const viewer = await newPage(browser);
		await signIn(viewer, server.baseURL, VIEWER.email, VIEWER_NEW_PASSWORD);
		await expect(viewer.getByRole('heading', { name: 'Organisations' })).toBeVisible();

		const admin = await adminOnAccounts(browser);
		const viewerRow = admin.getByRole('row', { name: /viewer@demo\.example/ });
		await expect(viewerRow.getByRole('cell').nth(4)).not.toHaveText('0');

		// Administrators cannot disable themselves.
		const adminRow = admin.getByRole('row').filter({ hasText: '(you)' });
		await expect(adminRow).toContainText('admin@demo.example');
		await expect(adminRow).not.toContainText('orgadmin@demo.example');
		await expect(adminRow.getByRole('button', { name: /^Disable/ })).toHaveCount(0);

		await admin.getByRole('button', { name: `Disable account of ${VIEWER.name}` }).click();
		await expect(
			admin.getByText(`${VIEWER.name} can no longer sign in, and has been signed out everywhere.`)
		).toBeVisible();
		await expect(viewerRow).toContainText('Disabled');
		await expect(viewerRow.getByRole('cell').nth(4)).toHaveText('0');
		await expect(
			admin.getByRole('button', { name: `Issue reset link for ${VIEWER.name}` })
		).toHaveCount(0);

		await viewer.reload();
		await expect(viewer).toHaveURL(/\/sign-in/);
		await signIn(viewer, server.baseURL, VIEWER.email, VIEWER_NEW_PASSWORD);
		await expect(errorSummary(viewer)).toContainText('The email address or password is not right');

		await admin.getByRole('button', { name: `Enable account of ${VIEWER.name}` }).click();
		await expect(admin.getByText(`${VIEWER.name} can sign in again.`)).toBeVisible();
		await expect(viewerRow).toContainText('Active');

		await signIn(viewer, server.baseURL, VIEWER.email, VIEWER_NEW_PASSWORD);
		await expect(viewer.getByRole('heading', { name: 'Organisations' })).toBeVisible();
	});
});
