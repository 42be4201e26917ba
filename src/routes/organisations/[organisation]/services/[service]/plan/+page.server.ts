import { requireService } from '$lib/server/http/require';
import { may } from '$lib/server/access/policy';
import { filtersFromUrl } from '$lib/server/actions/rows';
import { servicePlan } from '$lib/server/actions/plan';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, person, organisation, service } = requireService(event, 'service.view');
	const { challenge, status } = filtersFromUrl(event.url);
	return {
		organisation,
		service: { id: service.id, name: service.name },
		plan: servicePlan(db, service.id, { challenge, status }),
		filters: { challenge: challenge ?? '', status: status ?? '' },
		canEdit: may(person, 'plan.edit', { organisationId: organisation.id, serviceId: service.id })
	};
}) satisfies PageServerLoad;
