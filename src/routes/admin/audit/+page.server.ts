import { requirePermission } from '$lib/server/http/require';
import { auditTrailPage } from '$lib/server/http/audit-page';
import { auditTrailPeople } from '$lib/server/audit/trail';
import type { PageServerLoad } from './$types';

// The platform's trail: events that belong to no organisation (signing in and out, first-run
// setup, account changes, framework packs, cross-site downloads).
export const load = ((event) => {
	const { db } = requirePermission(event, 'platform_audit.view');
	return {
		people: auditTrailPeople(db, null),
		...auditTrailPage(db, null, event.url, { path: '/admin/audit', csvPath: '/admin/audit.csv' })
	};
}) satisfies PageServerLoad;
