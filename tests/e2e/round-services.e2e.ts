import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { startServer, type RunningServer } from './server';
import { signInAs } from './crawl';
import { errorSummary } from './helpers';

// A service joins Northmoor's open round late, is taken out and added again; once someone has
// rated in its assessment, it can no longer be taken out. On the demo data.

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
});
test.afterAll(async () => {
	await server?.stop();
});

const ORGANISATION = 'Northmoor Mental Health NHS Foundation Trust';
const SERVICE = 'Hollybank Recovery House';
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

async function expectNoAxeViolations(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

const takeOut = (page: Page) =>
	page.getByRole('button', { name: `Take out ${SERVICE} from this round` });

test('a service is added to the open round, taken out, added again, and kept once it has ratings', async ({
	page,
	context
}) => {
	await signInAs(page, server.baseURL, 'organisationAdmin');
	await page.getByRole('link', { name: ORGANISATION }).click();

	// A new service, in an existing directorate chosen on the add-service form.
	await page.getByRole('link', { name: 'Add a service', exact: true }).click();
	await page.getByLabel('Service name').fill(SERVICE);
	await page.getByLabel('Type of service').selectOption('Rehabilitation');
	await page.getByLabel('Directorate (optional)').selectOption('Adult community services');
	await page.getByRole('button', { name: 'Add service' }).click();
	await expect(page.getByRole('heading', { level: 1, name: SERVICE })).toBeVisible();

	// It has no assessment yet; its page offers the open round.
	await expect(
		page.getByText('This service has not taken part in an open round yet.')
	).toBeVisible();
	await page.getByRole('link', { name: new RegExp(`^Add ${SERVICE} to `) }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Services taking part' })).toBeVisible();
	const servicesUrl = page.url().split('?')[0];

	await page.getByLabel('Service').selectOption(SERVICE);
	await page.getByRole('button', { name: 'Add to the round' }).click();
	await expect(
		page.getByText(`${SERVICE} has been added to the round, with its assessment`)
	).toBeVisible();
	await expect(takeOut(page)).toBeVisible();
	await expectNoAxeViolations(page);

	// Taken out while its assessment holds nothing, then added again.
	await takeOut(page).click();
	await expect(page.getByText(`${SERVICE} has been taken out of the round`)).toBeVisible();
	await expect(page.getByRole('link', { name: SERVICE })).toHaveCount(0);
	await page.getByLabel('Service').selectOption(SERVICE);
	await page.getByRole('button', { name: 'Add to the round' }).click();
	await expect(page.getByText(`${SERVICE} has been added to the round`)).toBeVisible();

	// On the round page the service's name is the link to its assessment.
	await page
		.getByRole('link', { name: /recovery audit$/ })
		.first()
		.click();
	const row = page.getByRole('row', { name: new RegExp(SERVICE) });
	await expect(row.getByRole('cell').nth(1).getByRole('link')).toHaveCount(0);
	await expect(row.getByRole('link', { name: `The assessment of ${SERVICE}` })).toHaveText(SERVICE);
	await row.getByRole('link', { name: `The assessment of ${SERVICE}` }).click();
	await expect(page.getByRole('heading', { level: 1, name: new RegExp(SERVICE) })).toBeVisible();
	const assessmentUrl = page.url().split('?')[0];

	// A second tab keeps the services page open, with its "Take out" button, from before the rating.
	const otherTab = await context.newPage();
	await otherTab.goto(servicesUrl);
	await expect(takeOut(otherTab)).toBeVisible();

	// The administrator rates one challenge in the new assessment themselves.
	await page.goto(`${assessmentUrl}/raters`);
	await page.getByLabel('Person').selectOption({ label: 'Tom Whitfield (orgadmin@demo.example)' });
	await page.getByRole('button', { name: 'Add rater' }).click();
	await expect(page.getByText('Tom Whitfield has been added as a rater.')).toBeVisible();
	await page.goto(`${assessmentUrl}/rating`);
	await page.getByLabel('Staff member', { exact: true }).check();
	await page.getByRole('button', { name: 'Save and continue' }).click();
	await page.getByLabel('2. Engagement', { exact: true }).check();
	await page.getByRole('button', { name: 'Save and continue' }).click();
	await expect(page.getByText(/^Challenge 2 of \d+$/)).toBeVisible();

	// Taking it out now is refused, with the reason, and it stays.
	await takeOut(otherTab).click();
	await expect(errorSummary(otherTab)).toContainText(
		`${SERVICE} cannot be taken out of the round: people have already given ratings in its assessment.`
	);
	await otherTab.goto(servicesUrl);
	const stays = otherTab.getByRole('row', { name: new RegExp(SERVICE) });
	await expect(stays).toContainText('Stays: people have already given ratings in its assessment');
	await expect(takeOut(otherTab)).toHaveCount(0);

	// All three changes are in the audit trail.
	await otherTab.getByRole('link', { name: ORGANISATION }).first().click();
	await otherTab.getByRole('link', { name: 'Audit trail' }).click();
	await expect(
		otherTab.getByRole('row', { name: new RegExp(`Added a service to an open round.*${SERVICE}`) })
	).toHaveCount(2);
	await expect(
		otherTab.getByRole('row', {
			name: new RegExp(`Took a service out of an open round.*${SERVICE}`)
		})
	).toHaveCount(1);
});

test('the round form lists every problem at once', async ({ page }) => {
	await signInAs(page, server.baseURL, 'organisationAdmin');
	await page.getByRole('link', { name: ORGANISATION }).click();
	await page.getByRole('link', { name: 'Create a round' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Create an audit round' })
	).toBeVisible();
	// No title, a start date that is not real, an end before it, and no service ticked.
	for (const box of await page.getByRole('checkbox').all()) await box.uncheck();
	const start = page.getByRole('group', { name: 'Start of the period' });
	await start.getByLabel('Day').fill('31');
	await start.getByLabel('Month').fill('2');
	await start.getByLabel('Year').fill('2027');
	const end = page.getByRole('group', { name: 'End of the period' });
	await end.getByLabel('Day').fill('1');
	await end.getByLabel('Month').fill('1');
	await end.getByLabel('Year').fill('2027');
	await page.getByRole('button', { name: 'Create round' }).click();

	const summary = errorSummary(page);
	await expect(summary).toContainText('Enter a title for the round');
	await expect(summary).toContainText('Enter the start date as a real date, like 1 4 2026');
	await expect(summary).toContainText('Select at least one service to take part');
	await expect(page.getByLabel('Title')).toHaveValue('');
	await expect(start.getByLabel('Day')).toHaveValue('31');
});
