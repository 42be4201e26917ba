import { expect, test, type Browser, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from './server';
import { openRoundAssessmentPath, signInAs } from './crawl';
import { errorSummary } from './helpers';

// The assessment as a team uses it in a meeting, on the demo data: Ashford CMHT's assessment in
// the open round, which the team is agreeing. The tests run in order and build on each other.

const SERVICE = 'Ashford Community Mental Health Team';
const LEAVE_WARNING =
	'You have changes on this page that have not been saved. Leave the page and lose them?';

let server: RunningServer;
let assessmentPath: string;

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
	assessmentPath = await openRoundAssessmentPath(server.databasePath, SERVICE);
});
test.afterAll(async () => {
	await server?.stop();
});

async function openAs(browser: Browser, visitor: 'organisationAdmin' | 'serviceLead') {
	const page = await (await browser.newContext()).newPage();
	await signInAs(page, server.baseURL, visitor);
	// Once the app has started in the page, as it has by the time a person starts typing.
	await page.goto(server.baseURL + assessmentPath, { waitUntil: 'networkidle' });
	return page;
}

/** The dashboard counts as kept, and as a full recount from the completed assessments' scores. */
function countsAndRecount() {
	const db = new Database(server.databasePath, { readonly: true });
	const rows = (sql: string) =>
		(db.prepare(sql).all() as { row: string }[]).map((r) => r.row).sort();
	try {
		return {
			kept: {
				levels: rows(
					`SELECT round_id || '|' || challenge_id || '|' || level || '|' || services AS row FROM round_level_count`
				),
				totals: rows(
					`SELECT round_id || '|' || level || '|' || scores AS row FROM round_level_total`
				)
			},
			recounted: {
				levels: rows(
					`SELECT a.round_id || '|' || s.challenge_id || '|' || s.level || '|' || count(*) AS row
					 FROM agreed_score s JOIN assessment a ON a.id = s.assessment_id
					 WHERE a.status = 'complete' AND s.level IS NOT NULL
					 GROUP BY a.round_id, s.challenge_id, s.level`
				),
				totals: rows(
					`SELECT a.round_id || '|' || s.level || '|' || count(*) AS row
					 FROM agreed_score s JOIN assessment a ON a.id = s.assessment_id
					 WHERE a.status = 'complete' AND s.level IS NOT NULL
					 GROUP BY a.round_id, s.level`
				)
			}
		};
	} finally {
		db.close();
	}
}

/** The service's page, as its address. */
function servicePath(): string {
	const db = new Database(server.databasePath, { readonly: true });
	try {
		const id = assessmentPath.split('/').pop();
		const { serviceId } = db
			.prepare('SELECT service_id AS serviceId FROM assessment WHERE id = ?')
			.get(id) as { serviceId: string };
		return `${assessmentPath.replace(/\/rounds\/.*$/, '')}/services/${serviceId}`;
	} finally {
		db.close();
	}
}

function assessmentStatus(): string {
	const db = new Database(server.databasePath, { readonly: true });
	try {
		const id = assessmentPath.split('/').pop();
		return (db.prepare('SELECT status FROM assessment WHERE id = ?').get(id) as { status: string })
			.status;
	} finally {
		db.close();
	}
}

/** Dialogs the page opens, each dismissed (the person chooses to stay), by their type and text. */
function dismissDialogs(page: Page) {
	const seen: string[] = [];
	page.on('dialog', (dialog) => {
		seen.push(`${dialog.type()}: ${dialog.message()}`);
		void dialog.dismiss();
	});
	return seen;
}

const evidence = (page: Page, label: string) => page.getByLabel(`Evidence for ${label}`);

