import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import {
	ADMIN,
	codeFor,
	enterSecurityCode,
	errorSummary,
	lastCodeFor,
	rememberSetupKey,
	turnOnTwoStep
} from './helpers';
import { VISITORS } from '../route-rules';

// Two-step sign-in as people meet it: an administrator made to set it up before anything else,
// signing in with a code, a code that has been used refused, recovery codes that work once; and
// on a demo server, accounts that sign in without it. Codes come from @oslojs/otp, computed from
// the setup key the page shows, as an authenticator app computes them.

async function sessionCookie(context: BrowserContext): Promise<string | undefined> {
	return (await context.cookies()).find((c) => c.name.endsWith('imroc_session'))?.value;
}

async function signInWithPassword(page: Page, baseURL: string, password = ADMIN.password) {
	await page.goto(`${baseURL}/sign-in`, { waitUntil: 'networkidle' });
	await page.getByLabel('Email address').fill(ADMIN.email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Enter your security code' })
	).toBeVisible();
}

async function signOut(page: Page) {
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
}

test.describe('two-step sign-in', () => {
	let server: RunningServer;
	test.beforeAll(async () => {
		server = await startServer();
	});
	test.afterAll(async () => {
		await server?.stop();
	});

	test('an administrator sets it up before anything else, then signs in with codes and recovery codes', async ({
		page,
		context
	}) => {
		await page.goto(server.setupUrl!, { waitUntil: 'networkidle' });
		await page.getByLabel('Full name').fill(ADMIN.name);
		await page.getByLabel('Email address').fill(ADMIN.email);
		// A common password, and one with the person's own name in it, are refused and say why.
		for (const [password, why] of [
			['1qaz2wsx3edc', 'one of the most common passwords'],
			['morgan of the north', 'must not contain your name']
		]) {
			await page.getByLabel('Password', { exact: true }).fill(password);
			await page.getByLabel('Confirm password').fill(password);
			await page.getByRole('button', { name: 'Create account' }).click();
			await expect(errorSummary(page)).toContainText(why);
		}
		await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
		await page.getByLabel('Confirm password').fill(ADMIN.password);
		await page.getByRole('button', { name: 'Create account' }).click();

		// Required of a platform administrator: every other page sends them here until it is set up.
		await expect(page.getByRole('heading', { level: 1, name: 'Two-step sign-in' })).toBeVisible();
		await expect(page.getByText('Your role needs two-step sign-in')).toBeVisible();
		await page.goto(`${server.baseURL}/organisations`);
		await expect(page).toHaveURL(/\/account\/two-step$/);
		const before = await sessionCookie(context);

		// It asks for the password again: the right code with a wrong password is refused, and a
		// wrong first code with the right one; then both right turn it on and show ten recovery codes once.
		await rememberSetupKey(page, ADMIN.email);
		await page.getByLabel('Your password').fill('not the password at all');
		await page.getByLabel('Security code').fill(await codeFor(page, ADMIN.email));
		await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
		await expect(errorSummary(page)).toContainText('Your password is not right');
		await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toHaveCount(0);
		await page.getByLabel('Your password').fill(ADMIN.password);
		await page.getByLabel('Security code').fill('000000');
		await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
		await expect(errorSummary(page)).toContainText('That code is not right');
		const recoveryCodes = await turnOnTwoStep(page, ADMIN);
		expect(recoveryCodes).toHaveLength(10);
		// Turning it on gives this browser a new session id.
		const after = await sessionCookie(context);
		expect(after).toBeTruthy();
		expect(after).not.toBe(before);
		await page.goto(`${server.baseURL}/account/two-step`);
		await expect(page.getByText('You have 10 recovery codes left')).toBeVisible();
		await expect(page.getByRole('list', { name: 'Recovery codes' })).toHaveCount(0);
		await page.goto(`${server.baseURL}/organisations`);
		await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();

		// Signing in: the password alone starts no session; the code does.
		await signOut(page);
		await signInWithPassword(page, server.baseURL);
		expect(await sessionCookie(context)).toBeFalsy();
		await page.goto(`${server.baseURL}/organisations`);
		await expect(page).toHaveURL(/\/sign-in/);
		await signInWithPassword(page, server.baseURL);
		await page.getByLabel('Security code').fill('123456');
		await page.getByRole('button', { name: 'Continue' }).click();
		await expect(errorSummary(page)).toContainText('That code is not right');
		await enterSecurityCode(page, ADMIN.email);
		await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();

		// The same code again, within its 30 seconds, is refused.
		const used = lastCodeFor(page, ADMIN.email);
		await signOut(page);
		await signInWithPassword(page, server.baseURL);
		await page.getByLabel('Security code').fill(used);
		await page.getByRole('button', { name: 'Continue' }).click();
		await expect(errorSummary(page)).toContainText('That code is not right');
		expect(await sessionCookie(context)).toBeFalsy();

		// A recovery code signs in once, and says how many are left; the second time it is refused.
		await page.getByLabel('Security code').fill(recoveryCodes[3]);
		await page.getByRole('button', { name: 'Continue' }).click();
		await expect(page.getByText('You signed in with a recovery code')).toBeVisible();
		await expect(page.getByText('You have 9 left')).toBeVisible();
		await signOut(page);
		await signInWithPassword(page, server.baseURL);
		await page.getByLabel('Security code').fill(recoveryCodes[3]);
		await page.getByRole('button', { name: 'Continue' }).click();
		await expect(errorSummary(page)).toContainText('That code is not right');
		await enterSecurityCode(page, ADMIN.email);
		await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
	});

	test('a new password gives this browser a new session id and must not be a common one', async ({
		page,
		context,
		browser
	}) => {
		await signInWithPassword(page, server.baseURL);
		await enterSecurityCode(page, ADMIN.email);
		await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
		const before = await sessionCookie(context);

		await page.goto(`${server.baseURL}/account`);
		await page.getByLabel('Current password').fill(ADMIN.password);
		await page.getByLabel('New password', { exact: true }).fill('123qweasdzxc');
		await page.getByLabel('Confirm new password').fill('123qweasdzxc');
		await page.getByRole('button', { name: 'Change password' }).click();
		await expect(errorSummary(page)).toContainText('one of the most common passwords');
		expect(await sessionCookie(context)).toBe(before);

		const NEW_PASSWORD = 'kettle lighthouse orchard violin';
		await page.getByLabel('Current password').fill(ADMIN.password);
		await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
		await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
		await page.getByRole('button', { name: 'Change password' }).click();
		await expect(page.getByText('Your password has been changed')).toBeVisible();
		const after = await sessionCookie(context);
		expect(after).toBeTruthy();
		expect(after).not.toBe(before);

		// The old id no longer signs anyone in.
		const stale = await browser.newContext();
		await stale.addCookies([{ name: 'imroc_session', value: before!, url: server.baseURL }]);
		const stalePage = await stale.newPage();
		await stalePage.goto(`${server.baseURL}/organisations`);
		await expect(stalePage).toHaveURL(/\/sign-in/);
		await stale.close();
	});
});

