import { requireService } from '$lib/server/http/require';
import { serviceDashboard, serviceDashboardFiltersFromUrl } from '$lib/server/dashboards/service';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, organisation, service } = requireService(event, 'service.view');
	return {
		organisation,
		service: { id: service.id, name: service.name, type: service.type },
		dashboard: serviceDashboard(db, service.id, serviceDashboardFiltersFromUrl(event.url))
	};
}) satisfies PageServerLoad;
