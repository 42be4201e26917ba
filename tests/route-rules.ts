// Who may reach each route, in one table. A unit test fails when a route exists without a row
// here; tests/e2e/access.e2e.ts visits every route as every kind of visitor on the demo data and
// checks the answer.
//
// Answers: 'page' (200), 'sign-in' (sent to sign in), '404', 'home' (sent on elsewhere), '400'
// (reached, but a download needs its table named), '401' (the read API: a token, never a session;
// what each token reads there is in tests/api-rules.ts).
// Routes inside an organisation are visited in three places, written as [home, sibling, elsewhere]:
//   home      Northmoor trust, the Ashford CMHT service, its assessment in the open round;
//   sibling   Northmoor trust, another of its services (Willow Ward) and that service's assessment;
//   elsewhere Eastgate trust, where none of the demo accounts holds a role.
// A made-up id always answers like 'elsewhere' (404 to anyone signed in), so a guessed id confirms nothing.

export type Answer = 'page' | 'sign-in' | '404' | 'home' | '400' | '401';
export type Visitor =
	| 'anonymous'
	| 'platformAdmin'
	| 'organisationAdmin'
	| 'serviceLead'
	| 'rater'
	| 'facilitator'
	| 'viewer';
type Places = [home: Answer, sibling: Answer, elsewhere: Answer];

/** The demo accounts that play each visitor. The platform administrator also administers Northmoor. */
export const VISITORS: Record<
	Exclude<Visitor, 'anonymous'>,
	{ email: string; password: string }
> = {
	platformAdmin: { email: 'admin@demo.example', password: 'demo-admin-2026' },
	organisationAdmin: { email: 'orgadmin@demo.example', password: 'demo-orgadmin-2026' },
	serviceLead: { email: 'lead@demo.example', password: 'demo-lead-2026' },
	rater: { email: 'rater@demo.example', password: 'demo-rater-2026' },
	facilitator: { email: 'facilitator@demo.example', password: 'demo-facilitator-2026' },
	viewer: { email: 'viewer@demo.example', password: 'demo-viewer-2026' }
};

export interface RouteRule {
	/** Who decides, in words: the policy action the route asks for, or why it is public. */
	rule: string;
	answers: Record<Visitor, Answer | Places>;
}

const everyone = (
	anonymous: Answer,
	signedIn: Answer | Places
): Record<Visitor, Answer | Places> => ({
	anonymous,
	platformAdmin: signedIn,
	organisationAdmin: signedIn,
	serviceLead: signedIn,
	rater: signedIn,
	facilitator: signedIn,
	viewer: signedIn
});

const P: Answer = 'page';
const N: Answer = '404';
const S: Answer = 'sign-in';

