import { expect, test, type Page } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import {
	ADMIN,
	addOrganisation,
	addService,
	createAndOpenRound,
	createFirstAdministrator,
	enterCodeIfAsked,
	errorSummary,
	expectErrorSummaryFocused,
	fillDate,
	signIn
} from './helpers';

let server: RunningServer;
let assessmentUrl: string;
let organisationUrl: string;

test.beforeAll(async ({ browser }) => {
	server = await startServer();
	const page = await browser.newPage();
	await createFirstAdministrator(page, server.setupUrl!);
	await addOrganisation(page, 'Riverside Partnership NHS Trust');
	organisationUrl = page.url();
	expect(organisationUrl).toMatch(/\/organisations\/[a-z0-9]+$/);
	await addService(page, 'Willow Ward', 'Acute inpatient ward');
	await page.goto(organisationUrl);
	await createAndOpenRound(
		page,
		'Spring 2026 recovery audit',
		['1', '1', '2026'],
		['30', '6', '2026']
	);
	await page.getByRole('link', { name: /assessment of Willow Ward/ }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: /Willow Ward: agreed levels/ })
	).toBeVisible();
	assessmentUrl = page.url();
	await page.close();
});
test.afterAll(async () => {
	await server?.stop();
});

async function signedIn(page: Page) {
	await signIn(page, server.baseURL, ADMIN.email, ADMIN.password);
	await expect(page.getByRole('heading', { name: 'Organisations' })).toBeVisible();
}

test('a form sent back with errors keeps what was typed and focuses the error summary', async ({
	page
}) => {
	await signedIn(page);
	await page.goto(organisationUrl);
	await page.getByRole('link', { name: 'Create a round' }).click();
	await page.getByLabel('Title').fill('Autumn 2026 recovery audit');
	await fillDate(page, 'Start of the period', '31', '2', '2026');
	await fillDate(page, 'End of the period', '1', '1', '2026');
	await page.getByRole('button', { name: 'Create round' }).click();

	const summary = errorSummary(page);
	await expectErrorSummaryFocused(page);
	await expect(summary).toContainText('Enter the start date as a real date');
	await expect(page.getByLabel('Title')).toHaveValue('Autumn 2026 recovery audit');
	await summary.getByRole('link', { name: /start date/ }).click();
	await expect(
		page.getByRole('group', { name: 'Start of the period' }).getByLabel('Day')
	).toBeFocused();
	await expect(page).toHaveTitle(/^Error: /);
});

test.describe('with JavaScript off', () => {
	test.use({ javaScriptEnabled: false });

	test('forms still work and keep what was typed', async ({ page }) => {
		await signedIn(page);
		await page.getByRole('link', { name: 'Add an organisation' }).click();
		await page.getByLabel('ODS code (optional)').fill('R-X1');
		await page.getByRole('button', { name: 'Add organisation' }).click();
		await expect(errorSummary(page)).toContainText('Enter the organisation name');
		await expect(errorSummary(page)).toContainText(
			'ODS code must contain only letters and numbers'
		);
		await expect(page.getByLabel('ODS code (optional)')).toHaveValue('R-X1');

		await page.goto(assessmentUrl);
		await page
			.getByRole('group', { name: '1. Day-to-day interactions' })
			.getByLabel('3. Development')
			.check();
		await page
			.getByLabel('Evidence for Recovery college')
			.fill('Two courses co-delivered this term.');
		await page.getByRole('button', { name: 'Save and continue to mark complete' }).click();
		const summary = errorSummary(page);
		await expect(summary).toContainText(
			'Agree a level for every challenge before marking the assessment complete'
		);
		await expect(summary.getByRole('link')).toHaveCount(9);
		await expect(
			page.getByRole('group', { name: '1. Day-to-day interactions' }).getByLabel('3. Development')
		).toBeChecked();
		await expect(page.getByLabel('Evidence for Recovery college')).toHaveValue(
			'Two courses co-delivered this term.'
		);

		// Nothing was half-written by the refused completion.
		await page.goto(assessmentUrl);
		await expect(
			page.getByRole('group', { name: '1. Day-to-day interactions' }).getByLabel('3. Development')
		).not.toBeChecked();
	});
});

