// Who may reach each route, in one table. A unit test fails when a route exists without a row
// here; an e2e test visits every route as each kind of visitor and checks the answer.
//
// Answers: 'page' (200), 'sign-in' (redirected to sign in), '404', 'home' (redirected onwards).
// Routes with parameters are visited with ids that do not exist and with ids the visitor may not
// reach: both must answer 404 to a signed-in person, so a guessed id confirms nothing.

export type Answer = 'page' | 'sign-in' | '404' | 'home';

export interface RouteRule {
	/** Who decides, in words: the policy action the route asks for, or why it is public. */
	rule: string;
	anonymous: Answer;
	/** A signed-in person with no role in the organisation the route belongs to. */
	outsider: Answer;
}

export const ROUTE_RULES: Record<string, RouteRule> = {
	'/': { rule: 'public: sends people on to their organisations or to sign in', anonymous: 'sign-in', outsider: 'home' },
	'/sign-in': { rule: 'public', anonymous: 'page', outsider: 'home' },
	'/sign-out': { rule: 'public: ends the current session, if any', anonymous: 'home', outsider: 'home' },
	'/setup/[token]': { rule: 'public with the one-time token while no account exists', anonymous: '404', outsider: '404' },
	'/organisations': { rule: 'signed in; lists only organisations the person belongs to', anonymous: 'sign-in', outsider: 'page' },
	'/organisations/new': { rule: 'organisation.create', anonymous: 'sign-in', outsider: '404' },
	'/organisations/[organisation]': { rule: 'organisation.view', anonymous: 'sign-in', outsider: '404' },
	'/organisations/[organisation]/services/new': { rule: 'organisation.manage', anonymous: 'sign-in', outsider: '404' },
	'/organisations/[organisation]/services/[service]': { rule: 'service.view', anonymous: 'sign-in', outsider: '404' },
	'/organisations/[organisation]/rounds/new': { rule: 'organisation.manage', anonymous: 'sign-in', outsider: '404' },
	'/organisations/[organisation]/rounds/[round]': { rule: 'organisation.view; open and close need organisation.manage', anonymous: 'sign-in', outsider: '404' },
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]': { rule: 'assessment.view; saving needs assessment.edit', anonymous: 'sign-in', outsider: '404' }
};

/** Every route in src/routes that runs server code, as its URL pattern. */
export async function routesInApp(): Promise<string[]> {
	const { readdirSync } = await import('node:fs');
	const { join, relative, sep } = await import('node:path');
	const root = 'src/routes';
	const found = new Set<string>();
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path);
			else if (/^\+(page|page\.server|server)\.(ts|js|svelte)$/.test(entry.name)) {
				const route = '/' + relative(root, dir).split(sep).filter((part) => part && !/^\(.*\)$/.test(part)).join('/');
				found.add(route === '/' ? '/' : route.replace(/\/$/, ''));
			}
		}
	};
	walk(root);
	return [...found].sort();
}
