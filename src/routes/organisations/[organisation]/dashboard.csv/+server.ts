import { authorise } from '$lib/server/access/guard';
import { requireOrganisation } from '$lib/server/organisations';
import {
	organisationDashboard,
	organisationFiltersFromUrl,
	tableCsvResponse
} from '$lib/server/dashboards';
import type { RequestHandler } from './$types';

export const GET = ((event) => {
	const organisationId = event.params.organisation;
	const person = authorise(event, 'organisation.overview', { organisationId });
	const db = event.locals.db;
	const organisation = requireOrganisation(db, organisationId);
	const dashboard = organisationDashboard(
		db,
		organisationId,
		organisationFiltersFromUrl(event.url),
		person
	);
	return tableCsvResponse(
		dashboard?.tables ?? {},
		event.url.searchParams.get('table'),
		`${organisation.name}-dashboard`
	);
}) satisfies RequestHandler;
