import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import { openRoundAssessmentPath, signInAs } from './crawl';
import { errorSummary } from './helpers';

// A live rating session on the demo data: the service lead of Ashford CMHT runs it; three people
// join on phones without accounts (one with JavaScript off) and rate every challenge while the
// projected screen follows live.

const PHONE = { viewport: { width: 375, height: 740 } };

let server: RunningServer;
let assessmentPath: string;

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
	assessmentPath = await openRoundAssessmentPath(
		server.databasePath,
		'Ashford Community Mental Health Team'
	);
});
test.afterAll(async () => {
	await server?.stop();
});

async function countRows(sql: string, ...params: unknown[]): Promise<number> {
	const { default: Database } = await import('better-sqlite3');
	const db = new Database(server.databasePath, { readonly: true });
	try {
		return (db.prepare(sql).get(...params) as { n: number }).n;
	} finally {
		db.close();
	}
}

async function leadPage(browser: Browser): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await signInAs(page, server.baseURL, 'serviceLead');
	return page;
}

async function startSession(lead: Page, pace: 'Together' | 'At their own pace') {
	await lead.goto(server.baseURL + assessmentPath);
	await lead.getByRole('link', { name: 'Run a rating session in the room' }).click();
	await lead.getByLabel(new RegExp(`^${pace}`)).check();
	await lead.getByLabel(/^Rate privately first/).check();
	await lead.getByRole('button', { name: 'Start the session' }).click();
	const code = (await lead.locator('.app-join-code').textContent())!.trim();
	expect(code).toMatch(/^[A-Z2-9]{3}-[A-Z2-9]{3}-[A-Z2-9]{3}$/);
	return code;
}

async function closeSession(lead: Page) {
	await lead.goto(server.baseURL + assessmentPath + '/session');
	await lead.getByRole('link', { name: 'Close the session' }).click();
	await lead.getByRole('button', { name: 'Yes, close the session' }).click();
	await expect(lead.getByText(/The last session closed on/)).toBeVisible();
}

async function join(
	browser: Browser,
	code: string,
	perspective: string,
	options: { javaScriptEnabled?: boolean } = {}
): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ ...PHONE, ...options });
	const page = await context.newPage();
	await page.goto(server.baseURL + '/join');
	// Typed as people do: lower case, spaces instead of hyphens.
	await page.getByLabel('The code on the screen').fill(code.toLowerCase().replaceAll('-', ' '));
	await page.getByRole('button', { name: 'Join' }).click();
	await page.getByLabel(perspective).check();
	await page.getByRole('button', { name: 'Join and start' }).click();
	await expect(page.getByText('Challenge 1 of 10')).toBeVisible();
	return { context, page };
}

async function answer(page: Page, level: string, comment = '') {
	await page.getByLabel(level, { exact: true }).check();
	if (comment) await page.getByLabel('Comment (optional)').fill(comment);
	await page.getByRole('button', { name: 'Save my answer' }).click();
	await expect(page.getByText('Your answer has been saved.')).toBeVisible();
}

