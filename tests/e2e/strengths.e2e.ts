import { expect, test, type Browser, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from './server';
import { openRoundAssessmentPath, signInAs } from './crawl';
import {
	createAndOpenRound,
	errorSummary,
	expectErrorSummaryFocused,
	markComplete
} from './helpers';

// TRIP: what the team does well, on the demo data. Ashford CMHT's lead records a strength about a
// challenge and one across the service, sees both on the dashboard and the plan once the assessment
// is complete, and in the next round confirms one as still true and drops the other. The tests run
// in order and build on each other.

const SERVICE = 'Ashford Community Mental Health Team';
const ABOUT_A_CHALLENGE = 'Peer support workers co-facilitate every recovery college course.';
const ACROSS = 'Everyone who rings the duty line is called back the same day.';

let server: RunningServer;
let assessmentPath: string;

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
	assessmentPath = await openRoundAssessmentPath(server.databasePath, SERVICE);
});
test.afterAll(async () => {
	await server?.stop();
});

async function openAs(
	browser: Browser,
	visitor: 'organisationAdmin' | 'serviceLead',
	options: { javaScriptEnabled?: boolean } = {}
): Promise<Page> {
	const page = await (await browser.newContext(options)).newPage();
	await signInAs(page, server.baseURL, visitor);
	return page;
}

function query<T>(sql: string, ...params: unknown[]): T[] {
	const db = new Database(server.databasePath, { readonly: true });
	try {
		return db.prepare(sql).all(...params) as T[];
	} finally {
		db.close();
	}
}

const strengthsList = (page: Page) =>
	page.getByRole('list', { name: 'Strengths recorded in this assessment' });

const servicePath = () => {
	const [{ serviceId }] = query<{ serviceId: string }>(
		'SELECT service_id AS serviceId FROM assessment WHERE id = ?',
		assessmentPath.split('/').pop()
	);
	return `${assessmentPath.replace(/\/rounds\/.*$/, '')}/services/${serviceId}`;
};

test('a lead records a strength about a challenge and one across the service, with plain refusals', async ({
	browser
}) => {
	const lead = await openAs(browser, 'serviceLead');
	await lead.goto(server.baseURL + assessmentPath, { waitUntil: 'networkidle' });
	await expect(lead.getByRole('heading', { name: 'What the team does well' })).toBeVisible();
	await expect(lead.getByText('No strengths recorded yet.')).toBeVisible();

	// Nothing typed: refused in words, nothing stored.
	await lead.getByRole('button', { name: 'Add strength' }).click();
	await expectErrorSummaryFocused(lead);
	await expect(errorSummary(lead)).toContainText('Enter what the team does well');

	await lead.getByLabel('What the team does well').fill(ABOUT_A_CHALLENGE);
	await lead.getByLabel('About').selectOption({ label: '3. Recovery college' });
	await lead.getByRole('button', { name: 'Add strength' }).click();
	await expect(lead.getByText("The team's strengths have been saved.")).toBeVisible();
	// The form starts empty again, ready for the next.
	await expect(lead.getByLabel('What the team does well')).toHaveValue('');

	await lead.getByLabel('What the team does well').fill(ACROSS);
	await lead.getByRole('button', { name: 'Add strength' }).click();
	await expect(strengthsList(lead).getByRole('listitem')).toHaveCount(2);
	await expect(strengthsList(lead).getByRole('listitem').first()).toContainText(
		'Across the service'
	);
	await expect(strengthsList(lead).getByRole('listitem').first()).toContainText(ACROSS);
	await expect(strengthsList(lead).getByRole('listitem').nth(1)).toContainText(
		'3. Recovery college'
	);

	// Over the limit: refused with what was typed kept.
	const tooLong = 'x'.repeat(501);
	await lead.getByLabel('What the team does well').fill(tooLong);
	await lead.getByRole('button', { name: 'Add strength' }).click();
	await expect(errorSummary(lead)).toContainText(
		'What the team does well must be 500 characters or fewer'
	);
	await expect(lead.getByLabel('What the team does well')).toHaveValue(tooLong);

	const stored = query<{ text: string }>(
		'SELECT text FROM strength WHERE assessment_id = ? ORDER BY text',
		assessmentPath.split('/').pop()
	);
	expect(stored.map((s) => s.text)).toEqual([ACROSS, ABOUT_A_CHALLENGE].sort());
});

test('with JavaScript off, a strength is changed by plain forms', async ({ browser }) => {
	const lead = await openAs(browser, 'serviceLead', { javaScriptEnabled: false });
	await lead.goto(server.baseURL + assessmentPath);
	const across = strengthsList(lead).getByRole('listitem').filter({ hasText: ACROSS });
	await across.getByRole('link', { name: /^Change/ }).click();
	await expect(lead.getByRole('heading', { name: 'Change a strength' })).toBeVisible();
	await expect(lead.getByLabel('What the team does well')).toHaveValue(ACROSS);
	await lead.getByLabel('What the team does well').fill(`${ACROSS} Even at weekends.`);
	await lead.getByRole('button', { name: 'Save this strength' }).click();
	await expect(lead.getByText("The team's strengths have been saved.")).toBeVisible();
	await expect(strengthsList(lead)).toContainText(`${ACROSS} Even at weekends.`);
	await expect(lead.getByRole('heading', { name: 'Add a strength' })).toBeVisible();
});

