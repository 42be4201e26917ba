import { requireService } from '$lib/server/http/require';
import { may } from '$lib/server/access/policy';
import { serviceAssessments } from '$lib/server/assessments/queries';
import { serviceProgress } from '$lib/server/progress';
import { roundToJoin } from '$lib/server/rounds/taking-part';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, person, organisation, service } = requireService(event, 'service.view');
	const canManageRounds = may(person, 'organisation.manage', { organisationId: organisation.id });
	return {
		organisation,
		service: { id: service.id, name: service.name, type: service.type },
		assessments: serviceAssessments(db, service.id),
		progress: serviceProgress(db, service.id),
		canManagePeople: may(person, 'service.people', {
			organisationId: organisation.id,
			serviceId: service.id
		}),
		justCompleted: event.url.searchParams.has('completed'),
		roundToJoin: canManageRounds ? { round: roundToJoin(db, organisation.id, service.id) } : null
	};
}) satisfies PageServerLoad;
