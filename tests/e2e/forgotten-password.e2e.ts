import { expect, test, type Page } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import { ADMIN, createFirstAdministrator, signIn } from './helpers';
import { startSmtpCatcher, type SmtpCatcher } from '../smtp-catcher';

// "Forgotten your password?" from the sign-in page: with SMTP set, a link is emailed (to a small
// SMTP server on loopback that keeps what it is sent); without it, the page says who can make one.

// Not containing the person's name, which new passwords may not.
const NEW_PASSWORD = 'a brand new password of mine';

test.describe('with email set up', () => {
	let catcher: SmtpCatcher;
	let server: RunningServer;

	test.beforeAll(async ({ browser }) => {
		catcher = await startSmtpCatcher();
		server = await startServer({ SMTP_URL: catcher.url });
		const page = await browser.newPage();
		await createFirstAdministrator(page, server.setupUrl!);
		await page.close();
	});
	test.afterAll(async () => {
		await server?.stop();
		await catcher?.stop();
	});

	async function askForLink(page: Page, email: string) {
		await page.goto(`${server.baseURL}/sign-in`, { waitUntil: 'networkidle' });
		await page.getByRole('link', { name: 'Forgotten your password?' }).click();
		await expect(
			page.getByRole('heading', { level: 1, name: 'Forgotten your password?' })
		).toBeVisible();
		await page.getByLabel('Email address').fill(email);
		await page.getByRole('button', { name: 'Email me a link' }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
		return (await page.getByRole('main').innerText()).replace(email, '<email>');
	}

	test('a link is emailed to an account’s address, the same answer is given for any other, and the link sets a new password', async ({
		page
	}) => {
		const forUnknown = await askForLink(page, 'nobody@trust.example');
		const forAccount = await askForLink(page, ADMIN.email);
		expect(forAccount).toBe(forUnknown);
		expect(forAccount).toContain('If <email> is the email address of an account here');

		// Asked for second, so once its email is here the first would have been too.
		await expect.poll(() => catcher.emails.length).toBe(1);
		const [email] = catcher.emails;
		expect(email.to).toEqual([ADMIN.email]);
		const link = email.text.match(/https?:\/\/\S+\/reset-password\/[a-z0-9]+/)?.[0];
		expect(link?.startsWith(server.baseURL)).toBe(true);

		await page.goto(link!, { waitUntil: 'networkidle' });
		await expect(page.getByRole('heading', { name: 'Set a new password' })).toBeVisible();
		await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
		await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
		await page.getByRole('button', { name: 'Set new password' }).click();
		await expect(page.getByText('Your new password has been set')).toBeVisible();
		// The person is told, so that a reset they did not make does not go unnoticed.
		await expect.poll(() => catcher.emails.length).toBe(2);
		expect(catcher.emails[1].to).toEqual([ADMIN.email]);
		expect(catcher.emails[1].text).toContain('A reset link was used to set a new password');

		await signIn(page, server.baseURL, ADMIN.email, ADMIN.password);
		await expect(page.getByText('The email address or password is not right')).toBeVisible();
		await signIn(page, server.baseURL, ADMIN.email, NEW_PASSWORD);
		await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
	});

	test('an address that is not an email address is refused, keeping what was typed', async ({
		page
	}) => {
		await page.goto(`${server.baseURL}/forgotten-password`, { waitUntil: 'networkidle' });
		await page.getByLabel('Email address').fill('alex.morgan');
		await page.getByRole('button', { name: 'Email me a link' }).click();
		await expect(page.locator('.nhsuk-error-summary')).toContainText(
			'Enter an email address in the correct format'
		);
		await expect(page.getByLabel('Email address')).toHaveValue('alex.morgan');
	});
});

test.describe('without email', () => {
	let server: RunningServer;
	test.beforeAll(async () => {
		server = await startServer();
	});
	test.afterAll(async () => {
		await server?.stop();
	});

	test('the page says who can make a link', async ({ page }) => {
		await page.goto(`${server.baseURL}/sign-in`);
		await page.getByRole('link', { name: 'Forgotten your password?' }).click();
		await expect(
			page.getByRole('heading', { level: 1, name: 'Forgotten your password?' })
		).toBeVisible();
		const main = page.getByRole('main');
		await expect(main).toContainText(
			'a platform administrator makes one for you from Manage accounts'
		);
		await expect(main).toContainText("ask your organisation's administrator");
		await expect(main).toContainText('npm run reset-password');
		await expect(page.getByLabel('Email address')).toHaveCount(0);
	});
});
