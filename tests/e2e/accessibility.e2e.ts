import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from './server';
import {
	ADMIN,
	addOrganisation,
	createFirstAdministrator,
	errorSummary,
	expectErrorSummaryFocused,
	turnOnTwoStep
} from './helpers';
import { crawl, openRoundAssessmentPath, pageKind, signInAs } from './crawl';
import { VISITORS, type Visitor } from '../route-rules';
import { startSmtpCatcher } from '../smtp-catcher';

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

// A rating session's pages, which the crawl cannot reach: the screen and the phones need an open
// session, and a phone needs to have joined it. Checked at a phone's width where a phone shows them.
test('a rating session’s run page, screen and phone pages meet WCAG 2.2 AA', async ({
	browser
}) => {
	const violations: string[] = [];
	async function check(page: Page, where: string) {
		const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
		for (const violation of results.violations)
			violations.push(`${where}: ${violation.id} (${violation.impact}) ${violation.help}`);
	}
	const lead = await (await browser.newContext()).newPage();
	await signInAs(lead, server.baseURL, 'serviceLead');
	const assessment =
		server.baseURL +
		(await openRoundAssessmentPath(server.databasePath, 'Ashford Community Mental Health Team'));
	await lead.goto(assessment + '/session');
	await check(lead, 'rating session, not started');
	await lead.getByRole('button', { name: 'Start the session' }).click();
	await expect(lead.locator('.app-join-code')).toBeVisible();
	await check(lead, 'rating session, running');
	const code = (await lead.locator('.app-join-code').textContent())!.trim();
	const screen = await lead.context().newPage();
	await screen.goto(assessment + '/session/screen');
	await expect(screen.getByTestId('answered')).toHaveText('0 of 0 answered');
	await check(screen, 'screen for the room');

	const phone = await (
		await browser.newContext({ viewport: { width: 375, height: 740 } })
	).newPage();
	await phone.goto(server.baseURL + '/join');
	await check(phone, 'join');
	await phone.getByRole('button', { name: 'Join' }).click();
	await expect(errorSummary(phone)).toBeVisible();
	await check(phone, 'join, without a code');
	await phone.goto(server.baseURL + '/join/ZZZZZZZZZ');
	await check(phone, 'join, a code that opens nothing');
	await phone.goto(`${server.baseURL}/join/${code.replaceAll('-', '')}`);
	await phone.getByRole('button', { name: 'Join and start' }).click();
	await expect(errorSummary(phone)).toBeVisible();
	await check(phone, 'join, without a perspective');
	await phone.getByLabel('Carer, family member or supporter').check();
	await phone.getByRole('button', { name: 'Join and start' }).click();
	await expect(phone.getByText(/^Challenge 1 of/)).toBeVisible();
	await check(phone, 'rating on a phone');
	await phone.getByRole('button', { name: 'Save my answer' }).click();
	await expect(errorSummary(phone)).toBeVisible();
	await check(phone, 'rating on a phone, without a level');
	await phone.getByRole('radio').first().check();
	await phone.getByRole('button', { name: 'Save my answer' }).click();
	await lead.getByRole('button', { name: 'Reveal the spread for this challenge' }).click();
	await expect(screen.getByRole('table')).toBeVisible();
	await check(screen, 'screen for the room, spread revealed');
	await phone.reload();
	await expect(phone.getByText('How the room rated this challenge')).toBeVisible();
	await check(phone, 'rating on a phone, spread revealed');
	await phone.getByRole('button', { name: 'Submit my answers' }).click();
	await expect(phone.getByRole('heading', { name: /Thank you/ })).toBeVisible();
	await check(phone, 'thank you, on a phone');

	await lead.getByRole('link', { name: 'Close the session' }).click();
	await check(lead, 'rating session, closing');
	await lead.getByRole('button', { name: 'Yes, close the session' }).click();
	await expect(lead.getByText(/The last session closed on/)).toBeVisible();
	await check(lead, 'rating session, closed');
	await expect(
		screen.getByRole('heading', { name: 'This rating session has closed' })
	).toBeVisible();
	await check(screen, 'screen for the room, closed');
	expect(violations).toEqual([]);
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
		// The crawl grows with every kind of page the app gains (about 2.5 s each, axe included):
		// a platform administrator's reaches about 70. A limit on time, not a measure of speed.
		test.setTimeout(480_000);
		if (visitor !== 'anonymous') await signInAs(page, server.baseURL, visitor);
		const violations: string[] = [];
		// The dashboards offer a choice of framework once rounds used several (Northmoor's do).
		let metFrameworkChoice = false;
		const checked = await crawl(
			page,
			server.baseURL,
			visitor === 'anonymous' ? '/sign-in' : '/organisations',
			async (path) => {
				if ((await page.getByRole('form', { name: 'Choose the framework' }).count()) > 0)
					metFrameworkChoice = true;
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
		expect(metFrameworkChoice).toBe(visitor !== 'anonymous');
		if (visitor === 'platformAdmin')
			expect(checked.map(pageKind)).toContain('/admin/frameworks/[id]/retire');
		if (visitor === 'serviceLead')
			for (const sheets of ['sheets', 'sheets/enter'])
				expect(checked.map(pageKind)).toContain(
					`/organisations/[id]/rounds/[id]/assessments/[id]/${sheets}`
				);
	});
}

// Pages no link on the demo server leads to: asking for a reset link by email (the demo server
// sends none) and its answer, two-step sign-in as an administrator must set it up and then use it
// (the demo's accounts are exempt), and the page for the app opened at another address.
test('the pages of a server that sends email, and of another address, meet WCAG 2.2 AA', async ({
	page
}) => {
	const catcher = await startSmtpCatcher();
	const emailing = await startServer({ SMTP_URL: catcher.url });
	const violations: string[] = [];
	async function check(where: string) {
		const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
		for (const violation of results.violations) {
			violations.push(`${where}: ${violation.id} (${violation.impact}) ${violation.help}`);
		}
	}
	try {
		const send = page.getByRole('button', { name: 'Email me a link' });
		await page.goto(`${emailing.baseURL}/forgotten-password`, { waitUntil: 'networkidle' });
		await check('forgotten password');
		await send.click();
		await expect(page.locator('.nhsuk-error-summary')).toBeVisible();
		await check('forgotten password, refused');
		await page.getByLabel('Email address').fill('someone@trust.example');
		await send.click();
		await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
		await check('check your email');

		await page.goto(emailing.setupUrl!, { waitUntil: 'networkidle' });
		await page.getByLabel('Full name').fill(ADMIN.name);
		await page.getByLabel('Email address').fill(ADMIN.email);
		await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
		await page.getByLabel('Confirm password').fill(ADMIN.password);
		await page.getByRole('button', { name: 'Create account' }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'Two-step sign-in' })).toBeVisible();
		await check('two-step sign-in, to set up');
		await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
		await expect(errorSummary(page)).toBeVisible();
		await check('two-step sign-in, refused');
		await turnOnTwoStep(page, ADMIN);
		await check('recovery codes');
		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.getByLabel('Email address').fill(ADMIN.email);
		await page.getByLabel('Password').fill(ADMIN.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(
			page.getByRole('heading', { level: 1, name: 'Enter your security code' })
		).toBeVisible();
		await check('security code');
		await page.getByRole('button', { name: 'Continue' }).click();
		await expect(errorSummary(page)).toBeVisible();
		await check('security code, refused');

		await page.goto(`${emailing.baseURL.replace('127.0.0.1', 'localhost')}/sign-in`);
		await expect(
			page.getByRole('heading', { name: 'Open this service at its own address' })
		).toBeVisible();
		await check('wrong address');
	} finally {
		await emailing.stop();
		await catcher.stop();
	}
	expect(violations).toEqual([]);
});

