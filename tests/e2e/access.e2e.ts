import { expect, test, type APIRequestContext, type PlaywrightWorkerArgs } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import { ROUTE_RULES, type Answer } from '../route-rules';

// Runs on the demo data: the viewer account belongs to Riverside and Vale only, so it is an
// outsider to Northmoor, whose ids are read from the organisation administrator's pages.

let server: RunningServer;
const ids: Record<string, string> = {};

test.beforeAll(async ({ browser }) => {
	server = await startServer({ IMROC_DEMO: '1' });
	const page = await browser.newPage();
	await page.goto(`${server.baseURL}/sign-in`);
	await page.getByLabel('Email address').fill('orgadmin@demo.example');
	await page.getByLabel('Password').fill('demo-orgadmin-2026');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByRole('link', { name: 'Northmoor Mental Health NHS Foundation Trust' }).click();
	const href = (name: RegExp | string) => page.getByRole('link', { name }).first().getAttribute('href');
	const serviceHref = (await href('Ashford Community Mental Health Team'))!;
	const roundHref = (await href('Autumn 2026 recovery audit'))!;
	await page.goto(server.baseURL + roundHref);
	const assessmentHref = (await href(/assessment of Ashford/))!;
	ids.organisation = serviceHref.split('/')[2];
	ids.service = serviceHref.split('/')[4];
	ids.round = roundHref.split('/')[4];
	ids.assessment = assessmentHref.split('/')[6];
	ids.token = 'not-a-real-token';
	await page.close();
});
test.afterAll(async () => {
	await server?.stop();
});

const url = (route: string, values: Record<string, string>) =>
	server.baseURL + route.replace(/\[(\w+)\]/g, (_, name: string) => values[name]);

async function answer(request: APIRequestContext, target: string): Promise<Answer | string> {
	const response = await request.get(target, { maxRedirects: 0 });
	const status = response.status();
	const location = response.headers()['location'] ?? '';
	if (status === 200) return 'page';
	if (status === 404) return '404';
	if (status === 303 && location.startsWith('/sign-in')) return 'sign-in';
	if (status === 303) return 'home';
	return `${status} ${location}`;
}

async function signedInRequest(playwright: PlaywrightWorkerArgs['playwright'], email: string, password: string) {
	const request = await playwright.request.newContext();
	const response = await request.post(`${server.baseURL}/sign-in`, {
		form: { email, password },
		headers: { origin: server.baseURL, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(response.status(), `${email} signs in`).toBe(303);
	return request;
}

test('every route answers an anonymous visitor as the table says', async ({ playwright }) => {
	const request = await playwright.request.newContext();
	for (const [route, rule] of Object.entries(ROUTE_RULES)) {
		expect(await answer(request, url(route, ids)), route).toBe(rule.anonymous);
	}
});

test('every route answers an outsider as the table says, with real ids and with made-up ones', async ({ playwright }) => {
	const request = await signedInRequest(playwright, 'viewer@demo.example', 'demo-viewer-2026');
	const madeUp = Object.fromEntries(Object.keys(ids).map((k) => [k, 'doesnotexist']));
	for (const [route, rule] of Object.entries(ROUTE_RULES)) {
		expect(await answer(request, url(route, ids)), `${route} with Northmoor's ids`).toBe(rule.outsider);
		expect(await answer(request, url(route, madeUp)), `${route} with made-up ids`).toBe(rule.outsider);
	}
});

const ACTIONS_OF_NORTHMOOR = [
	'/organisations/[organisation]/services/new',
	'/organisations/[organisation]/rounds/new',
	'/organisations/[organisation]/rounds/[round]?/open',
	'/organisations/[organisation]/rounds/[round]?/close',
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/save',
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/complete'
];

test('an outsider cannot post to any action of another organisation, and nothing changes', async ({ playwright }) => {
	const outsider = await signedInRequest(playwright, 'viewer@demo.example', 'demo-viewer-2026');
	for (const action of ACTIONS_OF_NORTHMOOR) {
		const posted = await outsider.post(url(action, ids), {
			form: { name: 'Taken over', type: 'Other' },
			headers: { origin: server.baseURL, accept: 'text/html' },
			maxRedirects: 0
		});
		expect(posted.status(), action).toBe(404);
	}
	const organisationPost = await outsider.post(`${server.baseURL}/organisations/new`, {
		form: { name: 'Not allowed', groupingLabel: 'Directorate' },
		headers: { origin: server.baseURL, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(organisationPost.status()).toBe(404);

	const insider = await signedInRequest(playwright, 'orgadmin@demo.example', 'demo-orgadmin-2026');
	const round = await insider.get(url('/organisations/[organisation]/rounds/[round]', ids));
	expect(await round.text()).toContain('Close round');
	const organisation = await insider.get(url('/organisations/[organisation]', ids));
	expect(await organisation.text()).not.toContain('Taken over');
	expect(server.output()).toContain('access refused');
});

test('a rater sees their service but cannot save agreed scores', async ({ playwright }) => {
	const rater = await signedInRequest(playwright, 'rater@demo.example', 'demo-rater-2026');
	const assessment = url('/organisations/[organisation]/rounds/[round]/assessments/[assessment]', ids);
	const page = await rater.get(assessment);
	expect(page.status()).toBe(200);
	expect(await page.text()).not.toContain('Save and come back later');
	const posted = await rater.post(`${assessment}?/save`, {
		form: {},
		headers: { origin: server.baseURL, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(posted.status()).toBe(404);
});
