import { requireOrganisation } from '$lib/server/http/require';
import { tableCsvResponse } from '$lib/server/http/csv';
import {
	organisationDashboard,
	organisationFiltersFromUrl
} from '$lib/server/dashboards/organisation';
import type { RequestHandler } from './$types';

export const GET = ((event) => {
	const { db, person, organisation } = requireOrganisation(event, 'organisation.overview');
	const filters = organisationFiltersFromUrl(event.url);
	const dashboard = organisationDashboard(db, organisation.id, filters, person);
	return tableCsvResponse(
		dashboard?.tables ?? {},
		event.url.searchParams.get('table'),
		`${organisation.name}-dashboard`
	);
}) satisfies RequestHandler;