// A crawl follows links and never meets a refused form: the pack import's problems, listed in the
// error summary and beside the file chooser, are checked here.
test('a framework pack file’s problems, as the page lists them, meet WCAG 2.2 AA', async ({
	page
}) => {
	await signInAs(page, server.baseURL, 'platformAdmin');
	await page.goto(`${server.baseURL}/admin/frameworks`, { waitUntil: 'networkidle' });
	await page.getByLabel('Framework pack file (JSON or Excel workbook)').setInputFiles({
		name: 'seven-problems.json',
		mimeType: 'application/json',
		buffer: Buffer.from('{\n\t"key": "Not A Key",\n\t"version": 1,\n\t"scale": [{ "value": 0 }]\n}')
	});
	await page.getByRole('button', { name: 'Import pack' }).click();
	await expect(
		page.getByRole('list', { name: 'Problems in the file' }).getByRole('listitem')
	).toHaveCount(7);
	await expect(page.locator('.nhsuk-file-upload .nhsuk-error-message')).toBeVisible();
	const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
	expect(results.violations.map((v) => `${v.id} (${v.impact}) ${v.help}`)).toEqual([]);
});

/** Axe's violations on the page as it stands, one line each. */
async function violationsOn(page: Page, what: string): Promise<string[]> {
	const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
	return results.violations.map((v) => `${what}: ${v.id} (${v.impact}) ${v.help}`);
}

