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

/** Another assessment of the same trust in the open round that is still under way. */
async function anotherOpenAssessmentPath(): Promise<string> {
	const { default: Database } = await import('better-sqlite3');
	const db = new Database(server.databasePath, { readonly: true });
	try {
		const row = db
			.prepare(
				`SELECT r.organisation_id AS o, r.id AS r, a.id AS a FROM assessment a
				 JOIN round r ON r.id = a.round_id JOIN service s ON s.id = a.service_id
				 WHERE r.status = 'open' AND a.status = 'in_progress' AND a.id <> ?
				 AND r.organisation_id = (SELECT r2.organisation_id FROM assessment a2 JOIN round r2 ON r2.id = a2.round_id WHERE a2.id = ?)`
			)
			.get(assessmentPath.split('/').pop(), assessmentPath.split('/').pop()) as {
			o: string;
			r: string;
			a: string;
		};
		return `/organisations/${row.o}/rounds/${row.r}/assessments/${row.a}`;
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
	// The lead agrees the levels, so every perspective is shown on its own, the carer's too.
	const first = lead.locator('details').filter({ hasText: 'How people rated' }).first();
	await first.locator('summary').click();
	const table = first.getByRole('table');
	await expect(
		table.getByRole('rowheader', { name: 'Carer, family member or supporter' })
	).toBeVisible();
	await expect(table.getByRole('rowheader', { name: 'Person using the service' })).toBeVisible();
	await expect(first.getByText('Carers are rarely asked.')).toBeVisible();
});

/** Posts a form action as `use:enhance` does, and reads SvelteKit's JSON answer. */
async function postAction(page: Page, path: string, form: Record<string, string>) {
	const response = await page.request.post(server.baseURL + path, {
		form,
		headers: { origin: server.baseURL, 'x-sveltekit-action': 'true' },
		maxRedirects: 0
	});
	const text = await response.text();
	let body: { type?: string; status?: number } = {};
	try {
		body = JSON.parse(text);
	} catch {
		// not JSON: a refusal before the action ran (such as a body too large)
	}
	return { httpStatus: response.status(), status: body.status ?? response.status(), text };
}

