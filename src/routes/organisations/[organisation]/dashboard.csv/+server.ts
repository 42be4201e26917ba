import { requireOrganisation } from '$lib/server/http/require';
import { tableCsvResponse } from '$lib/server/http/csv';
import {
	organisationDashboard,
	organisationFiltersFromUrl
} from '$lib/server/dashboards/organisation';
import { recordDownload } from '$lib/server/audit/security';
import type { RequestHandler } from './$types';

export const GET = ((event) => {
	const { db, person, organisation } = requireOrganisation(event, 'organisation.overview');
	const filters = organisationFiltersFromUrl(event.url);
	const dashboard = organisationDashboard(db, organisation.id, filters, person);
	const table = event.url.searchParams.get('table');
	const response = tableCsvResponse(
		dashboard?.tables ?? {},
		table,
		`${organisation.name}-dashboard`
	);
	if (response.ok) {
		recordDownload(db, {
			actorId: person.id,
			table: `organisation-dashboard/${table}`,
			organisationId: organisation.id,
			filters
		});
	}
	return response;
}) satisfies RequestHandler;