test('a session in the room: join by code, rate together, the screen follows live and shows the spread only after a reveal', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const lead = await leadPage(browser);
	const code = await startSession(lead, 'Together');
	const runUrl = lead.url();
	const challengeIds = await lead
		.locator('table form[action="?/reveal"] input[name="challenge"]')
		.evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
	expect(challengeIds.length).toBeGreaterThanOrEqual(9);

	const screen = await (await lead.context()).newPage();
	await screen.goto(runUrl + '/screen');
	const answered = screen.getByTestId('answered');
	await expect(answered).toHaveText('0 of 0 answered');
	await expect(screen.getByText(code)).toBeVisible();
	await expect(screen.getByRole('img', { name: /QR code/ })).toBeVisible();
	await expect(
		screen.getByText('Record your own view first; the spread is shown after.')
	).toBeVisible();

	const staff = await join(browser, code, 'Staff member');
	await expect(answered).toHaveText('0 of 1 answered');
	const person = await join(browser, code, 'Person using the service');
	const carer = await join(browser, code, 'Carer, family member or supporter', {
		javaScriptEnabled: false
	});
	await expect(answered).toHaveText('0 of 3 answered');

	// Only the current challenge: the phone shows no other, and an answer for another is refused.
	const challenge1 = (await staff.page.locator('legend h1').textContent())!.trim();
	expect(challenge1.length).toBeGreaterThan(3);
	const early = await staff.page.request.post(
		server.baseURL + `/join/${code.replaceAll('-', '')}/rate?/save`,
		{
			form: { challenge: challengeIds[1], level: '2', comment: '' },
			headers: { origin: server.baseURL, 'x-sveltekit-action': 'true' }
		}
	);
	const earlyBody = await early.json();
	expect(earlyBody.status).toBe(409);
	expect(JSON.stringify(earlyBody)).toContain('The room has moved on');
	expect(
		await countRows(
			`SELECT count(*) AS n FROM participant_rating WHERE challenge_id = ?`,
			challengeIds[1]
		)
	).toBe(0);

	await answer(staff.page, '4. Transformation', 'Plans are shared with people.');
	await expect(answered).toHaveText('1 of 3 answered');
	await answer(person.page, '1. Not yet started');
	await answer(carer.page, '2. Engagement', 'Carers are rarely asked.');
	await expect(answered).toHaveText('3 of 3 answered');
	// No spread before the reveal, on the screen or the phones.
	await expect(screen.getByRole('table')).toHaveCount(0);
	await expect(staff.page.getByText('How the room rated this challenge')).toHaveCount(0);

	await lead.goto(runUrl);
	await lead.getByRole('button', { name: 'Reveal the spread for this challenge' }).click();
	const table = screen.getByRole('table');
	await expect(table).toBeVisible();
	// Three perspectives of one person each: the lone carer (and everyone) is folded in.
	await expect(table.getByRole('rowheader', { name: 'Other perspectives' })).toBeVisible();
	await expect(table.getByRole('rowheader', { name: /Carer/ })).toHaveCount(0);
	await expect(screen.getByText('Views differ by two levels or more')).toBeVisible();
	await staff.page.reload();
	await expect(staff.page.getByText('How the room rated this challenge')).toBeVisible();
	await expect(staff.page.getByRole('rowheader', { name: /Carer/ })).toHaveCount(0);
	// A participant sees their own answer and nobody else's.
	await expect(staff.page.getByLabel('Comment (optional)')).toHaveValue(
		'Plans are shared with people.'
	);
	await expect(staff.page.getByText('Carers are rarely asked.')).toHaveCount(0);

	// The rest of the challenges, the room moving together.
	for (let i = 1; i < challengeIds.length; i++) {
		await lead.goto(runUrl);
		await lead.getByRole('button', { name: 'Next challenge' }).click();
		await expect(answered).toHaveText('0 of 3 answered');
		await expect(screen.getByText(`Challenge ${i + 1} of ${challengeIds.length}`)).toBeVisible();
		for (const phone of [staff, person, carer]) {
			await phone.page.reload();
			await expect(
				phone.page.getByText(`Challenge ${i + 1} of ${challengeIds.length}`)
			).toBeVisible();
			await expect(phone.page.getByRole('heading', { name: challenge1, exact: true })).toHaveCount(
				0
			);
			await answer(phone.page, phone === person ? '1. Not yet started' : '3. Development');
		}
		await expect(answered).toHaveText('3 of 3 answered');
	}

	for (const phone of [staff, person, carer]) {
		await phone.page.getByRole('button', { name: 'Submit my answers' }).click();
		await expect(
			phone.page.getByRole('heading', { name: 'Thank you: your answers are in' })
		).toBeVisible();
	}
	await expect(carer.page.getByText('Carers are rarely asked.')).toBeVisible();
	await expect(carer.page.getByText('Plans are shared with people.')).toHaveCount(0);
	// After submitting, answers no longer change.
	const late = await staff.page.request.post(
		server.baseURL + `/join/${code.replaceAll('-', '')}/rate?/save`,
		{
			form: { challenge: challengeIds[challengeIds.length - 1], level: '1', comment: '' },
			headers: { origin: server.baseURL, 'x-sveltekit-action': 'true' }
		}
	);
	expect((await late.json()).status).toBe(409);

	await closeSession(lead);
	await expect(
		screen.getByRole('heading', { name: 'This rating session has closed' })
	).toBeVisible();
	await staff.page.reload();
	await expect(staff.page.getByText('That code does not open a rating session')).toBeVisible();
	expect(await countRows(`SELECT count(*) AS n FROM participant_rating`)).toBe(
		3 * challengeIds.length
	);
	expect(
		await countRows(`SELECT count(*) AS n FROM audit_event WHERE action LIKE 'rating_session.%'`)
	).toBe(2);
	expect(
		await countRows(
			`SELECT count(*) AS n FROM audit_event WHERE action LIKE 'rating_session.%' AND (coalesce(after, '') LIKE '%Carers%' OR coalesce(after, '') LIKE '%level%')`
		)
	).toBe(0);
});

test('after the session closes, the agreeing page counts the room’s ratings with everyone else’s', async ({
	browser
}) => {
	// Needs the participants' ratings counted on the agreeing page ("Participants count" on main).
	const lead = await leadPage(browser);
	await lead.goto(server.baseURL + assessmentPath);
	const spreads = lead.locator('figure').filter({ hasText: 'individual ratings' });
	await expect(spreads.first()).toBeVisible();
	await expect(
		spreads.first().getByRole('rowheader', { name: 'Carer, family member or supporter' })
	).toBeVisible();
});
