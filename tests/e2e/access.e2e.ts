import { expect, test, type APIRequestContext, type PlaywrightWorkerArgs } from '@playwright/test';
import Database from 'better-sqlite3';
import { preparePastAuditImports } from './past-audit-imports';
import { startServer, type RunningServer } from './server';
import { signInAs } from './crawl';
import { demoPlaces, PLACES, type Place, type PlaceIds } from './places';
import { ROUTE_RULES, VISITORS, type Answer, type Visitor } from '../route-rules';

// Every route × every kind of visitor × inside and outside their own organisation and service,
// on the demo data. The expected answers are in tests/route-rules.ts.

let server: RunningServer;
let ids: Record<Place, PlaceIds>;

test.beforeAll(async ({ playwright }) => {
	server = await startServer({ IMROC_DEMO: '1' });
	ids = demoPlaces(server.databasePath);
	// An undone import and a file waiting on its preview, both Northmoor's (so elsewhere, the ids
	// are another organisation's).
	const administrator = await requestAs(playwright, 'organisationAdmin');
	const imports = await preparePastAuditImports(administrator, server.baseURL, ids.home);
	await administrator.dispose();
	for (const place of PLACES) Object.assign(ids[place], imports);
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
	if (status === 400) return '400';
	if (status === 401) return '401';
	if (status === 303 && location.startsWith('/sign-in')) return 'sign-in';
	if (status === 303) return 'home';
	return `${status} ${location}`;
}

const browserPost = { accept: 'text/html' };

async function requestAs(playwright: PlaywrightWorkerArgs['playwright'], visitor: Visitor) {
	const request = await playwright.request.newContext();
	if (visitor === 'anonymous') return request;
	const { email, password } = VISITORS[visitor];
	const response = await request.post(`${server.baseURL}/sign-in`, {
		form: { email, password },
		headers: { origin: server.baseURL, ...browserPost },
		maxRedirects: 0
	});
	expect(response.status(), `${email} signs in`).toBe(303);
	return request;
}

const visitors: Visitor[] = ['anonymous', ...(Object.keys(VISITORS) as Visitor[])];

for (const visitor of visitors) {
	test(`every route answers the ${visitor} as the table says`, async ({ playwright }) => {
		const request = await requestAs(playwright, visitor);
		const problems: string[] = [];
		for (const [route, rule] of Object.entries(ROUTE_RULES)) {
			const expected = rule.answers[visitor];
			const places = typeof expected === 'string' ? (['home'] as Place[]) : PLACES;
			for (const [i, place] of places.entries()) {
				const want = typeof expected === 'string' ? expected : expected[i];
				const got = await answer(request, url(route, ids[place]));
				if (got !== want) problems.push(`${route} (${place}): expected ${want}, got ${got}`);
			}
			// Token routes are already visited with a made-up token; more guesses would (rightly) be throttled.
			if (route.includes('[') && !route.includes('[token]')) {
				const madeUp = Object.fromEntries(Object.keys(ids.home).map((k) => [k, 'doesnotexist']));
				const want = visitor === 'anonymous' ? 'sign-in' : '404';
				const got = await answer(request, url(route, madeUp));
				if (got !== want) problems.push(`${route} (made-up ids): expected ${want}, got ${got}`);
			}
		}
		expect(problems).toEqual([]);
	});
}

const ACTIONS = [
	'/organisations/[organisation]/services/new',
	'/organisations/[organisation]/rounds/new',
	'/organisations/[organisation]/rounds/[round]?/close',
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/save',
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/saveAndContinue',
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/teamPlan',
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/addStrength',
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/confirmStrength',
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/undoCompletion',
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/complete',
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/raters?/add',
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/rating?/save',
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/rating?/submit',
	'/organisations/[organisation]/people?/invite',
	'/organisations/[organisation]/services/[service]/people?/invite',
	'/organisations/[organisation]/services/[service]/actions/new',
	'/organisations/[organisation]/services/[service]/actions/[action]?/note',
	'/organisations/[organisation]/services/[service]/actions/[action]/edit',
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/review'
];

test('no one can post to the actions of an organisation they do not belong to, and nothing changes', async ({
	playwright
}) => {
	for (const visitor of ['organisationAdmin', 'serviceLead', 'facilitator', 'viewer'] as const) {
		const request = await requestAs(playwright, visitor);
		for (const action of ACTIONS) {
			const posted = await request.post(url(action, ids.elsewhere), {
				form: {
					name: 'Taken over',
					title: 'Taken over',
					body: 'Taken over',
					strengthText: 'Taken over',
					type: 'Other',
					email: 'intruder@elsewhere.example',
					role: 'organisation_admin'
				},
				headers: { origin: server.baseURL, ...browserPost },
				maxRedirects: 0
			});
			expect(posted.status(), `${visitor} → ${action}`).toBe(404);
		}
	}
	const db = new Database(server.databasePath, { readonly: true });
	const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
	expect(count("SELECT count(*) AS n FROM service WHERE name = 'Taken over'")).toBe(0);
	expect(
		count("SELECT count(*) AS n FROM invitation WHERE email = 'intruder@elsewhere.example'")
	).toBe(0);
	expect(
		count("SELECT count(*) AS n FROM round WHERE status = 'closed' AND title LIKE 'Autumn 2026%'")
	).toBe(0);
	expect(count("SELECT count(*) AS n FROM improvement_action WHERE title = 'Taken over'")).toBe(0);
	expect(count("SELECT count(*) AS n FROM action_note WHERE body = 'Taken over'")).toBe(0);
	expect(count("SELECT count(*) AS n FROM strength WHERE text = 'Taken over'")).toBe(0);
	expect(count('SELECT count(*) AS n FROM action_review WHERE reviewed_by IS NOT NULL')).toBe(0);
	db.close();
	await expect.poll(() => server.output()).toContain('access refused');
});

test('within their own organisation, people cannot use actions their role does not allow', async ({
	playwright
}) => {
	const cases: [Exclude<Visitor, 'anonymous'>, string][] = [
		['rater', '/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/save'],
		['facilitator', '/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/save'],
		['rater', '/organisations/[organisation]/rounds/[round]/assessments/[assessment]/raters?/add'],
		[
			'rater',
			'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/rating?/submit'
		],
		[
			'serviceLead',
			'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/rating?/perspective'
		],
		['viewer', '/organisations/[organisation]/rounds/[round]?/close'],
		['serviceLead', '/organisations/[organisation]/rounds/[round]?/close'],
		['serviceLead', '/organisations/[organisation]/people?/invite'],
		['rater', '/organisations/[organisation]/services/[service]/people?/invite'],
		['rater', '/organisations/[organisation]/services/[service]/actions/new'],
		['facilitator', '/organisations/[organisation]/services/[service]/actions/[action]/edit'],
		['viewer', '/organisations/[organisation]/services/[service]/actions/[action]?/note'],
		['rater', '/organisations/[organisation]/rounds/[round]/assessments/[assessment]/review']
	];
	for (const [visitor, action] of cases) {
		const request = await requestAs(playwright, visitor);
		const posted = await request.post(url(action, ids.home), {
			form: { email: 'new.person@trust.example', role: 'organisation_admin' },
			headers: { origin: server.baseURL, ...browserPost },
			maxRedirects: 0
		});
		expect(posted.status(), `${visitor} → ${action}`).toBe(404);
	}
});

test('a service lead cannot invite anyone to a role above their own', async ({ playwright }) => {
	const lead = await requestAs(playwright, 'serviceLead');
	const posted = await lead.post(
		url('/organisations/[organisation]/services/[service]/people?/invite', ids.home),
		{
			form: { email: 'friend@trust.example', role: 'service_lead' },
			headers: { origin: server.baseURL, ...browserPost },
			maxRedirects: 0
		}
	);
	expect(posted.status()).toBe(403);
	expect(await posted.text()).toContain('You cannot give that role here');
});

test('a state-changing request from another site is refused, whatever its content type', async ({
	playwright
}) => {
	const admin = await requestAs(playwright, 'organisationAdmin');
	const close = url('/organisations/[organisation]/rounds/[round]?/close', ids.home);
	const attempts = [
		admin.post(close, {
			form: {},
			headers: { origin: 'http://elsewhere.example', ...browserPost },
			maxRedirects: 0
		}),
		admin.post(close, {
			data: '{}',
			headers: { origin: 'http://elsewhere.example', 'content-type': 'application/json' },
			maxRedirects: 0
		}),
		admin.post(close, { form: {}, headers: browserPost, maxRedirects: 0 })
	];
	for (const [i, attempt] of attempts.entries()) {
		const posted = await attempt;
		expect(posted.status(), `attempt ${i + 1}`).toBe(403);
	}
});

test('a facilitator leaves a comment but cannot change scores; a viewer can only read', async ({
	page,
	playwright
}) => {
	// An assessment still being agreed: a complete one takes no more comments (checked below).
	const db = new Database(server.databasePath, { readonly: true });
	const open = db
		.prepare(
			`SELECT a.id AS assessment, a.round_id AS round, r.organisation_id AS organisation,
			   (SELECT COUNT(*) FROM assessment_comment c JOIN assessment x ON x.id = c.assessment_id
			    WHERE x.status = 'complete') AS onComplete
			 FROM assessment a JOIN round r ON r.id = a.round_id
			 WHERE r.organisation_id = ? AND r.status = 'open' AND a.status = 'in_progress'
			 ORDER BY a.id LIMIT 1`
		)
		.get(ids.sibling.organisation) as {
		assessment: string;
		round: string;
		organisation: string;
		onComplete: number;
	};
	const complete = db
		.prepare(
			`SELECT a.id AS assessment, a.round_id AS round FROM assessment a JOIN round r ON r.id = a.round_id
			 WHERE r.organisation_id = ? AND a.status = 'complete' ORDER BY a.id LIMIT 1`
		)
		.get(ids.sibling.organisation) as { assessment: string; round: string };
	db.close();
	const assessment = url('/organisations/[organisation]/rounds/[round]/assessments/[assessment]', {
		...ids.sibling,
		round: open.round,
		assessment: open.assessment
	});
	await signInAs(page, server.baseURL, 'facilitator');
	await page.goto(assessment);
	await expect(page.getByRole('button', { name: 'Save and come back later' })).toHaveCount(0);
	await page.getByRole('button', { name: 'Add comment' }).click();
	await expect(page.locator('.nhsuk-error-summary')).toContainText('Enter a comment');
	await page
		.getByLabel('Add a comment')
		.fill('Carers’ views would strengthen the evidence for challenge 7.');
	await page.getByRole('button', { name: 'Add comment' }).click();
	await expect(
		page.getByText('Carers’ views would strengthen the evidence for challenge 7.')
	).toBeVisible();
	await expect(page.getByText('Aisha Rahman', { exact: false }).first()).toBeVisible();

	const viewer = await requestAs(playwright, 'viewer');
	const asViewer = await viewer.get(assessment);
	expect(await asViewer.text()).toContain('Carers’ views would strengthen');
	expect(await asViewer.text()).not.toContain('Add a comment');
	const posted = await viewer.post(`${assessment}?/comment`, {
		form: { body: 'Viewers cannot comment' },
		headers: { origin: server.baseURL, ...browserPost },
		maxRedirects: 0
	});
	expect(posted.status()).toBe(404);

	// A complete assessment shows no comment form and refuses a comment posted all the same.
	const completeUrl = url('/organisations/[organisation]/rounds/[round]/assessments/[assessment]', {
		...ids.sibling,
		...complete
	});
	await page.goto(completeUrl);
	await expect(page.getByText('No more comments can be added to this assessment.')).toBeVisible();
	await expect(page.getByLabel('Add a comment')).toHaveCount(0);
	const refused = await page.request.post(`${completeUrl}?/comment`, {
		form: { body: 'A comment on a complete assessment' },
		headers: { origin: server.baseURL, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(refused.status()).toBe(409);
	const after = new Database(server.databasePath, { readonly: true });
	const onComplete = (
		after
			.prepare(
				`SELECT COUNT(*) AS n FROM assessment_comment c JOIN assessment x ON x.id = c.assessment_id
				 WHERE x.status = 'complete'`
			)
			.get() as { n: number }
	).n;
	after.close();
	expect(onComplete).toBe(open.onComplete);
});
