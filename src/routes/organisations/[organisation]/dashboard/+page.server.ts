import { requireOrganisation } from '$lib/server/http/require';
import {
	organisationDashboardPage,
	organisationFiltersFromUrl
} from '$lib/server/dashboards/organisation';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, person, organisation } = requireOrganisation(event, 'organisation.overview');
	const filters = organisationFiltersFromUrl(event.url);
	return {
		organisation,
		query: event.url.search,
		...organisationDashboardPage(db, person, organisation.id, filters)
	};
}) satisfies PageServerLoad;
