import { expect, test, type Browser, type Page } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import { addOrganisation, addService, createFirstAdministrator, enterCodeIfAsked } from './helpers';

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer();
});
test.afterAll(async () => {
	await server?.stop();
});

async function invite(page: Page, email: string, role: string, where?: string): Promise<string> {
	await page.getByLabel('Email address').fill(email);
	await page.getByLabel('Role').selectOption({ label: role });
	if (where) await page.getByLabel('Where').selectOption({ label: where });
	await page.getByLabel(/this address is the person’s own/).check();
	await page.getByRole('button', { name: 'Create invitation' }).click();
	await expect(page.getByRole('heading', { name: `Invitation ready for ${email}` })).toBeVisible();
	return page.getByLabel('Invitation link').inputValue();
}

/** Opens an invitation link in a fresh browser, as the invited person would, and creates the account. */
async function acceptAsNewPerson(browser: Browser, link: string, name: string): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await page.goto(link);
	await page.getByLabel('Full name').fill(name);
	await page.getByLabel('Password', { exact: true }).fill('a long enough password');
	await page.getByLabel('Confirm password').fill('a long enough password');
	await page.getByRole('button', { name: 'Create account and accept' }).click();
	return page;
}

test('invitations carry each person exactly as far as their role, and removing a role works at once', async ({
	page,
	browser
}) => {
	await createFirstAdministrator(page, server.setupUrl!);
	await addOrganisation(page, 'Eastgate Community Care NHS Trust');
	const eastgateUrl = page.url();
	await addService(page, 'Harbourside CMHT', 'Community mental health team');

	await page.goto(`${server.baseURL}/organisations`);
	await addOrganisation(page, 'Northmoor Mental Health NHS Foundation Trust');
	const northmoorUrl = page.url();
	await addService(page, 'Willow Ward', 'Acute inpatient ward');
	const willowUrl = page.url();
	await page.goto(northmoorUrl);
	await addService(page, 'Ashford CMHT', 'Community mental health team');
	const ashfordUrl = page.url();

	// The administrator invites a service lead for Ashford.
	await page.goto(northmoorUrl);
	await page.getByRole('link', { name: 'People and access' }).click();
	const leadLink = await invite(
		page,
		'grace.lead@northmoor.example',
		'Service lead',
		'Ashford CMHT'
	);
	await expect(page.getByRole('row', { name: /grace\.lead@northmoor\.example/ })).toContainText(
		'Waiting'
	);

	const lead = await acceptAsNewPerson(browser, leadLink, 'Grace Okafor');
	await expect(
		lead.getByRole('heading', { level: 1, name: 'Northmoor Mental Health NHS Foundation Trust' })
	).toBeVisible();
	await expect(lead.getByRole('link', { name: 'Ashford CMHT' })).toBeVisible();
	await expect(lead.getByRole('link', { name: 'Willow Ward' })).toHaveCount(0);

	// A used link cannot be used again.
	const reused = await lead.context().request.get(leadLink);
	expect(reused.status()).toBe(410);

	// The lead invites a rater to their service.
	await lead.getByRole('link', { name: 'Ashford CMHT' }).click();
	await lead.getByRole('link', { name: 'People in this service' }).click();
	await expect(lead.getByLabel('Role').locator('option')).toHaveText([
		'Select a role',
		'Rater',
		'Viewer'
	]);
	const raterLink = await invite(lead, 'dan.rater@northmoor.example', 'Rater');

	const rater = await acceptAsNewPerson(browser, raterLink, 'Dan Evans');
	await expect(rater.getByRole('link', { name: 'Ashford CMHT' })).toBeVisible();
	await expect(rater.getByRole('link', { name: 'Willow Ward' })).toHaveCount(0);
	expect((await rater.goto(willowUrl))?.status()).toBe(404);
	expect((await rater.goto(eastgateUrl))?.status()).toBe(404);
	expect((await rater.goto(ashfordUrl))?.status()).toBe(200);
	await expect(rater.getByRole('link', { name: 'People in this service' })).toHaveCount(0);

	// A facilitator granted Northmoor sees it and not Eastgate.
	await page.goto(`${northmoorUrl}/people`);
	const facilitatorLink = await invite(
		page,
		'aisha@imroc.example',
		'Facilitator',
		'Whole organisation'
	);
	const facilitator = await acceptAsNewPerson(browser, facilitatorLink, 'Aisha Rahman');
	await expect(facilitator.getByRole('link', { name: 'Willow Ward' })).toBeVisible();
	expect((await facilitator.goto(eastgateUrl))?.status()).toBe(404);
	await facilitator.goto(`${server.baseURL}/organisations`);
	await expect(
		facilitator.getByRole('link', { name: 'Eastgate Community Care NHS Trust' })
	).toHaveCount(0);

	// Revoking the grant removes it at once.
	await page.goto(`${northmoorUrl}/people`);
	await page.getByRole('button', { name: 'Remove facilitator role of Aisha Rahman' }).click();
	await expect(page.getByRole('row', { name: /Aisha Rahman/ })).toHaveCount(0);
	expect((await facilitator.goto(northmoorUrl))?.status()).toBe(404);
	await facilitator.goto(`${server.baseURL}/organisations`);
	await expect(
		facilitator.getByText('You do not have a role in any organisation yet')
	).toBeVisible();
});

test('an invitation link that is withdrawn or made up says so plainly', async ({
	page,
	browser
}) => {
	await page.goto(`${server.baseURL}/sign-in`);
	await page.getByLabel('Email address').fill('alex.morgan@trust.example');
	await page.getByLabel('Password').fill('correct horse battery staple');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await enterCodeIfAsked(page, 'alex.morgan@trust.example');
	await page.getByRole('link', { name: 'Northmoor Mental Health NHS Foundation Trust' }).click();
	await page.getByRole('link', { name: 'People and access' }).click();
	const link = await invite(page, 'withdrawn@northmoor.example', 'Viewer', 'Whole organisation');
	await page
		.getByRole('button', { name: 'Withdraw invitation for withdrawn@northmoor.example' })
		.click();
	await expect(page.getByRole('row', { name: /withdrawn@northmoor\.example/ })).toContainText(
		'Withdrawn'
	);

	const stranger = await (await browser.newContext()).newPage();
	const withdrawn = await stranger.goto(link);
	expect(withdrawn?.status()).toBe(410);
	await expect(stranger.getByRole('heading', { level: 1 })).toContainText(
		'This invitation has been withdrawn'
	);
	const madeUp = await stranger.goto(link.replace(/[a-z0-9]{4}$/, 'zzzz'));
	expect(madeUp?.status()).toBe(404);
});
