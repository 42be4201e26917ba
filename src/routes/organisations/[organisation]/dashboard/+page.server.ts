import { authorise } from '$lib/server/access/guard';
import { requireOrganisation } from '$lib/server/organisations';
import { listGroupings } from '$lib/server/groupings';
import { SERVICE_TYPES } from '$lib/domain/services';
import { organisationDashboard, organisationFiltersFromUrl } from '$lib/server/dashboards';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const organisationId = event.params.organisation;
	const person = authorise(event, 'organisation.overview', { organisationId });
	const db = event.locals.db;
	const filters = organisationFiltersFromUrl(event.url);
	return {
		organisation: requireOrganisation(db, organisationId),
		filters,
		query: event.url.search,
		groupings: listGroupings(db, organisationId).map((g) => ({ value: g.id, text: g.name })),
		serviceTypes: SERVICE_TYPES.map((t) => ({ value: t, text: t })),
		dashboard: organisationDashboard(db, organisationId, filters, person)
	};
}) satisfies PageServerLoad;
