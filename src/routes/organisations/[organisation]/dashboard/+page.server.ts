import { requireOrganisation } from '$lib/server/http/require';
import { may } from '$lib/server/access/policy';
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
		canManage: may(person, 'organisation.manage', { organisationId: organisation.id }),
		...organisationDashboardPage(db, person, organisation.id, filters)
	};
}) satisfies PageServerLoad;
