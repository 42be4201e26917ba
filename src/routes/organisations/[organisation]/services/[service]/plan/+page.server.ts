import { whyTeamPlanIsLocked } from '$lib/domain/rounds';
import { requireService } from '$lib/server/http/require';
import { may } from '$lib/server/access/policy';
import { filtersFromUrl } from '$lib/server/actions/rows';
import { servicePlan } from '$lib/server/actions/plan';
import { latestCompletedStrengths } from '$lib/server/assessments/strengths';
import { roundToJoin } from '$lib/server/rounds/taking-part';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, person, organisation, service } = requireService(event, 'service.view');
	const { challenge, status } = filtersFromUrl(event.url);
	const resource = { organisationId: organisation.id, serviceId: service.id };
	const plan = servicePlan(db, service.id, { challenge, status });
	const canManageRounds = may(person, 'organisation.manage', { organisationId: organisation.id });
	return {
		organisation,
		service: { id: service.id, name: service.name },
		plan,
		strengths: latestCompletedStrengths(db, service.id),
		roundToJoin:
			canManageRounds && !plan.latest
				? { round: roundToJoin(db, organisation.id, service.id) }
				: null,
		filters: { challenge: challenge ?? '', status: status ?? '' },
		canEdit: may(person, 'plan.edit', resource),
		// The team's plan can change on its assessment, complete or not, until the round closes.
		canChoosePriorities:
			!!plan.latest &&
			!whyTeamPlanIsLocked(plan.latest.roundStatus) &&
			may(person, 'assessment.edit', resource)
	};
}) satisfies PageServerLoad;
