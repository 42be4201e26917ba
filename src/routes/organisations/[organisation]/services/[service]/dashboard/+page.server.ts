import { authorise } from '$lib/server/access/guard';
import { requireOrganisation } from '$lib/server/organisations';
import { requireService } from '$lib/server/services';
import { serviceDashboard } from '$lib/server/dashboards';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { organisation: organisationId, service: serviceId } = event.params;
	authorise(event, 'service.view', { organisationId, serviceId });
	const db = event.locals.db;
	const service = requireService(db, organisationId, serviceId);
	return {
		organisation: requireOrganisation(db, organisationId),
		service: { id: service.id, name: service.name, type: service.type },
		dashboard: serviceDashboard(db, serviceId)
	};
}) satisfies PageServerLoad;
