import { expect, test } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import { signInAs } from './crawl';

// Small things that read wrong, on the demo data.

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
});
test.afterAll(async () => {
	await server?.stop();
});

const ORGANISATION = 'Northmoor Mental Health NHS Foundation Trust';

test('a person’s name and “(you)” are two words on the people and accounts pages', async ({
	page
}) => {
	await signInAs(page, server.baseURL, 'platformAdmin');
	await page.getByRole('link', { name: 'Manage accounts' }).click();
	await expect(page.getByRole('cell', { name: 'Priya Shah (you)', exact: true })).toBeVisible();

	await page.goto(`${server.baseURL}/organisations`);
	await page.getByRole('link', { name: ORGANISATION }).click();
	await page.getByRole('link', { name: 'People and access' }).click();
	await expect(
		page.getByRole('cell', { name: /^Priya Shah \(you\) admin@demo\.example$/ })
	).toBeVisible();
	await expect(page.getByText('Priya Shah(you)')).toHaveCount(0);
});

test('a service’s assessments are a table, not a line that starts with a dangling “·”', async ({
	page
}) => {
	await signInAs(page, server.baseURL, 'organisationAdmin');
	await page.getByRole('link', { name: ORGANISATION }).click();
	await page.getByRole('link', { name: 'Ashford Community Mental Health Team' }).click();
	const table = page.getByRole('table', {
		name: 'Assessments of Ashford Community Mental Health Team'
	});
	await expect(table.getByRole('columnheader')).toHaveText([
		'Round',
		'Period',
		'Round status',
		'Assessment'
	]);
	await expect(table.getByRole('row', { name: /Spring 2024 recovery audit/ })).toContainText(
		'1 January 2024 to 30 June 2024'
	);
	await expect(page.getByText(/·\s*from \d/)).toHaveCount(0);
});

test('on the round page the service’s name is the link, not the word for its stage', async ({
	page
}) => {
	await signInAs(page, server.baseURL, 'organisationAdmin');
	await page.getByRole('link', { name: ORGANISATION }).click();
	await page
		.getByRole('link', { name: /recovery audit$/ })
		.first()
		.click();
	const row = page.getByRole('row', { name: /Willow Ward/ });
	await expect(row.getByRole('link')).toHaveCount(1);
	await expect(row.getByRole('cell').first().getByRole('link')).toHaveText(
		'Willow Ward (acute inpatient)'
	);
});
