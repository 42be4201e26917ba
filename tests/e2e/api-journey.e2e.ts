import { expect, test, type APIRequestContext } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import { demoPlaces, type Place, type PlaceIds } from './places';
import { signInAs } from './crawl';
import { parseCsv } from './helpers';

// An analyst makes a token in the browser, uses it as curl and Power BI would (Bearer, and Basic
// with the token as the password), reads nothing of another organisation, and is refused the
// moment the token is revoked: by themselves, or by their organisation's administrator.

let server: RunningServer;
let ids: Record<Place, PlaceIds>;

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
	ids = demoPlaces(server.databasePath);
});
test.afterAll(async () => {
	await server?.stop();
});

const basic = (token: string) => `Basic ${Buffer.from(`power-bi:${token}`).toString('base64')}`;

async function call(request: APIRequestContext, path: string, authorization?: string) {
	const response = await request.get(server.baseURL + path, {
		headers: authorization ? { authorization } : {},
		maxRedirects: 0
	});
	return { response, status: response.status(), text: await response.text() };
}

test('a token made in the browser reads the API with Bearer and Basic, and stops when revoked', async ({
	page,
	browser,
	playwright
}) => {
	await signInAs(page, server.baseURL, 'viewer');
	await page.goto(`${server.baseURL}/account`);
	await page.getByRole('link', { name: 'Manage your API tokens' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'API tokens' })).toBeVisible();

	// A name is needed: the form says so and keeps the choice.
	await page.getByRole('button', { name: 'Make token' }).click();
	await expect(page.getByRole('alert')).toContainText('Enter a name for the token');

	await page.getByLabel('Name').fill('Board dashboard in Power BI');
	await page.getByLabel('30 days').check();
	await page.getByRole('button', { name: 'Make token' }).click();
	const token = await page.getByLabel(/Token “Board dashboard in Power BI”/).inputValue();
	expect(token).toMatch(/^imroc_[a-z2-7]{32}$/);
	// Shown once: the page opened again does not have it.
	await page.goto(`${server.baseURL}/account/tokens`);
	await expect(
		page.getByRole('cell', { name: 'Board dashboard in Power BI', exact: true })
	).toBeVisible();
	expect(await page.content()).not.toContain(token);

	const api = await playwright.request.newContext();

	// Bearer, as curl -H "Authorization: Bearer …".
	const organisations = await call(api, '/api/v1/organisations', `Bearer ${token}`);
	expect(organisations.status).toBe(200);
	const listed = JSON.parse(organisations.text).data.map(
		(o: { organisation_id: string }) => o.organisation_id
	);
	expect(listed).toEqual([ids.home.organisation]);

	// Basic with the token as the password, as Power BI's Web connector sends it: every score as CSV.
	const scores = await call(api, '/api/v1/scores?format=csv', basic(token));
	expect(scores.status).toBe(200);
	expect(scores.response.headers()['content-type']).toBe('text/csv; charset=utf-8');
	const [header, ...rows] = parseCsv(scores.text.replace(/^\uFEFF/, ''));
	expect(header).toContain('level_name');
	expect(rows.length).toBeGreaterThan(0);
	const organisationColumn = header.indexOf('organisation_id');
	expect(new Set(rows.map((r) => r[organisationColumn]))).toEqual(new Set([ids.home.organisation]));

	// JSON pages follow their cursor to the end, every row once.
	let next: string | null = '/api/v1/scores?limit=50';
	let paged = 0;
	while (next) {
		const pageOfScores = await call(api, next, `Bearer ${token}`);
		expect(pageOfScores.status).toBe(200);
		const body = JSON.parse(pageOfScores.text);
		paged += body.data.length;
		next = body.next;
	}
	expect(paged).toBe(rows.length);

	// Another organisation's data: answered as if it did not exist.
	for (const path of [
		`/api/v1/services?organisation=${ids.elsewhere.organisation}`,
		`/api/v1/scores?service=${ids.elsewhere.service}`,
		`/api/v1/rounds?organisation=${ids.elsewhere.organisation}`
	]) {
		const refused = await call(api, path, `Bearer ${token}`);
		expect(refused.status, path).toBe(404);
		expect(refused.text).not.toContain(ids.elsewhere.organisation + '"');
	}

	// Bad input: a JSON error with a 4xx, never a 500.
	for (const path of [
		'/api/v1/scores?format=xml',
		'/api/v1/scores?limit=5000',
		'/api/v1/scores?cursor=not-a-cursor',
		'/api/v1/scores?colour=red',
		'/api/v1/scores?from=yesterday'
	]) {
		const refused = await call(api, path, `Bearer ${token}`);
		expect(refused.status, path).toBe(400);
		expect(JSON.parse(refused.text).error.message, path).toMatch(/\w/);
	}

	// An address that is not an endpoint answers in JSON too.
	const nowhere = await call(api, '/api/v1/score', `Bearer ${token}`);
	expect(nowhere.status).toBe(404);
	expect(JSON.parse(nowhere.text).error.message).toMatch(/openapi\.json/);

	// The session cookie does not open the API, and the token opens nothing else.
	expect((await page.request.get(`${server.baseURL}/api/v1/organisations`)).status()).toBe(401);
	const site = await call(api, `/organisations/${ids.home.organisation}`, `Bearer ${token}`);
	expect(site.status).toBe(303);
	expect(site.response.headers()['location']).toMatch(/^\/sign-in/);

	// The calls are counted for the holder to see.
	await page.reload();
	await expect(
		page.getByRole('cell', { name: '/api/v1/scores?format=csv', exact: true })
	).toBeVisible();

	// Revoked: refused exactly as a missing or malformed token is.
	const missing = await call(api, '/api/v1/organisations');
	const malformed = await call(api, '/api/v1/organisations', 'Bearer imroc_nonsense');
	await page
		.getByRole('button', { name: /Revoke the token “Board dashboard in Power BI”/ })
		.click();
	await expect(page.getByText('The token has been revoked')).toBeVisible();
	const revoked = await call(api, '/api/v1/organisations', `Bearer ${token}`);
	const revokedBasic = await call(api, '/api/v1/scores?format=csv', basic(token));
	for (const refused of [missing, malformed, revoked, revokedBasic]) {
		expect(refused.status).toBe(401);
		expect(refused.response.headers()['www-authenticate']).toBe(
			'Bearer realm="imroc", Basic realm="imroc"'
		);
		expect(refused.text).toBe(missing.text);
	}

	// The organisation's administrator sees the viewer's tokens, and can revoke one.
	await page.goto(`${server.baseURL}/account/tokens`);
	await page.getByLabel('Name').fill('Second token');
	await page.getByRole('button', { name: 'Make token' }).click();
	const second = await page.getByLabel(/Token “Second token”/).inputValue();
	expect((await call(api, '/api/v1/organisations', `Bearer ${second}`)).status).toBe(200);

	const administrator = await (await browser.newContext()).newPage();
	await signInAs(administrator, server.baseURL, 'organisationAdmin');
	await administrator.goto(`${server.baseURL}/organisations/${ids.home.organisation}/people`);
	await administrator.getByRole('link', { name: 'API tokens of your people' }).click();
	await expect(
		administrator.getByRole('cell', { name: 'Board dashboard in Power BI', exact: true })
	).toBeVisible();
	await administrator.getByRole('button', { name: /Revoke .*token “Second token”/ }).click();
	await expect(administrator.getByText('The token has been revoked')).toBeVisible();
	expect((await call(api, '/api/v1/organisations', `Bearer ${second}`)).status).toBe(401);

	// Both revocations are in the organisation's audit trail.
	await administrator.goto(`${server.baseURL}/organisations/${ids.home.organisation}/audit`);
	await expect(administrator.getByText('Revoked an API token').first()).toBeVisible();
	await api.dispose();
});
