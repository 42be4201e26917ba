import { expect, test, type Browser } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import { openRoundAssessmentPath, signInAs } from './crawl';
import { errorSummary } from './helpers';

// Agreeing levels on the demo data: the open round's assessment of Ashford CMHT, whose previous
// round is complete, edited by the organisation administrator and the service lead at once.

let server: RunningServer;
let assessmentUrl: string;

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
	assessmentUrl =
		server.baseURL +
		(await openRoundAssessmentPath(server.databasePath, 'Ashford Community Mental Health Team'));
});
test.afterAll(async () => {
	await server?.stop();
});

async function openAs(browser: Browser, visitor: 'organisationAdmin' | 'serviceLead') {
	const page = await (await browser.newContext()).newPage();
	await signInAs(page, server.baseURL, visitor);
	await page.goto(assessmentUrl);
	return page;
}

test('the previous round is shown for reference, and a second save of the same challenge is refused, not lost', async ({
	browser
}) => {
	const admin = await openAs(browser, 'organisationAdmin');
	const lead = await openAs(browser, 'serviceLead');
	await expect(
		admin.getByText(/In Spring 2026 recovery audit the agreed level was/).first()
	).toBeVisible();

	const riskGroup = (page: typeof admin) =>
		page.getByRole('group', { name: '6. Risk assessment and management' });
	await riskGroup(admin).getByLabel('4. Transformation').check();
	await admin
		.getByLabel('Evidence for Risk assessment and management')
		.fill('Positive risk-taking plans in every care plan sampled.');
	await admin.getByLabel('Care plans').first().check();
	await admin.getByRole('button', { name: 'Save and come back later' }).click();
	await expect(admin.getByText('Your changes have been saved')).toBeVisible();

	await riskGroup(lead).getByLabel('1. Not yet started').check();
	await lead
		.getByLabel('Evidence for Risk assessment and management')
		.fill('No one has looked at risk yet.');
	await lead.getByRole('button', { name: 'Save and come back later' }).click();

	const summary = errorSummary(lead);
	await expect(summary).toContainText('Someone else saved changes to the same challenges');
	const otherChange = lead.getByRole('listitem').filter({ hasText: 'saved by Tom Whitfield' });
	await expect(otherChange).toContainText('Risk assessment and management');
	await expect(otherChange).toContainText(
		'4. Transformation, with the evidence “Positive risk-taking plans'
	);
	await expect(riskGroup(lead).getByLabel('1. Not yet started')).toBeChecked();
	await expect(lead.getByLabel('Evidence for Risk assessment and management')).toHaveValue(
		'No one has looked at risk yet.'
	);

	// The lead has seen the other change and saves again: now their version stands.
	await lead.getByRole('button', { name: 'Save and come back later' }).click();
	await expect(lead.getByText('Your changes have been saved')).toBeVisible();
	await admin.reload();
	await expect(riskGroup(admin).getByLabel('1. Not yet started')).toBeChecked();
});

test('the team records its resources and three different priorities', async ({ browser }) => {
	const lead = await openAs(browser, 'serviceLead');
	await lead
		.getByLabel("The team's resources")
		.fill('Two peer support workers; a carer who co-runs the family group.');
	await lead.getByLabel('Priority 1').selectOption({ label: '7. User involvement' });
	await lead.getByLabel('Priority 2').selectOption({ label: '7. User involvement' });
	await lead.getByRole('button', { name: 'Save and come back later' }).click();
	await expect(errorSummary(lead)).toContainText('Priority 2 is already chosen above');

	await lead.getByLabel('Priority 2').selectOption({ label: '1. Day-to-day interactions' });
	await lead.getByLabel('Priority 3').selectOption({ label: '10. Life beyond illness' });
	await lead.getByRole('button', { name: 'Save and come back later' }).click();
	await expect(lead.getByText('Your changes have been saved')).toBeVisible();
	await expect(lead.getByLabel('Priority 1')).toHaveValue(/.+/);
	await expect(lead.getByLabel('Priority 3').locator('option:checked')).toHaveText(
		'10. Life beyond illness'
	);
	await expect(lead.getByLabel("The team's resources")).toHaveValue(/carer who co-runs/);
});
