// What each demo visitor's API token reads, in one table beside tests/route-rules.ts:
// token × endpoint × place. tests/e2e/api-access.e2e.ts makes a token for each visitor on the demo
// data and asks every row in every place.
//
// Places are those of tests/route-rules.ts: home (Northmoor, Ashford CMHT), sibling (Northmoor,
// Willow Ward), elsewhere (Eastgate, where no demo account holds a role). A row's `ask` is filled
// with the place's ids; the answer is read from what comes back:
//   'rows'  200, and the place's own record (the `look` column holding the place's id) is there;
//   'none'  200, without it (the token reads something, but not that);
//   '404'   a filter named something the token cannot read, answered as if it did not exist;
//   '401'   no token (the anonymous visitor has none: a session cookie never counts here).
// The token reads exactly what its holder may see on the site (src/lib/server/api/scope.ts asks
// the policy), so these answers mirror tests/route-rules.ts: organisation-wide roles read every
// service of their organisation, service roles their own service only.

import type { Visitor } from './route-rules';

export type ApiAnswer = 'rows' | 'none' | '404' | '401';
type Places = [home: ApiAnswer, sibling: ApiAnswer, elsewhere: ApiAnswer];

export interface ApiRule {
	/** The address asked, with [organisation] and [service] filled from the place. */
	ask: string;
	/** The column that holds the place's record, and which of the place's ids it should hold. */
	look: { column: string; id: 'organisation' | 'service' | 'round' | 'action' };
	rule: string;
	answers: Record<Visitor, Places>;
}

const R: ApiAnswer = 'rows';
const E: ApiAnswer = 'none';
const N: ApiAnswer = '404';
const U: Places = ['401', '401', '401'];

/** Organisation-wide roles at Northmoor: administrators, the facilitator and the viewer. */
const organisationWide = (sibling: ApiAnswer, elsewhere: ApiAnswer) => ({
	platformAdmin: [R, sibling, elsewhere] as Places,
	organisationAdmin: [R, sibling, elsewhere] as Places,
	facilitator: [R, sibling, elsewhere] as Places,
	viewer: [R, sibling, elsewhere] as Places
});
/** The service lead and the rater hold their role in Ashford CMHT only. */
const serviceOnly = (home: ApiAnswer, sibling: ApiAnswer, elsewhere: ApiAnswer) => ({
	serviceLead: [home, sibling, elsewhere] as Places,
	rater: [home, sibling, elsewhere] as Places
});

export const API_RULES: ApiRule[] = [
	{
		ask: '/api/v1/organisations?limit=1000',
		look: { column: 'organisation_id', id: 'organisation' },
		rule: 'organisation.view: the organisations the holder has any role in',
		answers: { anonymous: U, ...organisationWide(R, E), ...serviceOnly(R, R, E) }
	},
	{
		ask: '/api/v1/services?limit=1000',
		look: { column: 'service_id', id: 'service' },
		rule: 'service.view',
		answers: { anonymous: U, ...organisationWide(R, E), ...serviceOnly(R, E, E) }
	},
	{
		ask: '/api/v1/services?organisation=[organisation]&limit=1000',
		look: { column: 'service_id', id: 'service' },
		rule: 'service.view, within an organisation the holder may open',
		answers: { anonymous: U, ...organisationWide(R, N), ...serviceOnly(R, E, N) }
	},
	{
		ask: '/api/v1/rounds?organisation=[organisation]&limit=1000',
		look: { column: 'round_id', id: 'round' },
		rule: 'organisation.view',
		answers: { anonymous: U, ...organisationWide(R, N), ...serviceOnly(R, R, N) }
	},
	{
		ask: '/api/v1/scores?service=[service]&limit=1000',
		look: { column: 'service_id', id: 'service' },
		rule: 'assessment.view (the service’s agreed levels)',
		answers: { anonymous: U, ...organisationWide(R, N), ...serviceOnly(R, N, N) }
	},
	{
		ask: '/api/v1/scores?service=[service]&format=csv',
		look: { column: 'service_id', id: 'service' },
		rule: 'assessment.view, as CSV',
		answers: { anonymous: U, ...organisationWide(R, N), ...serviceOnly(R, N, N) }
	},
	{
		ask: '/api/v1/scores?organisation=[organisation]&format=csv',
		look: { column: 'service_id', id: 'service' },
		rule: 'assessment.view: an organisation filter still reads only the services the holder may see',
		answers: { anonymous: U, ...organisationWide(R, N), ...serviceOnly(R, E, N) }
	},
	{
		ask: '/api/v1/actions?service=[service]&limit=1000',
		look: { column: 'action_id', id: 'action' },
		rule: 'service.view (the service’s improvement plan)',
		answers: { anonymous: U, ...organisationWide(R, N), ...serviceOnly(R, N, N) }
	},
	{
		ask: '/api/v1/actions?organisation=[organisation]&limit=1000',
		look: { column: 'action_id', id: 'action' },
		rule: 'service.view, within an organisation the holder may open',
		answers: { anonymous: U, ...organisationWide(R, N), ...serviceOnly(R, E, N) }
	}
];
