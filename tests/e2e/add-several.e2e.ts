import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from './server';
import { signInAs } from './crawl';
import { errorSummary, expectErrorSummaryFocused } from './helpers';

// A trust adds its thirty-odd teams in one go, on the demo data: pasted from a spreadsheet,
// previewed line by line, a problem line put right, then saved together.

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
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

async function openAddSeveral(page: Page) {
	await signInAs(page, server.baseURL, 'organisationAdmin');
	await page.getByRole('link', { name: ORGANISATION }).click();
	await page.getByRole('link', { name: 'Add several services' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Add several services' })).toBeVisible();
}

const TYPES = ['Community mental health team', 'acute inpatient ward', 'Rehabilitation'];

/** Thirty teams as a spreadsheet copies them: a heading row, then tab-separated columns. */
function spreadsheet(change: (line: string[], n: number) => void = () => {}): string {
	const rows = Array.from({ length: 30 }, (_, i) => {
		const n = i + 1;
		const line = [
			`Moorland Team ${String(n).padStart(2, '0')}`,
			TYPES[i % 3],
			i % 2 ? 'Adult community services' : 'Moorland localities'
		];
		change(line, n);
		return line.join('\t');
	});
	return ['Service\tType\tDirectorate', ...rows].join('\n');
}

function servicesNamed(prefix: string): number {
	const db = new Database(server.databasePath, { readonly: true });
	try {
		return (
			db.prepare('SELECT count(*) AS n FROM service WHERE name LIKE ?').get(`${prefix}%`) as {
				n: number;
			}
		).n;
	} finally {
		db.close();
	}
}

test('thirty services pasted from a spreadsheet: two problem lines named, put right on the preview, then added together', async ({
	page
}) => {
	await openAddSeveral(page);
	const list = page.getByLabel('Services, one on each line');

	// Line 8 (the seventh team) has a type that is not on the list; line 16 a name the trust has.
	await list.fill(
		spreadsheet((line, n) => {
			if (n === 7) line[1] = 'CMHT';
			if (n === 15) line[0] = 'Ashford Community Mental Health Team';
		})
	);
	await page.getByRole('button', { name: 'Preview the list' }).click();

	const summary = errorSummary(page);
	await expectErrorSummaryFocused(page);
	await expect(summary).toContainText('Correct the 2 problems in the list, then preview it again');
	await expect(summary).toContainText('Line 8: “CMHT” is not one of the types of service');
	await expect(summary).toContainText(
		'Line 16: the organisation already has a service called “Ashford Community Mental Health Team”'
	);
	// Every line is shown as it would be saved; nothing can be saved yet.
	await expect(
		page.getByText('The first line was read as column headings and left out.')
	).toBeVisible();
	const table = page.getByRole('table', { name: 'The services as they will be saved' });
	await expect(table.getByRole('row')).toHaveCount(31);
	await expect(table.getByRole('row', { name: /Moorland Team 07/ })).toContainText(
		'“CMHT” is not one of the types of service'
	);
	await expect(page.getByRole('button', { name: /^Add \d+ services?$/ })).toHaveCount(0);
	expect(servicesNamed('Moorland Team')).toBe(0);
	await expect(list).toHaveValue(/Moorland Team 07\tCMHT/);
	await expectNoAxeViolations(page);

	// Put right in the list as it was kept, and previewed again.
	await list.fill(
		spreadsheet((line, n) => {
			if (n === 15) line[0] = 'Moorland Team 15 (crisis café)';
		})
	);
	await page.getByRole('button', { name: 'Preview the list' }).click();
	await expect(
		page.getByRole('heading', { name: 'Check the list, then add the services' })
	).toBeFocused();
	await expect(errorSummary(page)).toHaveCount(0);
	await expect(
		page.getByText('30 services will be added, and 1 new directorate created: Moorland localities.')
	).toBeVisible();
	const row7 = table.getByRole('row', { name: /Moorland Team 07/ });
	await expect(row7).toContainText('Community mental health team');
	await expect(row7).toContainText('Moorland localities');
	await expect(row7).toContainText('new directorate');
	await expect(row7).toContainText('Ready');
	await expect(table.getByRole('row', { name: /Moorland Team 08/ })).toContainText(
		'Acute inpatient ward'
	);
	await expectNoAxeViolations(page);

	await page.getByRole('button', { name: 'Add 30 services' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: ORGANISATION, exact: true })
	).toBeVisible();
	await expect(page.getByText('30 services have been added')).toBeVisible();
	await expect(page.getByRole('heading', { level: 3, name: 'Moorland localities' })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Moorland Team 30' })).toBeVisible();
	expect(servicesNamed('Moorland Team')).toBe(30);

	// Each is in the audit trail.
	await page.getByRole('link', { name: 'Audit trail' }).click();
	await expect(page.getByRole('row', { name: /Added a service.*Moorland Team 30/ })).toBeVisible();
});

test('the list previewed is the list saved, even if the box is changed after the preview', async ({
	page
}) => {
	await openAddSeveral(page);
	const list = page.getByLabel('Services, one on each line');
	await list.fill('Heathfield Crisis Café, Other');
	await page.getByRole('button', { name: 'Preview the list' }).click();
	await expect(page.getByRole('button', { name: 'Add 1 service' })).toBeVisible();
	await list.fill('Something else entirely, Other');
	await page.getByRole('button', { name: 'Add 1 service' }).click();
	await expect(page.getByText('1 service has been added')).toBeVisible();
	expect(servicesNamed('Heathfield Crisis Café')).toBe(1);
	expect(servicesNamed('Something else entirely')).toBe(0);
});

test.describe('with JavaScript off', () => {
	test.use({ javaScriptEnabled: false });

	test('a list is previewed and added with plain form posts', async ({ page }) => {
		await openAddSeveral(page);
		await page
			.getByLabel('Services, one on each line')
			.fill('Kestrel Ward, Acute inpatient ward\nKestrel Ward, Rehabilitation');
		await page.getByRole('button', { name: 'Preview the list' }).click();
		await expect(errorSummary(page)).toContainText(
			'Line 2: “Kestrel Ward” is also on line 1; each service needs its own name'
		);
		await expect(page.getByLabel('Services, one on each line')).toHaveValue(
			'Kestrel Ward, Acute inpatient ward\nKestrel Ward, Rehabilitation'
		);
		await page
			.getByLabel('Services, one on each line')
			.fill('Kestrel Ward, Acute inpatient ward\nKestrel Rehabilitation Unit, Rehabilitation');
		await page.getByRole('button', { name: 'Preview the list' }).click();
		await page.getByRole('button', { name: 'Add 2 services' }).click();
		await expect(page.getByText('2 services have been added')).toBeVisible();
		expect(servicesNamed('Kestrel')).toBe(2);
	});
});
