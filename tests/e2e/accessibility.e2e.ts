import { expect, test } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { startServer, type RunningServer } from './server';
import { addOrganisation, createFirstAdministrator, errorSummary } from './helpers';
import { crawl, pageKind, signInAs } from './crawl';
import { VISITORS, type Visitor } from '../route-rules';

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

// Pages the crawl cannot reach on the demo data, where every organisation has rounds: a new
// server's first-run checklist, a round asked for before there are services, and a pasted list
// of services previewed (with problems, then ready), which only a form post shows.
test('the first run of a new server, and a list of services previewed, meet WCAG 2.2 AA', async ({
	page
}) => {
	const fresh = await startServer();
	const violations: string[] = [];
	async function check(where: string) {
		const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
		for (const violation of results.violations) {
			violations.push(`${where}: ${violation.id} (${violation.impact}) ${violation.help}`);
		}
	}
	try {
		await createFirstAdministrator(page, fresh.setupUrl!);
		await expect(
			page.getByRole('heading', { name: 'Set up the first organisation' })
		).toBeVisible();
		await check('first-run checklist, before an organisation');
		await addOrganisation(page, 'Moorside Health NHS Trust');
		await expect(page.getByRole('heading', { name: 'Set up for your first round' })).toBeVisible();
		await check('first-run checklist of a new organisation');
		const organisation = page.url();

		await page.getByRole('link', { name: 'Create a round' }).click();
		await expect(page.getByText('Moorside Health NHS Trust has no services yet')).toBeVisible();
		await check('create a round, with no services');

		await page.goto(`${organisation}/services/add-several`);
		const list = page.getByLabel('Services, one on each line');
		const preview = page.getByRole('button', { name: 'Preview the list' });
		await list.fill('Moorside CMHT, CMHT\nMoorside Ward, Acute inpatient ward, Inpatients');
		await preview.click();
		await expect(errorSummary(page)).toBeVisible();
		await check('add several services, previewed with a problem');
		await list.fill(
			'Moorside CMHT, Community mental health team\nMoorside Ward, Acute inpatient ward, Inpatients'
		);
		await preview.click();
		await expect(page.getByRole('button', { name: 'Add 2 services' })).toBeVisible();
		await check('add several services, previewed ready to add');
		await page.getByRole('button', { name: 'Add 2 services' }).click();
		await expect(page.getByText('2 services have been added')).toBeVisible();
		await check('first-run checklist, part done');

		await page.getByRole('link', { name: 'Group them by directorate' }).click();
		await page.getByRole('link', { name: 'Inpatients', exact: true }).click();
		await expect(page.getByRole('checkbox', { name: 'Moorside CMHT' })).toBeVisible();
		await check('a directorate, with a service to put in it');
	} finally {
		await fresh.stop();
	}
	expect(violations).toEqual([]);
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