test('once complete, the dashboard and the plan show what the team does well', async ({
	browser
}) => {
	const lead = await openAs(browser, 'serviceLead');
	await lead.goto(server.baseURL + assessmentPath, { waitUntil: 'networkidle' });
	const challenges = lead.getByRole('group', { name: /^\d+\. / }).filter({
		has: lead.getByRole('radio')
	});
	await expect(challenges).toHaveCount(10);
	for (const group of await challenges.all()) await group.getByLabel('2. Engagement').check();
	await lead.getByRole('button', { name: 'Save and come back later' }).click();
	await expect(lead.getByText('Your changes have been saved.')).toBeVisible();

	await lead.goto(`${server.baseURL}${assessmentPath}/review`);
	for (const group of await lead
		.getByRole('group')
		.filter({ has: lead.getByRole('radio') })
		.all())
		await group.getByRole('radio', { name: 'Carry forward' }).check();
	await lead.getByRole('button', { name: 'Save the review' }).click();
	await expect(lead.getByText('The review has been saved.')).toBeVisible();
	await markComplete(lead);
	await expect(lead.getByText('The assessment has been marked complete')).toBeVisible();

	for (const page of ['dashboard', 'plan']) {
		await lead.goto(`${server.baseURL}${servicePath()}/${page}`);
		const shown = lead.getByRole('list', { name: /^What the team does well, / });
		await expect(shown.getByRole('listitem'), page).toHaveCount(2);
		await expect(shown.getByRole('listitem').first()).toContainText('Across the service');
		await expect(shown.getByRole('listitem').first()).toContainText('Even at weekends.');
		await expect(shown.getByRole('listitem').nth(1)).toContainText('3. Recovery college');
		await expect(shown.getByRole('listitem').nth(1)).toContainText(ABOUT_A_CHALLENGE);
	}

	// In print, the strengths stay in the page.
	await lead.emulateMedia({ media: 'print' });
	await expect(lead.getByRole('heading', { name: 'What the team does well' })).toBeVisible();
	await expect(lead.getByText(ABOUT_A_CHALLENGE)).toBeVisible();
});

test('the next round offers them to confirm: one still true, the other dropped, none carried silently', async ({
	browser
}) => {
	const admin = await openAs(browser, 'organisationAdmin');
	await admin.goto(server.baseURL + assessmentPath.replace(/\/rounds\/.*$/, ''));
	await createAndOpenRound(admin, 'Spring 2027', ['1', '1', '2027'], ['30', '6', '2027']);

	const [next] = query<{ o: string; r: string; a: string }>(
		`SELECT r.organisation_id AS o, r.id AS r, a.id AS a FROM assessment a
		 JOIN round r ON r.id = a.round_id JOIN service s ON s.id = a.service_id
		 WHERE s.name = ? AND r.title = 'Spring 2027'`,
		SERVICE
	);
	const nextPath = `/organisations/${next.o}/rounds/${next.r}/assessments/${next.a}`;
	const lead = await openAs(browser, 'serviceLead');
	await lead.goto(server.baseURL + nextPath, { waitUntil: 'networkidle' });

	// Offered, not carried.
	const offered = lead.getByRole('list', { name: /^Strengths from / });
	await expect(offered.getByRole('listitem')).toHaveCount(2);
	await expect(lead.getByText('No strengths recorded yet.')).toBeVisible();

	await offered
		.getByRole('listitem')
		.filter({ hasText: ABOUT_A_CHALLENGE })
		.getByRole('button', { name: /^Still true/ })
		.click();
	await expect(lead.getByText("The team's strengths have been saved.")).toBeVisible();
	await expect(strengthsList(lead).getByRole('listitem')).toHaveCount(1);
	await expect(strengthsList(lead)).toContainText(ABOUT_A_CHALLENGE);
	await expect(strengthsList(lead)).toContainText('3. Recovery college');
	await expect(strengthsList(lead)).toContainText(/Confirmed as still true from /);

	await offered
		.getByRole('listitem')
		.filter({ hasText: ACROSS })
		.getByRole('button', { name: /^Drop/ })
		.click();
	await expect(lead.getByRole('list', { name: /^Strengths from / })).toHaveCount(0);
	await expect(strengthsList(lead).getByRole('listitem')).toHaveCount(1);
	await expect(strengthsList(lead)).not.toContainText(ACROSS);

	// Where it came from is kept, and each step is in the audit trail.
	const carried = query<{ text: string; from: string | null }>(
		`SELECT s.text, p.text AS "from" FROM strength s LEFT JOIN strength p ON p.id = s.carried_from_id
		 WHERE s.assessment_id = ?`,
		next.a
	);
	expect(carried).toEqual([{ text: ABOUT_A_CHALLENGE, from: ABOUT_A_CHALLENGE }]);
	const events = query<{ action: string }>(
		"SELECT action FROM audit_event WHERE action LIKE 'strength.%' ORDER BY at, rowid"
	).map((e) => e.action);
	expect(events).toEqual([
		'strength.added',
		'strength.added',
		'strength.changed',
		'strength.confirmed',
		'strength.dropped'
	]);
	await admin.goto(`${server.baseURL}/organisations/${next.o}/audit`);
	await expect(
		admin.getByRole('row').filter({ hasText: 'Confirmed a strength from the previous round' })
	).toContainText(ABOUT_A_CHALLENGE.slice(0, 30));
	await expect(
		admin.getByRole('row').filter({ hasText: 'Dropped a strength from the previous round' })
	).toContainText(ACROSS.slice(0, 30));
});
