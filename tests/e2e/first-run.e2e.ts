import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { startServer, type RunningServer } from './server';
import {
	ADMIN,
	addOrganisation,
	createFirstAdministrator,
	errorSummary,
	fillDate,
	signIn
} from './helpers';

// A fresh server, as its first administrator finds it: the checklist that takes them to a first
// round, ticked by what they do, gone once the round exists.

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer();
});
test.afterAll(async () => {
	await server?.stop();
});

const ORGANISATION = 'Northmoor Mental Health NHS Foundation Trust';
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

async function expectNoAxeViolations(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

/** A step of the checklist, found as a screen reader meets it: its link, described by its status. */
const step = (page: Page, name: string) => page.getByRole('link', { name, exact: true });
/** A step that cannot start yet has no link: its row. */
const row = (page: Page, name: string) => page.getByRole('listitem').filter({ hasText: name });

async function orgPage(page: Page) {
	await page.getByRole('link', { name: ORGANISATION }).first().click();
	await expect(
		page.getByRole('heading', { level: 1, name: ORGANISATION, exact: true })
	).toBeVisible();
}

async function inviteLead(page: Page, email: string, service: string) {
	await page.getByLabel('Email address').fill(email);
	await page.getByLabel('Role').selectOption({ label: 'Service lead' });
	await page.getByLabel('Where').selectOption({ label: service });
	await page.getByLabel(/this address is the person’s own/).check();
	await page.getByRole('button', { name: 'Create invitation' }).click();
	await expect(page.getByRole('heading', { name: `Invitation ready for ${email}` })).toBeVisible();
}

test('the first administrator follows a checklist from an empty server to a first round, ticked as they go', async ({
	page
}) => {
	expect(server.setupUrl).not.toBeNull();
	await createFirstAdministrator(page, server.setupUrl!);

	// No advice to ask for an invitation beside the button that creates the organisation.
	await expect(page.getByText(/invite you/)).toHaveCount(0);
	await expect(page.getByRole('heading', { name: 'Set up the first organisation' })).toBeVisible();
	await expect(step(page, 'Add an organisation')).toHaveAccessibleDescription(/To do$/);
	for (const later of ['Add your services', 'Invite service leads', 'Create your first round'])
		await expect(row(page, later)).toContainText('Cannot start yet');
	await expectNoAxeViolations(page);

	await addOrganisation(page, ORGANISATION);
	await expect(page.getByRole('heading', { name: 'Set up for your first round' })).toBeVisible();
	await expect(row(page, 'Add an organisation')).toContainText('Done');
	await expect(step(page, 'Add your services')).toHaveAccessibleDescription(/To do$/);
	await expect(step(page, 'Group them by directorate')).toHaveAccessibleDescription(/To do$/);
	await expect(step(page, 'Invite service leads')).toHaveAccessibleDescription(/To do$/);
	await expect(step(page, 'Create your first round')).toHaveAccessibleDescription(/To do$/);
	await expectNoAxeViolations(page);

	// Creating a round before there are services says so, and leads to adding them.
	await page.getByRole('link', { name: 'Create a round' }).click();
	await expect(page.getByText(`${ORGANISATION} has no services yet`)).toBeVisible();
	await expect(page.getByRole('button', { name: 'Create round' })).toHaveCount(0);
	await page.getByRole('link', { name: 'Add several services from a list' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Add several services' })).toBeVisible();

	await page
		.getByLabel('Services, one on each line')
		.fill(
			'Ashford CMHT, Community mental health team\n' +
				'Willow Ward, Acute inpatient ward, Inpatient\n' +
				'Bridgeford CMHT, community mental health team, Adult community\n'
		);
	await page.getByRole('button', { name: 'Preview the list' }).click();
	await expect(
		page.getByText('3 services will be added, and 2 new directorates created')
	).toBeVisible();
	await page.getByRole('button', { name: 'Add 3 services' }).click();
	await expect(page.getByText('3 services have been added')).toBeVisible();

	await expect(step(page, 'Add your services')).toHaveAccessibleDescription(
		/^3 services added\. .*Done$/
	);
	await expect(step(page, 'Group them by directorate')).toHaveAccessibleDescription(
		/^2 of 3 services in a directorate\. .*To do$/
	);

	// The one left out goes in a directorate from that directorate's page.
	await step(page, 'Group them by directorate').click();
	await page.getByRole('link', { name: 'Adult community', exact: true }).click();
	await page.getByLabel('Ashford CMHT').check();
	await page.getByRole('button', { name: 'Put in Adult community' }).click();
	await expect(page.getByText('1 service is now in Adult community')).toBeVisible();
	await orgPage(page);
	await expect(step(page, 'Group them by directorate')).toHaveAccessibleDescription(
		/^3 of 3 services in a directorate\. .*Done$/
	);

	// Leads: done once every service has one invited.
	await step(page, 'Invite service leads').click();
	await inviteLead(page, 'ashford.lead@trust.example', 'Ashford CMHT');
	await inviteLead(page, 'willow.lead@trust.example', 'Willow Ward');
	await orgPage(page);
	await expect(step(page, 'Invite service leads')).toHaveAccessibleDescription(
		/^2 of 3 services with a lead or a lead invited\. .*To do$/
	);
	await step(page, 'Invite service leads').click();
	await inviteLead(page, 'bridgeford.lead@trust.example', 'Bridgeford CMHT');
	await orgPage(page);
	await expect(step(page, 'Invite service leads')).toHaveAccessibleDescription(/Done$/);
	await expect(step(page, 'Create your first round')).toHaveAccessibleDescription(/To do$/);

	// The round: once it exists, the checklist has done its work and goes.
	await step(page, 'Create your first round').click();
	await page.getByLabel('Title').fill('Spring 2026 recovery audit');
	await fillDate(page, 'Start of the period', '1', '4', '2026');
	await fillDate(page, 'End of the period', '30', '9', '2026');
	await page.getByLabel('ImROC organisational challenges (2010) (version 1)').check();
	await page.getByRole('button', { name: 'Create round' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Spring 2026 recovery audit' })
	).toBeVisible();
	await orgPage(page);
	await expect(page.getByRole('heading', { name: 'Set up for your first round' })).toHaveCount(0);
	await expect(step(page, 'Add your services')).toHaveCount(0);
	await expect(page.getByRole('link', { name: 'Spring 2026 recovery audit' })).toBeVisible();
});

test('someone with no role is told plainly who can invite them', async ({ page, browser }) => {
	await signIn(page, server.baseURL, ADMIN.email, ADMIN.password);
	await orgPage(page);
	await page.getByRole('link', { name: 'People and access' }).click();
	await page.getByLabel('Email address').fill('sam.jones@trust.example');
	await page.getByLabel('Role').selectOption({ label: 'Viewer' });
	await page.getByLabel(/this address is the person’s own/).check();
	await page.getByRole('button', { name: 'Create invitation' }).click();
	const link = await page.getByLabel('Invitation link').inputValue();

	const sam = await (await browser.newContext()).newPage();
	await sam.goto(link);
	await sam.getByLabel('Full name').fill('Sam Jones');
	await sam.getByLabel('Password', { exact: true }).fill('a long enough password');
	await sam.getByLabel('Confirm password').fill('a long enough password');
	await sam.getByRole('button', { name: 'Create account and accept' }).click();
	await expect(
		sam.getByRole('heading', { level: 1, name: ORGANISATION, exact: true })
	).toBeVisible();

	await page.reload();
	await page.getByRole('button', { name: 'Remove viewer role of Sam Jones' }).click();
	await expect(page.getByRole('row', { name: /Sam Jones/ })).toHaveCount(0);

	await sam.goto(`${server.baseURL}/organisations`);
	await expect(
		sam.getByText('You do not have a role in any organisation yet, so there is nothing here')
	).toBeVisible();
	await expect(sam.getByText(/An administrator of your organisation can invite you/)).toBeVisible();
	await expect(sam.getByText('sam.jones@trust.example')).toBeVisible();
	await expect(sam.getByRole('link', { name: 'Add an organisation' })).toHaveCount(0);
	await expect(errorSummary(sam)).toHaveCount(0);
	await expectNoAxeViolations(sam);
});
