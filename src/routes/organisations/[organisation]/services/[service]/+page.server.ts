import { authorise } from '$lib/server/access/guard';
import { may } from '$lib/server/access/policy';
import { requireOrganisation } from '$lib/server/organisations';
import { requireService } from '$lib/server/services';
import { serviceAssessments } from '$lib/server/assessments';
import { serviceProgress } from '$lib/server/progress';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { organisation: organisationId, service: serviceId } = event.params;
	const person = authorise(event, 'service.view', { organisationId, serviceId });
	const db = event.locals.db;
	const service = requireService(db, organisationId, serviceId);
	return {
		organisation: requireOrganisation(db, organisationId),
		service: { id: service.id, name: service.name, type: service.type },
		assessments: serviceAssessments(db, serviceId),
		progress: serviceProgress(db, serviceId),
		canManagePeople: may(person, 'service.people', { organisationId, serviceId }),
		justCompleted: event.url.searchParams.has('completed')
	};
}) satisfies PageServerLoad;
