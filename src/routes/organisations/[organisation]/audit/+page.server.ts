import { requireOrganisation } from '$lib/server/http/require';
import { auditTrailPage } from '$lib/server/http/audit-page';
import { auditTrailPeople, auditTrailServices } from '$lib/server/audit/trail';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, organisation } = requireOrganisation(event, 'audit.view');
	const base = `/organisations/${organisation.id}`;
	return {
		organisation,
		people: auditTrailPeople(db, organisation.id),
		services: auditTrailServices(db, organisation.id),
		...auditTrailPage(db, organisation.id, event.url, {
			path: `${base}/audit`,
			csvPath: `${base}/audit.csv`
		})
	};
}) satisfies PageServerLoad;