test('bad input from a phone is refused with a clear message, stores nothing, and is never a 500', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const lead = await leadPage(browser);
	const code = await startSession(lead, 'At their own pace');
	const bare = code.replaceAll('-', '');
	const challengeIds = await lead
		.locator('table form[action="?/reveal"] input[name="challenge"]')
		.evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
	const before = await countRows(`SELECT count(*) AS n FROM participant`);
	const answersBefore = await countRows(`SELECT count(*) AS n FROM participant_rating`);

	// A wrong code, typed or linked.
	const phone = await (await browser.newContext(PHONE)).newPage();
	await phone.goto(server.baseURL + '/join');
	await phone.getByLabel('The code on the screen').fill('ZZZ-ZZZ-ZZZ');
	await phone.getByRole('button', { name: 'Join' }).click();
	await expect(errorSummary(phone)).toContainText('That code does not open a rating session');
	const wrongLink = await phone.goto(server.baseURL + '/join/ZZZZZZZZZ');
	expect(wrongLink?.status()).toBe(200);
	await expect(
		phone.getByRole('heading', { name: 'That code does not open a rating session' })
	).toBeVisible();

	// A perspective that does not exist, and none at all.
	for (const perspective of ['wizard', 'other', '']) {
		const refused = await postAction(phone, `/join/${bare}?/join`, { perspective });
		expect(refused.status).toBe(400);
		expect(refused.text).toContain('Select the perspective you are rating from');
	}
	// Rating without having joined.
	const stranger = await postAction(phone, `/join/${bare}/rate?/save`, {
		challenge: challengeIds[0],
		level: '2'
	});
	expect(stranger.status).toBe(403);
	expect(await countRows(`SELECT count(*) AS n FROM participant`)).toBe(before);

	await phone.goto(server.baseURL + `/join/${bare}`);
	await phone.getByLabel('Peer support worker').check();
	await phone.getByRole('button', { name: 'Join and start' }).click();
	await expect(phone.getByText('Challenge 1 of 10')).toBeVisible();

	// A level off the scale, nonsense for a level, an unknown challenge, a 1 MB comment.
	for (const [form, words] of [
		[{ challenge: challengeIds[0], level: '9' }, 'Select one of the levels shown'],
		[{ challenge: challengeIds[0], level: 'lots' }, 'Select one of the levels shown'],
		[{ challenge: 'not-a-challenge', level: '2' }, 'not one of this assessment’s challenges'],
		[{ challenge: challengeIds[0], level: '2', comment: 'x'.repeat(1024 * 1024) }, '']
	] as const) {
		const refused = await postAction(phone, `/join/${bare}/rate?/save`, form);
		expect(refused.status, JSON.stringify(form).slice(0, 80)).toBeGreaterThanOrEqual(400);
		expect(refused.status).toBeLessThan(500);
		if (words) expect(refused.text).toContain(words);
	}
	expect(await countRows(`SELECT count(*) AS n FROM participant_rating`)).toBe(answersBefore);

	// The same refusals in the page, with JavaScript: the error summary names the problem.
	await phone.getByRole('button', { name: 'Save and go to the next challenge' }).click();
	await expect(errorSummary(phone)).toContainText('Select a level, or ‘Don’t know’');

	// Another session's cookie: the organisation administrator runs a session for Willow Ward.
	const admin = await (await browser.newContext()).newPage();
	await signInAs(admin, server.baseURL, 'organisationAdmin');
	const willow = await anotherOpenAssessmentPath();
	await admin.goto(server.baseURL + willow + '/session');
	await admin.getByLabel(/^Together/).check();
	await admin.getByRole('button', { name: 'Start the session' }).click();
	const willowCode = (await admin.locator('.app-join-code').textContent())!
		.trim()
		.replaceAll('-', '');
	await phone.goto(server.baseURL + `/join/${willowCode}/rate`);
	await expect(phone.getByText('This device joined a different rating session')).toBeVisible();
	const crossed = await postAction(phone, `/join/${willowCode}/rate?/save`, {
		challenge: challengeIds[0],
		level: '2'
	});
	expect(crossed.status).toBe(403);
	expect(crossed.text).toContain('joined a different rating session');
	// A forged cookie: the right participant id with a wrong secret.
	const [cookie] = (await phone.context().cookies()).filter((c) =>
		c.name.endsWith('imroc_participant')
	);
	const forged = await browser.newContext(PHONE);
	await forged.addCookies([
		{ ...cookie, value: cookie.value.replace(/\..*/, '.' + 'A'.repeat(43)) }
	]);
	const forgedPage = await forged.newPage();
	await forgedPage.goto(server.baseURL + `/join/${bare}/rate`);
	await expect(forgedPage.getByText('does not match')).toBeVisible();
	expect(
		(
			await postAction(forgedPage, `/join/${bare}/rate?/save`, {
				challenge: challengeIds[0],
				level: '2'
			})
		).status
	).toBe(403);
	expect(await countRows(`SELECT count(*) AS n FROM participant_rating`)).toBe(answersBefore);

	// After the session closes, its code and its cookies are refused alike.
	await closeSession(lead);
	const closed = await postAction(phone, `/join/${bare}/rate?/save`, {
		challenge: challengeIds[0],
		level: '2'
	});
	expect(closed.status).toBe(404);
	expect(closed.text).toContain('That code does not open a rating session');
	await phone.goto(server.baseURL + `/join/${bare}`);
	await expect(
		phone.getByRole('heading', { name: 'That code does not open a rating session' })
	).toBeVisible();
	await admin.goto(server.baseURL + willow + '/session?close');
	await admin.getByRole('button', { name: 'Yes, close the session' }).click();
});

test('many wrong codes from one address are slowed, then refused', async ({ browser }) => {
	// Last in the file: every test's phones share the loopback address.
	const phone = await (await browser.newContext(PHONE)).newPage();
	await phone.goto(server.baseURL + '/join');
	const statuses: number[] = [];
	for (let i = 0; i < 14; i++) {
		const answer = await postAction(phone, '/join', { code: `ZZZ-ZZZ-ZZ${'ABCDEFGHJKMNPQ'[i]}` });
		statuses.push(answer.status);
	}
	expect(statuses.slice(0, 3)).toEqual([400, 400, 400]);
	expect(statuses.slice(-2)).toEqual([429, 429]);
	await phone.getByLabel('The code on the screen').fill('ZZZ-ZZZ-ZZZ');
	await phone.getByRole('button', { name: 'Join' }).click();
	await expect(errorSummary(phone)).toContainText(
		'Too many wrong codes have come from this network'
	);
});
