import { authorise } from '$lib/server/access/guard';
import { may } from '$lib/server/access/policy';
import { requireOrganisation } from '$lib/server/organisations';
import { requireService } from '$lib/server/services';
import { filtersFromUrl, servicePlan } from '$lib/server/actions';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { organisation: organisationId, service: serviceId } = event.params;
	const person = authorise(event, 'service.view', { organisationId, serviceId });
	const db = event.locals.db;
	const service = requireService(db, organisationId, serviceId);
	const { challenge, status } = filtersFromUrl(event.url);
	return {
		organisation: requireOrganisation(db, organisationId),
		service: { id: service.id, name: service.name },
		plan: servicePlan(db, serviceId, { challenge, status }),
		filters: { challenge: challenge ?? '', status: status ?? '' },
		canEdit: may(person, 'plan.edit', { organisationId, serviceId })
	};
}) satisfies PageServerLoad;