test.describe('a demo server', () => {
	let server: RunningServer;
	test.beforeAll(async () => {
		server = await startServer({ IMROC_DEMO: '1' });
	});
	test.afterAll(async () => {
		await server?.stop();
	});

	test('says its accounts sign in without two-step sign-in, and an administrator signs in with a password alone', async ({
		page
	}) => {
		await page.goto(`${server.baseURL}/sign-in`, { waitUntil: 'networkidle' });
		await expect(page.getByText('without two-step sign-in')).toBeVisible();
		await page.getByLabel('Email address').fill(VISITORS.platformAdmin.email);
		await page.getByLabel('Password').fill(VISITORS.platformAdmin.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
	});

	test('signing in ends the session this browser already had, under a new id', async ({
		page,
		context
	}) => {
		const signInAs = async (who: keyof typeof VISITORS) => {
			await page.goto(`${server.baseURL}/sign-in`, { waitUntil: 'networkidle' });
			await page.getByLabel('Email address').fill(VISITORS[who].email);
			await page.getByLabel('Password').fill(VISITORS[who].password);
			await page.getByRole('button', { name: 'Sign in' }).click();
			await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
		};
		await signInAs('viewer');
		const first = await sessionCookie(context);
		// Posted straight to the sign-in form (the page itself sends a signed-in visitor on).
		const response = await page.request.post(`${server.baseURL}/sign-in`, {
			form: VISITORS.rater,
			headers: { origin: server.baseURL, accept: 'text/html' },
			maxRedirects: 0
		});
		expect(response.status()).toBe(303);
		const second = await sessionCookie(context);
		expect(second).toBeTruthy();
		expect(second).not.toBe(first);
		const stale = await page.request.get(`${server.baseURL}/organisations`, {
			headers: { cookie: `imroc_session=${first}` },
			maxRedirects: 0
		});
		expect(stale.headers()['location']).toMatch(/^\/sign-in/);
	});

	test('the place to return to is only ever a path on this site, and odd characters in it break nothing', async ({
		playwright
	}) => {
		// As they would appear in a link: the query string exactly as sent.
		for (const [query, expected] of [
			['/%09/evil.example', '/organisations'],
			['/%0A/evil.example', '/organisations'],
			['/%5Cevil.example', '/organisations'],
			['%2F%2Fevil.example', '/organisations'],
			['/.//evil.example', '/organisations'],
			['/%2509/evil.example', '/%09/evil.example'],
			['/a%00b%07', '/a%00b'],
			['/account%0D%0ASet-Cookie:%20x=1', '/accountSet-Cookie:%20x=1']
		]) {
			const request = await playwright.request.newContext();
			const response = await request.post(`${server.baseURL}/sign-in?redirectTo=${query}`, {
				form: VISITORS.viewer,
				headers: { origin: server.baseURL, accept: 'text/html' },
				maxRedirects: 0
			});
			expect(response.status(), query).toBe(303);
			expect(response.headers()['location'], query).toBe(expected);
			expect(response.headers()['set-cookie'] ?? '').not.toMatch(/(^|\n)x=1/);
			await request.dispose();
		}
	});

	test('an organisation administrator can try two-step sign-in on the demo, which still lets them in with a password', async ({
		page
	}) => {
		await page.goto(`${server.baseURL}/sign-in`, { waitUntil: 'networkidle' });
		await page.getByLabel('Email address').fill(VISITORS.organisationAdmin.email);
		await page.getByLabel('Password').fill(VISITORS.organisationAdmin.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
		await page.goto(`${server.baseURL}/account`);
		await page.getByRole('link', { name: 'Set up two-step sign-in' }).click();
		await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
		await expect(page.getByText('This is a demo server')).toBeVisible();
		expect(await turnOnTwoStep(page, VISITORS.organisationAdmin)).toHaveLength(10);
		await signOut(page);
		await page.getByLabel('Email address').fill(VISITORS.organisationAdmin.email);
		await page.getByLabel('Password').fill(VISITORS.organisationAdmin.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
	});
});