test('every page names the stages of an assessment with the same words', async ({ browser }) => {
	const lead = await openAs(browser, 'serviceLead');
	const statusLine = lead.getByText(/^Stage: /);
	await expect(statusLine).toHaveText(/^Stage: (Not started|Rating|Agreeing|Complete)/);
	const stage = (await statusLine.textContent())!.match(/Stage: (\w+( \w+)?)/)![1];
	expect(stage).toBe('Agreeing');

	// The round page, through the breadcrumb.
	await lead.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link').last().click();
	const row = lead.getByRole('row').filter({ hasText: SERVICE });
	await expect(row).toContainText(stage);
	await expect(lead.locator('main')).not.toContainText('In progress');

	// My work.
	await lead.getByRole('link', { name: 'My work' }).click();
	const waiting = lead.getByRole('listitem').filter({ hasText: `Agree levels for ${SERVICE}` });
	await expect(waiting).toContainText(`stage: ${stage}`);

	// The service page's table of assessments gives the same word.
	await lead.goto(server.baseURL + servicePath());
	await expect(
		lead.getByRole('row').filter({ has: lead.locator(`a[href="${assessmentPath}"]`) })
	).toContainText(stage);

	// The organisation dashboard counts services by the same stages.
	const admin = await (await browser.newContext()).newPage();
	await signInAs(admin, server.baseURL, 'organisationAdmin');
	await admin.getByRole('link', { name: 'Northmoor Mental Health NHS Foundation Trust' }).click();
	await admin
		.getByRole('link', { name: /dashboard/i })
		.first()
		.click();
	const completion = admin.getByRole('table', { name: /Where services are in/ });
	await expect(completion.getByRole('rowheader').or(completion.locator('tbody th'))).toHaveText([
		'Not started',
		'Rating',
		'Agreeing',
		'Complete'
	]);
	await expect(admin.locator('main')).not.toContainText('In progress');
});