test('tampered posts get a clear 4xx and change nothing, never a 500', async ({ page }) => {
	await signedIn(page);
	await page.goto(assessmentUrl);
	const levelName = await page
		.getByRole('group', { name: '1. Day-to-day interactions' })
		.getByLabel('1. Not yet started')
		.getAttribute('name');
	const evidenceName = await page
		.getByLabel('Evidence for Day-to-day interactions')
		.getAttribute('name');
	// Posted as a browser posts a form without JavaScript (SvelteKit answers other clients in JSON).
	const post = (path: string, form: Record<string, string>) =>
		page.request.post(path, {
			form,
			headers: { origin: server.baseURL, accept: 'text/html' },
			maxRedirects: 0
		});

	const offScale = await post(`${assessmentUrl}?/save`, { [levelName!]: '9' });
	expect(offScale.status()).toBe(400);

	const megabyte = await post(`${assessmentUrl}?/save`, {
		[evidenceName!]: 'x'.repeat(1024 * 1024)
	});
	expect(megabyte.status()).toBe(400);
	expect(await megabyte.text()).toContain('characters or fewer');

	const otherOrigin = await page.request.post(`${assessmentUrl}?/save`, {
		form: { [levelName!]: '2' },
		headers: { origin: 'http://elsewhere.example', accept: 'text/html' },
		maxRedirects: 0
	});
	expect(otherOrigin.status()).toBe(403);

	const unknownAssessment = await post(
		`${assessmentUrl.replace(/[^/]+$/, 'nosuchassessment')}?/save`,
		{ [levelName!]: '2' }
	);
	expect(unknownAssessment.status()).toBe(404);

	const unknownOrganisation = await page.request.get(
		`${server.baseURL}/organisations/nosuchorganisation`
	);
	expect(unknownOrganisation.status()).toBe(404);

	const badService = await post(`${organisationUrl}/services/new`, {
		name: 'X',
		type: 'Not a real type'
	});
	expect(badService.status()).toBe(400);

	await page.goto(assessmentUrl);
	await expect(
		page.getByRole('group', { name: '1. Day-to-day interactions' }).getByLabel('1. Not yet started')
	).not.toBeChecked();
	await expect(page.getByLabel('Evidence for Day-to-day interactions')).toHaveValue('');
});

test('an agreeing form with a tampered revision is refused with everything typed kept', async ({
	page
}) => {
	await signedIn(page);
	await page.goto(assessmentUrl);
	const first = page.getByRole('group', { name: '1. Day-to-day interactions' });
	await first.getByLabel('2. Engagement').check();
	await page
		.getByLabel('Evidence for Day-to-day interactions')
		.fill('Typed in the meeting, kept whatever happens.');
	const revision = page.locator('input[type=hidden][name^="revision-"]').first();
	await revision.evaluate((input) => ((input as HTMLInputElement).value = '7'));
	await page.getByRole('button', { name: 'Save and come back later' }).click();

	const summary = errorSummary(page);
	await expect(summary).toContainText('This form did not match the saved assessment');
	await expect(first.getByLabel('2. Engagement')).toBeChecked();
	await expect(page.getByLabel('Evidence for Day-to-day interactions')).toHaveValue(
		'Typed in the meeting, kept whatever happens.'
	);

	// Saving again from the form as it now stands goes through.
	await page.getByRole('button', { name: 'Save and come back later' }).click();
	await expect(page.getByText('Your changes have been saved')).toBeVisible();
	await expect(first.getByLabel('2. Engagement')).toBeChecked();
});

test('signed-out visitors are sent to sign in, and come back afterwards', async ({ page }) => {
	await page.goto(assessmentUrl);
	await expect(page).toHaveURL(/\/sign-in\?redirectTo=/);
	await page.getByLabel('Email address').fill(ADMIN.email);
	await page.getByLabel('Password').fill(ADMIN.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await enterCodeIfAsked(page, ADMIN.email);
	await expect(page).toHaveURL(assessmentUrl);
});