export const ROUTE_RULES: Record<string, RouteRule> = {
	'/': {
		rule: 'public: sends people on to their organisations or to sign in',
		answers: everyone(S, 'home')
	},
	'/sign-in': { rule: 'public', answers: everyone(P, 'home') },
	'/sign-in/code': {
		rule: 'public: the second step of signing in; without a sign-in waiting for its code, back to the first',
		answers: everyone(S, S)
	},
	'/accessibility': { rule: 'public: the accessibility statement', answers: everyone(P, P) },
	'/wrong-address': {
		rule: 'public: where the server is set up to be used (ORIGIN)',
		answers: everyone(P, P)
	},
	'/sign-out': {
		rule: 'public: ends the current session, if any',
		answers: everyone('home', 'home')
	},
	'/setup/[token]': {
		rule: 'public with the one-time token, while no account exists',
		answers: everyone(N, N)
	},
	'/invitations/[token]': { rule: 'public with a valid invitation link', answers: everyone(N, N) },
	'/reset-password/[token]': { rule: 'public with a valid reset link', answers: everyone(N, N) },
	'/forgotten-password': {
		rule: 'public: asks for a reset link by email, or says who can issue one',
		answers: everyone(P, P)
	},
	'/account': { rule: 'signed in: one’s own password and sessions', answers: everyone(S, P) },
	'/account/tokens': {
		rule: 'signed in: one’s own API tokens',
		answers: everyone(S, P)
	},
	'/healthz': {
		rule: 'public: 200 or 503 and nothing else, for a monitor',
		answers: everyone(P, P)
	},
	'/api/v1/openapi.json': {
		rule: 'public: the read API’s description, which holds no data',
		answers: everyone(P, P)
	},
	'/api/v1/organisations': { rule: 'an API token only', answers: everyone('401', '401') },
	'/api/v1/services': { rule: 'an API token only', answers: everyone('401', '401') },
	'/api/v1/rounds': { rule: 'an API token only', answers: everyone('401', '401') },
	'/api/v1/scores': { rule: 'an API token only', answers: everyone('401', '401') },
	'/api/v1/actions': { rule: 'an API token only', answers: everyone('401', '401') },
	'/account/two-step': {
		rule: 'signed in: one’s own two-step sign-in (the one page open to someone who must set it up)',
		answers: everyone(S, P)
	},
	'/admin/accounts': {
		rule: 'accounts.administer',
		answers: { ...everyone(S, N), platformAdmin: P }
	},
	'/admin/audit': {
		rule: 'platform_audit.view: the server’s own trail (platform administrators only)',
		answers: { ...everyone(S, N), platformAdmin: P }
	},
	'/admin/audit.csv': {
		rule: 'platform_audit.view',
		answers: { ...everyone(S, N), platformAdmin: P }
	},
	'/admin/frameworks': {
		rule: 'frameworks.manage',
		answers: { ...everyone(S, N), platformAdmin: P }
	},
	'/admin/frameworks/template.xlsx': {
		rule: 'frameworks.manage: the empty pack workbook to fill in',
		answers: { ...everyone(S, N), platformAdmin: P }
	},
	'/admin/frameworks/[framework]': {
		rule: 'frameworks.manage',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, P] }
	},
	'/admin/frameworks/[framework]/pack.xlsx': {
		rule: 'frameworks.manage: a stored version as a workbook',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, P] }
	},
	'/admin/frameworks/[framework]/retire': {
		rule: 'frameworks.manage: asks before retiring a version',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, P] }
	},
	'/sites': {
		rule: 'sites.view: platform administrators and facilitators; shows only sites.compare sites',
		answers: { ...everyone(S, N), platformAdmin: P, facilitator: P }
	},
	'/sites.csv': {
		rule: 'sites.view, as /sites (a missing table choice is a 400, tested apart)',
		answers: { ...everyone(S, N), platformAdmin: '400', facilitator: '400' }
	},
	'/my-work': {
		rule: 'signed in; lists only work in services the person may see',
		answers: everyone(S, P)
	},
	'/organisations': {
		rule: 'signed in; lists only organisations the person belongs to',
		answers: everyone(S, P)
	},
	'/organisations/new': {
		rule: 'organisation.create',
		answers: { ...everyone(S, N), platformAdmin: P }
	},
	'/organisations/[organisation]': { rule: 'organisation.view', answers: everyone(S, [P, P, N]) },
	'/organisations/[organisation]/people': {
		rule: 'organisation.people, or organisation.facilitators for a platform administrator',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, P], organisationAdmin: [P, P, N] }
	},
	'/organisations/[organisation]/people/tokens': {
		rule: 'organisation.people: the organisation’s administrators',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, N], organisationAdmin: [P, P, N] }
	},
	'/organisations/[organisation]/audit': {
		rule: 'audit.view',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, N], organisationAdmin: [P, P, N] }
	},
	'/organisations/[organisation]/audit.csv': {
		rule: 'audit.view',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, N], organisationAdmin: [P, P, N] }
	},
	'/organisations/[organisation]/groupings': {
		rule: 'organisation.manage',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, N], organisationAdmin: [P, P, N] }
	},
	'/organisations/[organisation]/groupings/[grouping]': {
		rule: 'organisation.manage',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, N], organisationAdmin: [P, P, N] }
	},
	'/organisations/[organisation]/imports': {
		rule: 'organisation.manage',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, N], organisationAdmin: [P, P, N] }
	},
	'/organisations/[organisation]/imports/uploads/[upload]': {
		rule: 'organisation.manage, and only for the person who uploaded the file (the platform administrator administers Northmoor too, but did not upload it)',
		answers: { ...everyone(S, [N, N, N]), organisationAdmin: [P, P, N] }
	},
	'/organisations/[organisation]/imports/[import]/undo': {
		rule: 'organisation.manage',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, N], organisationAdmin: [P, P, N] }
	},
	'/organisations/[organisation]/imports/template.xlsx': {
		rule: 'organisation.manage: the past-audits template as a workbook',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, N], organisationAdmin: [P, P, N] }
	},
	'/organisations/[organisation]/imports/template.csv': {
		rule: 'organisation.manage: the past-audits template as a CSV file',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, N], organisationAdmin: [P, P, N] }
	},
	'/organisations/[organisation]/services/new': {
		rule: 'organisation.manage',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, N], organisationAdmin: [P, P, N] }
	},
	'/organisations/[organisation]/services/add-several': {
		rule: 'organisation.manage',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, N], organisationAdmin: [P, P, N] }
	},
	'/organisations/[organisation]/services/[service]': {
		rule: 'service.view',
		answers: { ...everyone(S, [P, P, N]), serviceLead: [P, N, N], rater: [P, N, N] }
	},
	'/organisations/[organisation]/services/[service]/plan': {
		rule: 'service.view; adding actions needs plan.edit',
		answers: { ...everyone(S, [P, P, N]), serviceLead: [P, N, N], rater: [P, N, N] }
	},
	'/organisations/[organisation]/services/[service]/actions/new': {
		rule: 'plan.edit',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: [P, P, N],
			organisationAdmin: [P, P, N],
			serviceLead: [P, N, N]
		}
	},
	'/organisations/[organisation]/services/[service]/actions/[action]': {
		rule: 'service.view; progress notes need action.note (planners, and the action’s owner)',
		answers: { ...everyone(S, [P, P, N]), serviceLead: [P, N, N], rater: [P, N, N] }
	},
	'/organisations/[organisation]/services/[service]/actions/[action]/edit': {
		rule: 'plan.edit',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: [P, P, N],
			organisationAdmin: [P, P, N],
			serviceLead: [P, N, N]
		}
	},
	'/organisations/[organisation]/dashboard': {
		rule: 'organisation.overview: organisation-wide roles only',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: [P, P, N],
			organisationAdmin: [P, P, N],
			facilitator: [P, P, N],
			viewer: [P, P, N]
		}
	},
	'/organisations/[organisation]/dashboard.csv': {
		rule: 'organisation.overview (without a table choice: 400)',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: ['400', '400', N],
			organisationAdmin: ['400', '400', N],
			facilitator: ['400', '400', N],
			viewer: ['400', '400', N]
		}
	},
	'/organisations/[organisation]/history.xlsx': {
		rule: 'organisation.overview: organisation-wide roles only',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: [P, P, N],
			organisationAdmin: [P, P, N],
			facilitator: [P, P, N],
			viewer: [P, P, N]
		}
	},
	'/organisations/[organisation]/rounds/[round]/workbook.xlsx': {
		rule: 'organisation.overview: organisation-wide roles only',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: [P, P, N],
			organisationAdmin: [P, P, N],
			facilitator: [P, P, N],
			viewer: [P, P, N]
		}
	},
	'/organisations/[organisation]/services/[service]/dashboard': {
		rule: 'service.view',
		answers: { ...everyone(S, [P, P, N]), serviceLead: [P, N, N], rater: [P, N, N] }
	},
	'/organisations/[organisation]/services/[service]/dashboard.csv': {
		rule: 'service.view (without a table choice: 400)',
		answers: { ...everyone(S, ['400', '400', N]), serviceLead: ['400', N, N], rater: ['400', N, N] }
	},
	'/organisations/[organisation]/rounds/[round]/report': {
		rule: 'organisation.overview: the board report, as the organisation dashboard',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: [P, P, N],
			organisationAdmin: [P, P, N],
			facilitator: [P, P, N],
			viewer: [P, P, N]
		}
	},
	'/organisations/[organisation]/rounds/[round]/report/running-header.css': {
		rule: 'organisation.overview: the board report’s running header for printing',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: [P, P, N],
			organisationAdmin: [P, P, N],
			facilitator: [P, P, N],
			viewer: [P, P, N]
		}
	},
	'/organisations/[organisation]/services/[service]/report': {
		rule: 'service.view, as the service dashboard',
		answers: { ...everyone(S, [P, P, N]), serviceLead: [P, N, N], rater: [P, N, N] }
	},
	'/organisations/[organisation]/services/[service]/report/running-header.css': {
		rule: 'service.view: the service report’s running header for printing',
		answers: { ...everyone(S, [P, P, N]), serviceLead: [P, N, N], rater: [P, N, N] }
	},
	'/organisations/[organisation]/actions': {
		rule: 'organisation.overview: organisation-wide roles only',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: [P, P, N],
			organisationAdmin: [P, P, N],
			facilitator: [P, P, N],
			viewer: [P, P, N]
		}
	},
	'/organisations/[organisation]/services/[service]/people': {
		rule: 'service.people',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: [P, P, N],
			organisationAdmin: [P, P, N],
			serviceLead: [P, N, N]
		}
	},
	'/organisations/[organisation]/rounds/new': {
		rule: 'organisation.manage',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, N], organisationAdmin: [P, P, N] }
	},
	'/organisations/[organisation]/rounds/[round]': {
		rule: 'organisation.view; open, close and reopen need organisation.manage',
		answers: everyone(S, [P, P, N])
	},
	'/organisations/[organisation]/rounds/[round]/edit': {
		// Every demo round is open or closed, and a round that is no longer a draft sends those who
		// may manage it on to the round page.
		rule: 'organisation.manage; only a draft round can be changed',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: ['home', 'home', N],
			organisationAdmin: ['home', 'home', N]
		}
	},
	'/organisations/[organisation]/rounds/[round]/services': {
		rule: 'organisation.manage; services are added and taken out only while the round is open',
		answers: { ...everyone(S, [N, N, N]), platformAdmin: [P, P, N], organisationAdmin: [P, P, N] }
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]': {
		rule: 'assessment.view; saving needs assessment.edit',
		answers: { ...everyone(S, [P, P, N]), serviceLead: [P, N, N], rater: [P, N, N] }
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/review': {
		rule: 'assessment.view; deciding needs plan.edit',
		answers: { ...everyone(S, [P, P, N]), serviceLead: [P, N, N], rater: [P, N, N] }
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/complete': {
		rule: 'assessment.edit: the confirmation step before marking the assessment complete',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: [P, P, N],
			organisationAdmin: [P, P, N],
			serviceLead: [P, N, N]
		}
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/raters': {
		rule: 'assessment.edit: the lead sees and adds raters',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: [P, P, N],
			organisationAdmin: [P, P, N],
			serviceLead: [P, N, N]
		}
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/sheets': {
		rule: 'assessment.edit: those who run the assessment print rating sheets, as they choose raters',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: [P, P, N],
			organisationAdmin: [P, P, N],
			serviceLead: [P, N, N]
		}
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/sheets/enter': {
		rule: 'assessment.edit: those who run the assessment type in paper rating sheets',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: [P, P, N],
			organisationAdmin: [P, P, N],
			serviceLead: [P, N, N]
		}
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/session': {
		rule: 'assessment.edit: whoever runs the assessment (and invites its raters) runs its rating sessions',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: [P, P, N],
			organisationAdmin: [P, P, N],
			serviceLead: [P, N, N]
		}
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/session/screen': {
		rule: 'assessment.edit: the screen for the room, shown by whoever runs the session',
		answers: {
			...everyone(S, [N, N, N]),
			platformAdmin: [P, P, N],
			organisationAdmin: [P, P, N],
			serviceLead: [P, N, N]
		}
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/session/events': {
		// The demo data has no open session, so even those who run it get 404 from the stream.
		rule: 'assessment.edit and an open session: the screen’s live updates (server-sent events)',
		answers: everyone(S, [N, N, N])
	},
	'/join': { rule: 'public: anyone in the room types the session’s code', answers: everyone(P, P) },
	'/join/[token]': {
		rule: 'public with an open session’s code (a wrong one is told so, and counted against the address)',
		answers: everyone(P, P)
	},
	'/join/[token]/rate': {
		rule: 'public with an open session’s code, but only the participant cookie of that session rates (otherwise it says so)',
		answers: everyone(P, P)
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/rating': {
		// The demo data invites nobody to rate, so every signed-in visitor is refused everywhere.
		rule: 'assessment.view and an invitation to rate this assessment (assessment_rater)',
		answers: everyone(S, [N, N, N])
	}
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
				const route =
					'/' +
					relative(root, dir)
						.split(sep)
						.filter((part) => part && !/^\(.*\)$/.test(part))
						.join('/');
				found.add(route === '/' ? '/' : route.replace(/\/$/, ''));
			}
		}
	};
	walk(root);
	return [...found].sort();
}