test('leaving with unsaved evidence asks first: staying keeps the text, and after saving nothing asks', async ({
	browser
}) => {
	const lead = await openAs(browser, 'serviceLead');
	const dialogs = dismissDialogs(lead);
	const typed = 'Recovery college courses now co-designed with two peer trainers.';
	await evidence(lead, 'Recovery college').fill(typed);

	// The breadcrumb, My work, and a reload each ask; staying keeps what was typed.
	await lead.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link').last().click();
	await expect.poll(() => dialogs.length).toBe(1);
	expect(dialogs[0]).toBe(`confirm: ${LEAVE_WARNING}`);
	await lead.getByRole('link', { name: 'My work' }).click();
	await expect.poll(() => dialogs.length).toBe(2);
	await expect(
		lead.getByRole('heading', { level: 1, name: `${SERVICE}: agreed levels` })
	).toBeVisible();
	await expect(evidence(lead, 'Recovery college')).toHaveValue(typed);

	void lead.reload().catch(() => 'the reload was cancelled');
	await expect.poll(() => dialogs.length).toBe(3);
	expect(dialogs[2]).toMatch(/^beforeunload/);
	await expect(evidence(lead, 'Recovery college')).toHaveValue(typed);

	// Saved from its own button: back at that challenge, and leaving no longer asks.
	await lead.getByRole('button', { name: 'Save changes and return to Recovery college' }).click();
	await expect(lead).toHaveURL(/\?saved=\w+#saved-\w+$/);
	const savedHere = lead.getByRole('status').filter({ hasText: 'Your changes have been saved.' });
	await expect(savedHere).toBeInViewport();
	await expect(savedHere).toBeFocused();
	await lead.getByRole('link', { name: 'My work' }).click();
	await expect(lead.getByRole('heading', { level: 1, name: 'My work' })).toBeVisible();
	expect(dialogs).toHaveLength(3);

	await lead.goBack();
	await expect(evidence(lead, 'Recovery college')).toHaveValue(typed);
});

test('a challenge is saved from its own button, and the progress and jump links follow', async ({
	browser
}) => {
	const lead = await openAs(browser, 'serviceLead');
	// Last round's level is shown beside each challenge, its evidence a sentence of its own.
	await expect(
		lead.getByText(/the agreed level was \d\. [\w ]+\. Evidence then: \w/).first()
	).toBeVisible();
	const progress = lead.getByText(/^\d+ of 10 challenges agreed$/);
	const before = Number((await progress.textContent())!.split(' ')[0]);

	const jump = lead.getByRole('link', { name: '10. Life beyond illness' });
	await jump.click();
	await expect(lead).toHaveURL(/#challenge-\w+$/);
	const group = lead.getByRole('group', { name: '10. Life beyond illness' });
	await expect(group).toBeInViewport();
	await group.getByLabel('3. Development').check();
	await evidence(lead, 'Life beyond illness').fill('Employment advisers now sit in the team.');
	await lead
		.getByRole('button', { name: 'Save changes and return to Life beyond illness' })
		.click();
	await expect(
		lead.getByRole('status').filter({ hasText: 'Your changes have been saved.' })
	).toBeInViewport();

	await expect(progress).toHaveText(`${before + 1} of 10 challenges agreed`);
	await lead.reload();
	await expect(group.getByLabel('3. Development')).toBeChecked();
	await expect(evidence(lead, 'Life beyond illness')).toHaveValue(
		'Employment advisers now sit in the team.'
	);
});

test('a session that ends mid-meeting keeps the typed evidence, without a leave warning in the way', async ({
	browser
}) => {
	const context = await browser.newContext();
	const lead = await context.newPage();
	await signInAs(lead, server.baseURL, 'serviceLead');
	await lead.goto(server.baseURL + assessmentPath, { waitUntil: 'networkidle' });
	const dialogs = dismissDialogs(lead);
	const typed = 'Typed just before the session ended: risk plans now co-written.';
	await evidence(lead, 'Risk assessment and management').fill(typed);

	await context.clearCookies();
	await lead
		.getByRole('button', { name: 'Save changes and return to Risk assessment and management' })
		.click();
	await expect(lead.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	await lead.getByLabel('Email address').fill('lead@demo.example');
	await lead.getByLabel('Password').fill('demo-lead-2026');
	await lead.getByRole('button', { name: 'Sign in' }).click();
	await expect(lead.getByText('we kept what you had typed')).toBeVisible();
	await expect(evidence(lead, 'Risk assessment and management')).toHaveValue(typed);
	expect(dialogs).toEqual([]);

	// What was put back is not saved yet: leaving still asks.
	await lead.getByRole('link', { name: 'My work' }).click();
	await expect.poll(() => dialogs.length).toBe(1);
	await lead
		.getByRole('button', { name: 'Save changes and return to Risk assessment and management' })
		.click();
	await expect(
		lead.getByRole('status').filter({ hasText: 'Your changes have been saved.' })
	).toBeVisible();
	await lead.reload();
	await expect(evidence(lead, 'Risk assessment and management')).toHaveValue(typed);
});

test.describe('with JavaScript off', () => {
	test.use({ javaScriptEnabled: false });

	test('a challenge’s own save button still saves and lands back at it', async ({ page }) => {
		await signInAs(page, server.baseURL, 'serviceLead');
		await page.goto(server.baseURL + assessmentPath);
		await evidence(page, 'User involvement').fill('Two people using the service sit on the panel.');
		await page.getByRole('button', { name: 'Save changes and return to User involvement' }).click();
		await expect(page).toHaveURL(/\?saved=\w+#saved-\w+$/);
		await expect(page.getByText('Your changes have been saved.')).toBeVisible();
		await expect(evidence(page, 'User involvement')).toHaveValue(
			'Two people using the service sit on the panel.'
		);
	});
});

test('completion is confirmed first, lists what it locks and what has no evidence, and an administrator can undo it with a reason', async ({
	browser
}) => {
	const admin = await openAs(browser, 'organisationAdmin');
	const labels = await admin
		.getByRole('group', { name: /^\d+\. / })
		.filter({ has: admin.getByRole('radio') })
		.evaluateAll((groups) =>
			groups.map((g) =>
				g
					.querySelector('legend')!
					.textContent!.trim()
					.replace(/^\d+\. /, '')
			)
		);
	expect(labels).toHaveLength(10);
	for (const [i, label] of labels.entries()) {
		await admin
			.getByRole('group', { name: `${i + 1}. ${label}` })
			.getByLabel('2. Engagement')
			.check();
		// The last two are agreed without evidence: allowed, but the confirmation step says so.
		await evidence(admin, label).fill(i < 8 ? `Evidence seen for ${label}.` : '');
	}
	// Last round's actions still wait for a decision: that blocks, as before, and nothing is saved.
	await admin.getByRole('button', { name: 'Save and continue to mark complete' }).click();
	await expect(errorSummary(admin)).toContainText(
		/Review the \d+ actions? from the last round before marking the assessment complete/
	);
	await expect(evidence(admin, labels[0])).toHaveValue(`Evidence seen for ${labels[0]}.`);
	await admin.getByRole('button', { name: 'Save and come back later' }).click();
	await expect(admin.getByText('Your changes have been saved.')).toBeVisible();

	// The confirmation step says what still blocks, and shows no way to complete yet.
	const confirm = admin;
	await confirm
		.getByRole('link', { name: 'see what it would lock and what is still missing' })
		.click();
	await expect(
		confirm.getByRole('heading', { level: 1, name: 'Mark the assessment complete' })
	).toBeVisible();
	await expect(confirm.getByRole('heading', { name: 'Not ready to mark complete' })).toBeVisible();
	await expect(confirm.getByRole('button', { name: 'Mark complete' })).toHaveCount(0);
	expect(assessmentStatus()).toBe('in_progress');

	await confirm.getByRole('link', { name: 'review last round’s actions' }).click();
	await expect(
		confirm.getByRole('heading', { level: 1, name: "Review last round's actions" })
	).toBeVisible();
	const toReview = confirm.getByRole('group').filter({ has: confirm.getByRole('radio') });
	await expect(toReview).not.toHaveCount(0);
	for (const group of await toReview.all())
		await group.getByRole('radio', { name: 'Carry forward' }).check();
	await confirm.getByRole('button', { name: 'Save the review' }).click();
	await expect(confirm.getByText('The review has been saved.')).toBeVisible();
	await confirm.getByRole('button', { name: 'Save and continue to mark complete' }).click();

	// Now ready: what it locks, and the two challenges agreed without evidence, said but allowed.
	await expect(
		confirm.getByRole('heading', { level: 1, name: 'Mark the assessment complete' })
	).toBeVisible();
	await expect(confirm.getByRole('heading', { name: 'Not ready to mark complete' })).toHaveCount(0);
	await expect(
		confirm.getByRole('heading', { name: 'What marking it complete locks' })
	).toBeVisible();
	await expect(confirm.getByText(/the agreed level of all 10 challenges/)).toBeVisible();
	const noEvidence = confirm
		.locator('.nhsuk-warning-callout')
		.filter({ has: confirm.getByRole('heading', { name: 'Agreed without evidence' }) });
	await expect(noEvidence).toContainText('2 challenges have an agreed level but no evidence');
	await expect(noEvidence.getByRole('link')).toHaveText([`9. ${labels[8]}`, `10. ${labels[9]}`]);
	await expect(
		confirm.getByRole('table', { name: 'Agreed levels and evidence' }).getByText('No evidence')
	).toHaveCount(2);
	// The organisation dashboard is kept between requests: it must show the completion at once.
	const [, organisationId, roundId] = /^\/organisations\/([^/]+)\/rounds\/([^/]+)/.exec(
		assessmentPath
	)!;
	const dashboard = await admin.context().newPage();
	const heatmapRow = async () => {
		await dashboard.goto(
			`${server.baseURL}/organisations/${organisationId}/dashboard?round=${roundId}`
		);
		return dashboard
			.getByRole('row')
			.filter({ has: dashboard.getByRole('rowheader', { name: SERVICE, exact: true }) })
			.getByRole('cell')
			.allTextContents();
	};
	expect((await heatmapRow())[0]).toContain('not complete');
	expect((await heatmapRow())[0], 'the same page again, as kept').toContain('not complete');
	const before = countsAndRecount();
	await confirm.getByRole('button', { name: 'Mark complete' }).click();
	await expect(confirm.getByRole('heading', { level: 1, name: SERVICE })).toBeVisible();
	await expect(confirm.getByText('The assessment has been marked complete')).toBeVisible();
	expect(assessmentStatus()).toBe('complete');
	let counts = countsAndRecount();
	expect(counts.kept).toEqual(counts.recounted);
	expect(counts.kept).not.toEqual(before.kept);
	expect((await heatmapRow()).slice(0, 10)).toEqual(Array(10).fill('2'));

	// The service lead cannot undo it; an organisation administrator can, with a reason.
	const lead = await openAs(browser, 'serviceLead');
	await expect(lead.getByText('This assessment has been marked complete.')).toBeVisible();
	await expect(lead.getByRole('button', { name: 'Undo completion' })).toHaveCount(0);

	await admin.goto(server.baseURL + assessmentPath);
	await expect(admin.getByText(/^Stage: Complete/)).toBeVisible();
	await admin.getByRole('button', { name: 'Undo completion' }).click();
	await expect(errorSummary(admin)).toContainText('Enter the reason for undoing the completion');
	await admin
		.getByLabel('Reason for undoing the completion')
		.fill('Completed before the carers’ group had seen the evidence.');
	await admin.getByRole('button', { name: 'Undo completion' }).click();
	await expect(admin.getByText('The completion has been undone')).toBeVisible();
	await expect(admin.getByText(/^Stage: Agreeing/)).toBeVisible();
	await expect(admin.getByRole('button', { name: 'Save and come back later' })).toBeVisible();
	expect(assessmentStatus()).toBe('in_progress');
	counts = countsAndRecount();
	expect(counts.kept).toEqual(counts.recounted);
	expect(counts.kept).toEqual(before.kept);
	expect((await heatmapRow())[0], 'the undoing shows at once too').toContain('not complete');

	// The reason is in the audit trail.
	await admin.goto(server.baseURL + assessmentPath.replace(/\/rounds\/.*$/, '/audit'));
	const undone = admin.getByRole('row').filter({ hasText: 'Undid an assessment’s completion' });
	await expect(undone).toContainText('Complete → Agreeing');
	await expect(undone).toContainText('Completed before the carers’ group had seen the evidence.');

	// Completed again, the counts still equal a recount.
	await admin.goto(`${server.baseURL}${assessmentPath}/complete`);
	await admin.getByRole('button', { name: 'Mark complete' }).click();
	await expect(admin.getByText('The assessment has been marked complete')).toBeVisible();
	counts = countsAndRecount();
	expect(counts.kept).toEqual(counts.recounted);
});

test('the team’s priorities can be changed after completion, from the improvement plan', async ({
	browser
}) => {
	expect(assessmentStatus()).toBe('complete');
	const lead = await openAs(browser, 'serviceLead');
	const planUrl = server.baseURL + servicePath() + '/plan';
	await lead.goto(planUrl);
	await lead.getByRole('link', { name: /the team’s priorities/ }).click();
	await expect(
		lead.getByRole('heading', { name: 'Team recovery implementation plan' })
	).toBeInViewport();
	await lead.getByLabel('Priority 1').selectOption({ label: '7. User involvement' });
	await lead.getByLabel('Priority 2').selectOption({ label: '3. Recovery college' });
	await lead.getByLabel('Priority 3').selectOption({ label: 'Not chosen' });
	await lead.getByRole('button', { name: "Save the team's plan" }).click();
	await expect(lead.getByText("The team's plan has been saved.")).toBeVisible();
	expect(assessmentStatus()).toBe('complete');

	await lead.goto(planUrl);
	await expect(
		lead.getByRole('heading', { level: 3, name: /^Priority 1: 7\. User involvement/ })
	).toBeVisible();
	await expect(
		lead.getByRole('heading', { level: 3, name: /^Priority 2: 3\. Recovery college/ })
	).toBeVisible();
	await expect(lead.getByRole('heading', { level: 3, name: /^Priority 3/ })).toHaveCount(0);
});
