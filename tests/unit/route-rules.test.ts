import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { ROUTE_RULES, routesInApp } from '../route-rules';

const PUBLIC_ROUTES = [
	'/',
	'/accessibility',
	'/sign-in',
	'/sign-in/code',
	'/sign-out',
	'/setup/[token]',
	'/invitations/[token]',
	'/reset-password/[token]',
	'/wrong-address',
	'/forgotten-password',
	// The room's participants have no account: the session's code and their cookie are the permission.
	'/join',
	'/join/[token]',
	'/join/[token]/rate',
	// Describes the read API and holds no data; tools read it before they are given a token.
	'/api/v1/openapi.json',
	// For a monitor: says 200 or 503 and nothing else.
	'/healthz'
];

describe('route rules', () => {
	it('every route in the app has a row in tests/route-rules.ts, and every row a route', async () => {
		const routes = await routesInApp();
		expect(
			routes.filter((r) => !(r in ROUTE_RULES)),
			'routes without a rule'
		).toEqual([]);
		expect(
			Object.keys(ROUTE_RULES).filter((r) => !routes.includes(r)),
			'rules without a route'
		).toEqual([]);
	});

	// A quick guard against a new route that forgets to ask; tests/e2e/access.e2e.ts proves the answers.
	it('every non-public route asks the access guard in its server file', async () => {
		for (const route of await routesInApp()) {
			if (PUBLIC_ROUTES.includes(route)) continue;
			const file = [`src/routes${route}/+page.server.ts`, `src/routes${route}/+server.ts`].find(
				(f) => existsSync(f)
			);
			expect(file, `${route} has a server file`).toBeDefined();
			const source = readFileSync(file!, 'utf8');
			expect(source, route).toMatch(
				/\b(require(Person|Permission|Organisation|Service|Grouping|Round|Assessment|Rater|ImprovementAction|Framework|ApiToken)|loadPeople)\(/
			);
		}
	});
});
