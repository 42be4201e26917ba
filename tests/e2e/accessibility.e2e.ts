import { expect, test } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { startServer, type RunningServer } from './server';
import { crawl, pageKind, signInAs } from './crawl';
import { VISITORS, type Visitor } from '../route-rules';
import { startSmtpCatcher } from '../smtp-catcher';
import { ADMIN, errorSummary, turnOnTwoStep } from './helpers';

// Signs in as each demo role, follows the app's own links, and checks every kind of page the
// role can reach with axe-core against WCAG 2.0, 2.1 and 2.2 A and AA.

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
});
test.afterAll(async () => {
	await server?.stop();
});

const visitors: Visitor[] = [
	'anonymous',
	...(Object.keys(VISITORS) as Exclude<Visitor, 'anonymous'>[])
];

for (const visitor of visitors) {
	test(`every kind of page the ${visitor} can reach meets WCAG 2.2 AA`, async ({ page }) => {
		if (visitor !== 'anonymous') await signInAs(page, server.baseURL, visitor);
		const violations: string[] = [];
		const checked = await crawl(
			page,
			server.baseURL,
			visitor === 'anonymous' ? '/sign-in' : '/organisations',
			async (path) => {
				const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
				for (const violation of results.violations) {
					const where = violation.nodes
						.map((n) => n.target.join(' '))
						.slice(0, 3)
						.join(', ');
					violations.push(
						`${path}: ${violation.id} (${violation.impact}) ${violation.help} — ${where}`
					);
				}
			}
		);
		test.info().annotations.push({
			type: 'pages checked',
			description: [...new Set(checked.map(pageKind))].join(', ')
		});
		console.log(
			`${visitor}: ${checked.length} pages of ${new Set(checked.map(pageKind)).size} kinds`
		);
		expect(checked.length).toBeGreaterThan(visitor === 'anonymous' ? 1 : 4);
		expect(violations).toEqual([]);
	});
}

// Pages no link on the demo server leads to: asking for a reset link by email (the demo server
// sends none) and its answer, two-step sign-in as an administrator must set it up and then use it
// (the demo's accounts are exempt), and the page for the app opened at another address.
test('the pages of a server that sends email, and of another address, meet WCAG 2.2 AA', async ({
	page
}) => {
	const catcher = await startSmtpCatcher();
	const emailing = await startServer({ SMTP_URL: catcher.url });
	const violations: string[] = [];
	async function check(where: string) {
		const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
		for (const violation of results.violations) {
			violations.push(`${where}: ${violation.id} (${violation.impact}) ${violation.help}`);
		}
	}
	try {
		const send = page.getByRole('button', { name: 'Email me a link' });
		await page.goto(`${emailing.baseURL}/forgotten-password`, { waitUntil: 'networkidle' });
		await check('forgotten password');
		await send.click();
		await expect(page.locator('.nhsuk-error-summary')).toBeVisible();
		await check('forgotten password, refused');
		await page.getByLabel('Email address').fill('someone@trust.example');
		await send.click();
		await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
		await check('check your email');

		await page.goto(emailing.setupUrl!, { waitUntil: 'networkidle' });
		await page.getByLabel('Full name').fill(ADMIN.name);
		await page.getByLabel('Email address').fill(ADMIN.email);
		await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
		await page.getByLabel('Confirm password').fill(ADMIN.password);
		await page.getByRole('button', { name: 'Create account' }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'Two-step sign-in' })).toBeVisible();
		await check('two-step sign-in, to set up');
		await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
		await expect(errorSummary(page)).toBeVisible();
		await check('two-step sign-in, refused');
		await turnOnTwoStep(page, ADMIN.email);
		await check('recovery codes');
		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.getByLabel('Email address').fill(ADMIN.email);
		await page.getByLabel('Password').fill(ADMIN.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(
			page.getByRole('heading', { level: 1, name: 'Enter your security code' })
		).toBeVisible();
		await check('security code');
		await page.getByRole('button', { name: 'Continue' }).click();
		await expect(errorSummary(page)).toBeVisible();
		await check('security code, refused');

		await page.goto(`${emailing.baseURL.replace('127.0.0.1', 'localhost')}/sign-in`);
		await expect(
			page.getByRole('heading', { name: 'Open this service at its own address' })
		).toBeVisible();
		await check('wrong address');
	} finally {
		await emailing.stop();
		await catcher.stop();
	}
	expect(violations).toEqual([]);
});
