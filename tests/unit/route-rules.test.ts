import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { ROUTE_RULES, routesInApp } from '../route-rules';

const PUBLIC_ROUTES = ['/', '/sign-in', '/sign-out', '/setup/[token]'];

describe('route rules', () => {
	it('every route in the app has a row in tests/route-rules.ts, and every row a route', async () => {
		const routes = await routesInApp();
		expect(routes.filter((r) => !(r in ROUTE_RULES)), 'routes without a rule').toEqual([]);
		expect(Object.keys(ROUTE_RULES).filter((r) => !routes.includes(r)), 'rules without a route').toEqual([]);
	});

	it('every non-public route asks the policy in its server file, for its load and its actions', async () => {
		for (const route of await routesInApp()) {
			if (PUBLIC_ROUTES.includes(route)) continue;
			const file = `src/routes${route}/+page.server.ts`;
			expect(existsSync(file), `${route} has a server file`).toBe(true);
			const source = readFileSync(file, 'utf8');
			const checks = (source.match(/\b(authorise|requirePerson)\(/g) ?? []).length;
			const handlers = 1 + (source.match(/^\t[a-z]+: (async )?\(/gm) ?? []).length;
			expect(checks, `${route}: every load and action checks access`).toBeGreaterThanOrEqual(handlers);
		}
	});
});
