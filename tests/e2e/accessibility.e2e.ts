import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from './server';
import { crawl, pageKind, signInAs } from './crawl';
import { expectErrorSummaryFocused } from './helpers';
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

/** Axe's violations on the page as it stands, one line each. */
async function violationsOn(page: Page, what: string): Promise<string[]> {
	const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
	return results.violations.map((v) => `${what}: ${v.id} (${v.impact}) ${v.help}`);
}

// The crawl opens only a couple of assessments of each kind, which need not include a completed
// one (the undo form) or one ready to complete (the confirmation step's own form), and it never
// shows a form with its errors. Runs last: it undoes a completion on the demo data.
test('the confirmation step and the undo form meet WCAG 2.2 AA, also with errors shown', async ({
	page
}) => {
	const db = new Database(server.databasePath, { readonly: true });
	const { o, r, a } = db
		.prepare(
			`SELECT o.id AS o, r.id AS r, a.id AS a FROM assessment a
			 JOIN round r ON r.id = a.round_id JOIN organisation o ON o.id = r.organisation_id
			 WHERE o.name = 'Northmoor Mental Health NHS Foundation Trust'
			   AND r.status = 'open' AND a.status = 'complete'
			 ORDER BY a.id LIMIT 1`
		)
		.get() as { o: string; r: string; a: string };
	db.close();
	const assessmentPath = `/organisations/${o}/rounds/${r}/assessments/${a}`;
	await signInAs(page, server.baseURL, 'organisationAdmin');
	const violations: string[] = [];

	await page.goto(server.baseURL + assessmentPath, { waitUntil: 'networkidle' });
	await expect(page.getByRole('heading', { name: 'Undo the completion' })).toBeVisible();
	violations.push(...(await violationsOn(page, 'the undo form')));
	await page.getByRole('button', { name: 'Undo completion' }).click();
	await expectErrorSummaryFocused(page);
	violations.push(...(await violationsOn(page, 'the undo form with an error')));

	await page.getByLabel('Reason for undoing the completion').fill('Checked for accessibility.');
	await page.getByRole('button', { name: 'Undo completion' }).click();
	await expect(page.getByText('The completion has been undone')).toBeVisible();

	await page.goto(`${server.baseURL}${assessmentPath}/complete`);
	await expect(
		page.getByRole('heading', { level: 1, name: 'Mark the assessment complete' })
	).toBeVisible();
	await expect(page.getByRole('heading', { name: 'What marking it complete locks' })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Mark complete' })).toBeVisible();
	violations.push(...(await violationsOn(page, 'the confirmation step')));

	expect(violations).toEqual([]);
});