// The crawl meets the team's strengths as the service lead sees them on the demo data (last round's
// to confirm, and the form to add one), but never a refused form or the form to change one.
test('the strengths of the team’s plan meet WCAG 2.2 AA, also with errors shown and while changing one', async ({
	page
}) => {
	await signInAs(page, server.baseURL, 'serviceLead');
	const path = await openRoundAssessmentPath(
		server.databasePath,
		'Ashford Community Mental Health Team'
	);
	await page.goto(server.baseURL + path, { waitUntil: 'networkidle' });
	const offered = page.getByRole('list', { name: /^Strengths from / });
	await expect(offered.getByRole('button', { name: /^Still true/ })).toHaveCount(3);
	const violations = await violationsOn(page, 'the strengths to confirm');

	await page.getByRole('button', { name: 'Add strength' }).click();
	await expectErrorSummaryFocused(page);
	violations.push(...(await violationsOn(page, 'the strength form with an error')));

	await offered
		.getByRole('button', { name: /^Still true/ })
		.first()
		.click();
	await page
		.getByRole('list', { name: 'Strengths recorded in this assessment' })
		.getByRole('link', { name: /^Change/ })
		.click();
	await expect(page.getByRole('heading', { name: 'Change a strength' })).toBeVisible();
	violations.push(...(await violationsOn(page, 'the form to change a strength')));
	expect(violations).toEqual([]);
});

// Paper rating sheets: a printed sheet (on screen and as printed) and the blank one, and typing
// a sheet in: refused with errors shown, entered, and the confirmation before removing it.
test('paper rating sheets and their entry meet WCAG 2.2 AA, also with errors shown', async ({
	page
}) => {
	await signInAs(page, server.baseURL, 'serviceLead');
	const path = await openRoundAssessmentPath(
		server.databasePath,
		'Ashford Community Mental Health Team'
	);
	const sheets = `${server.baseURL}${path}/sheets`;
	await page.goto(`${sheets}?perspective=carer`, { waitUntil: 'networkidle' });
	const violations = await violationsOn(page, 'a rating sheet for carers');
	await page.emulateMedia({ media: 'print' });
	violations.push(...(await violationsOn(page, 'a rating sheet, as printed')));
	await page.emulateMedia({ media: 'screen' });
	await page.goto(`${sheets}?perspective=blank`, { waitUntil: 'networkidle' });
	violations.push(...(await violationsOn(page, 'the blank rating sheet')));

	await page.goto(`${sheets}/enter`, { waitUntil: 'networkidle' });
	await page.getByRole('button', { name: 'Enter this sheet' }).click();
	await expectErrorSummaryFocused(page);
	violations.push(...(await violationsOn(page, 'a sheet refused')));
	await page.getByLabel('Person using the service', { exact: true }).check();
	await page
		.getByRole('group', { name: '1. Day-to-day interactions' })
		.getByLabel('3. Development')
		.check();
	await page.getByRole('button', { name: 'Enter this sheet' }).click();
	await expect(page.getByRole('heading', { name: /^Sheet \d+ entered$/ })).toBeVisible();
	violations.push(...(await violationsOn(page, 'a sheet entered, and the list of sheets')));
	await page
		.getByRole('row', { name: /Person using the service/ })
		.getByRole('link', { name: /Remove/ })
		.click();
	await expect(page.getByRole('button', { name: 'Remove this sheet' })).toBeVisible();
	violations.push(...(await violationsOn(page, 'the confirmation before removing a sheet')));
	await page.getByRole('button', { name: 'Remove this sheet' }).click();
	await expect(page.getByText('The sheet has been removed.')).toBeVisible();
	expect(violations).toEqual([]);
});

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
