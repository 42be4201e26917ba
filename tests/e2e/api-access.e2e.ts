import { expect, test } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import { demoPlaces, PLACES, type Place, type PlaceIds } from './places';
import { makeToken, signInRequest } from './api-tokens';
import { parseCsv } from './helpers';
import { API_RULES, type ApiAnswer, type ApiRule } from '../api-rules';
import { VISITORS, type Visitor } from '../route-rules';

// Every row of tests/api-rules.ts, with a token of each demo visitor, in each place.

let server: RunningServer;
let ids: Record<Place, PlaceIds>;

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
	ids = demoPlaces(server.databasePath);
});
test.afterAll(async () => {
	await server?.stop();
});

function rowsOf(contentType: string, body: string): Record<string, string>[] {
	if (contentType.startsWith('text/csv')) {
		expect(body.startsWith('\uFEFF'), 'CSV starts with a byte-order mark').toBe(true);
		const [header, ...rows] = parseCsv(body.slice(1));
		return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
	}
	return (JSON.parse(body) as { data: Record<string, string>[] }).data;
}

async function answer(
	get: (path: string) => Promise<{ status: number; contentType: string; body: string }>,
	rule: ApiRule,
	place: PlaceIds
): Promise<ApiAnswer | string> {
	const path = rule.ask.replace(/\[(\w+)\]/g, (_, name: string) => place[name]);
	const { status, contentType, body } = await get(path);
	if (status === 401) return '401';
	if (status === 404) return '404';
	if (status !== 200) return `${status} ${body.slice(0, 200)}`;
	const rows = rowsOf(contentType, body);
	return rows.some((row) => row[rule.look.column] === place[rule.look.id]) ? 'rows' : 'none';
}

const visitors: Visitor[] = ['anonymous', ...(Object.keys(VISITORS) as Visitor[])];

for (const visitor of visitors) {
	test(`the ${visitor}'s token reads what tests/api-rules.ts says`, async ({ playwright }) => {
		const browser = await playwright.request.newContext();
		let token: string | null = null;
		if (visitor !== 'anonymous') {
			await signInRequest(browser, server.baseURL, visitor);
			token = await makeToken(browser, server.baseURL);
		}
		// The token alone: a fresh context carries no session cookie.
		const api = await playwright.request.newContext({
			extraHTTPHeaders: token ? { authorization: `Bearer ${token}` } : {}
		});
		const get = async (path: string) => {
			const response = await api.get(server.baseURL + path, { maxRedirects: 0 });
			return {
				status: response.status(),
				contentType: response.headers()['content-type'] ?? '',
				body: await response.text()
			};
		};
		const problems: string[] = [];
		for (const rule of API_RULES) {
			for (const [i, place] of PLACES.entries()) {
				const want = rule.answers[visitor][i];
				const got = await answer(get, rule, ids[place]);
				if (got !== want) problems.push(`${rule.ask} (${place}): expected ${want}, got ${got}`);
			}
		}
		// The session alone, on the API: refused as if there were no token.
		const withSession = await browser.get(`${server.baseURL}/api/v1/organisations`);
		expect(withSession.status()).toBe(401);
		expect(problems).toEqual([]);
		await api.dispose();
		await browser.dispose();
	});
}
