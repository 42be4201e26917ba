import { requireOrganisation } from '$lib/server/http/require';
import { listGroupings } from '$lib/server/groupings';
import { SERVICE_TYPES } from '$lib/domain/services';
import { organisationDashboard, organisationFiltersFromUrl } from '$lib/server/dashboards';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, person, organisation } = requireOrganisation(event, 'organisation.overview');
	const filters = organisationFiltersFromUrl(event.url);
	return {
		organisation,
		filters,
		query: event.url.search,
		groupings: listGroupings(db, organisation.id).map((g) => ({ value: g.id, text: g.name })),
		serviceTypes: SERVICE_TYPES.map((t) => ({ value: t, text: t })),
		dashboard: organisationDashboard(db, organisation.id, filters, person)
	};
}) satisfies PageServerLoad;
