import { expect, test, type Page } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import {
	ADMIN,
	addOrganisation,
	addService,
	createFirstAdministrator,
	errorSummary,
	fillDate,
	signIn
} from './helpers';

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer();
});
test.afterAll(async () => {
	await server?.stop();
});

const ORGANISATION = 'Northmoor Mental Health NHS Foundation Trust';
const REASON = 'Oak Ward’s team meeting moved to next month';

/** A London calendar day counted from today, as typed in the boxes: [day, month, year]. */
function londonDay(offsetDays = 0): [string, string, string] {
	const parts = new Intl.DateTimeFormat('en-GB', {
		timeZone: 'Europe/London',
		day: 'numeric',
		month: 'numeric',
		year: 'numeric'
	}).formatToParts(new Date());
	const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
	const day = new Date(Date.UTC(part('year'), part('month') - 1, part('day') + offsetDays));
	return [String(day.getUTCDate()), String(day.getUTCMonth() + 1), String(day.getUTCFullYear())];
}

async function addServiceIn(
	page: Page,
	organisationUrl: string,
	name: string,
	type: string,
	grouping: string
) {
	await page.goto(organisationUrl);
	await page.getByRole('link', { name: 'Add a service' }).click();
	await page.getByLabel('Service name').fill(name);
	await page.getByLabel('Type of service').selectOption(type);
	await page.getByLabel('Directorate (optional)').selectOption({ label: grouping });
	await page.getByRole('button', { name: 'Add service' }).click();
	await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

test('groupings, a round chosen by grouping, a draft changed, then closed and reopened with a reason', async ({
	page
}) => {
	await createFirstAdministrator(page, server.setupUrl!);
	await addOrganisation(page, ORGANISATION);
	const organisationUrl = page.url();

	// Two directorates; a name is taken once, whatever its capitals.
	await page.getByRole('link', { name: 'Groups of services' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Groups of services' })).toBeVisible();
	await page.getByLabel('Name of the directorate').fill('Adult community');
	await page.getByRole('button', { name: 'Add directorate' }).click();
	await expect(page.getByRole('row', { name: /Adult community/ })).toContainText('0 services');
	await page.getByLabel('Name of the directorate').fill('adult community');
	await page.getByRole('button', { name: 'Add directorate' }).click();
	await expect(errorSummary(page)).toContainText(
		'This organisation already has a directorate with that name'
	);
	await expect(page.getByLabel('Name of the directorate')).toHaveValue('adult community');
	await page.getByLabel('Name of the directorate').fill('Inpatient');
	await page.getByRole('button', { name: 'Add directorate' }).click();
	await expect(page.getByRole('row', { name: /Inpatient/ })).toBeVisible();

	await addServiceIn(
		page,
		organisationUrl,
		'Ashford Community Mental Health Team',
		'Community mental health team',
		'Adult community'
	);
	await addServiceIn(
		page,
		organisationUrl,
		'Bridgeford Early Intervention Team',
		'Early intervention in psychosis',
		'Adult community'
	);
	await addServiceIn(page, organisationUrl, 'Willow Ward', 'Acute inpatient ward', 'Inpatient');
	await addServiceIn(page, organisationUrl, 'Oak Ward', 'Acute inpatient ward', 'Inpatient');
	await page.goto(organisationUrl);
	await addService(page, 'Northmoor Recovery College', 'Recovery college');

	// The organisation page lists the services under their directorate.
	await page.goto(organisationUrl);
	await expect(page.getByRole('heading', { level: 3, name: 'Adult community' })).toBeVisible();
	await expect(page.getByRole('heading', { level: 3, name: 'Not in a directorate' })).toBeVisible();
	const inpatientList = page
		.getByRole('list')
		.filter({ has: page.getByRole('link', { name: 'Willow Ward' }) });
	await expect(inpatientList.getByRole('link')).toHaveText(['Oak Ward', 'Willow Ward']);

	// A round for one directorate: nothing ticked one by one, only the grouping.
	await page.getByRole('link', { name: 'Create a round' }).click();
	await page.getByLabel('Title').fill('Spring inpatient audit');
	await fillDate(page, 'Start of the period', ...londonDay(-60));
	await fillDate(page, 'End of the period', ...londonDay(30));
	await page.getByLabel('ImROC organisational challenges (2010) (version 1)').check();
	for (const service of await page
		.getByRole('group', { name: 'One by one' })
		.getByRole('checkbox')
		.all())
		await service.uncheck();
	await page
		.getByRole('group', { name: 'By directorate' })
		.getByLabel('Inpatient', { exact: true })
		.check();
	await page.getByRole('button', { name: 'Create round' }).click();

	await expect(
		page.getByRole('heading', { level: 1, name: 'Spring inpatient audit' })
	).toBeVisible();
	const taking = page.getByRole('table', { name: /Services taking part/ });
	await expect(taking.getByRole('row')).toHaveText([/Service/, /Oak Ward/, /Willow Ward/]);
	await expect(taking).toContainText('Not open yet');

	// While it is a draft, it can change: a new title, and a period that ended yesterday.
	await page.getByRole('link', { name: 'Edit round' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Change Spring inpatient audit' })
	).toBeVisible();
	await expect(page.getByLabel('Title')).toHaveValue('Spring inpatient audit');
	await expect(
		page.getByRole('group', { name: 'One by one' }).getByLabel('Willow Ward')
	).toBeChecked();
	await expect(
		page
			.getByRole('group', { name: 'One by one' })
			.getByLabel('Ashford Community Mental Health Team')
	).not.toBeChecked();
	await page.getByLabel('Title').fill('Inpatient recovery audit');
	await fillDate(page, 'End of the period', ...londonDay(-1));
	await page.getByRole('button', { name: 'Save changes' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Inpatient recovery audit' })
	).toBeVisible();
	await expect(taking.getByRole('row')).toHaveText([/Service/, /Oak Ward/, /Willow Ward/]);

	// Open after its period is over: a past round being recorded, so nobody is late with it.
	await page.getByRole('button', { name: 'Open round' }).click();
	await expect(page.getByText('Open', { exact: true })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Edit round' })).toHaveCount(0);
	await expect(page.getByText('0 of 2 complete, 0 late')).toBeVisible();
	const oak = taking.getByRole('row', { name: /Oak Ward/ });
	await expect(oak).toContainText('Not started');
	await expect(oak).not.toContainText('Late');
	await expect(oak).toContainText('0 of 10');

	await page.getByRole('button', { name: 'Close round' }).click();
	await expect(page.getByText('Closed', { exact: true })).toBeVisible();

	// Reopening needs a reason.
	await page.getByRole('button', { name: 'Reopen round' }).click();
	const summary = errorSummary(page);
	await expect(summary).toContainText('Enter the reason for reopening the round');
	await expect(page.getByText('Closed', { exact: true })).toBeVisible();
	await page.getByLabel('Reason for reopening the round').fill(REASON);
	await page.getByRole('button', { name: 'Reopen round' }).click();
	await expect(page.getByText('Open', { exact: true })).toBeVisible();
	await expect(summary).toHaveCount(0);

	// The trail says who did what, with the reason.
	await page.goto(`${organisationUrl}/audit`);
	await expect(page.getByRole('heading', { level: 1, name: 'Audit trail' })).toBeVisible();
	const reopened = page.getByRole('row').filter({ hasText: 'Reopened a round' });
	await expect(reopened).toHaveCount(1);
	await expect(reopened).toContainText(REASON);
	await expect(page.getByRole('row').filter({ hasText: 'Changed a draft round' })).toContainText(
		'title Spring inpatient audit → Inpatient recovery audit'
	);
	await expect(page.getByRole('row').filter({ hasText: 'Added a grouping' })).toHaveCount(2);
});

test('the edit page of a round that is no longer a draft leads back to the round', async ({
	page
}) => {
	await signIn(page, server.baseURL, ADMIN.email, ADMIN.password);
	await page.getByRole('link', { name: ORGANISATION }).click();
	await page.getByRole('link', { name: 'Inpatient recovery audit' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Inpatient recovery audit' })
	).toBeVisible();
	const roundUrl = page.url();
	await page.goto(`${roundUrl}/edit`);
	await expect(page).toHaveURL(roundUrl);
	await expect(
		page.getByRole('heading', { level: 1, name: 'Inpatient recovery audit' })
	).toBeVisible();
});
