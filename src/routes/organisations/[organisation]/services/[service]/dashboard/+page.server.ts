import { requireService } from '$lib/server/http/require';
import { may } from '$lib/server/access/policy';
import { serviceDashboard, serviceDashboardFiltersFromUrl } from '$lib/server/dashboards/service';
import { serviceAssessments } from '$lib/server/assessments/queries';
import { strengthsOf } from '$lib/server/assessments/strengths';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, person, organisation, service } = requireService(event, 'service.view');
	const agreesLevels = may(person, 'assessment.edit', {
		organisationId: service.organisationId,
		serviceId: service.id
	});
	const dashboard = serviceDashboard(db, service.id, serviceDashboardFiltersFromUrl(event.url), {
		agreesLevels
	});
	return {
		organisation,
		service: { id: service.id, name: service.name, type: service.type },
		dashboard,
		// From the same assessment as the rest of the dashboard: the latest completed one.
		strengths: dashboard ? strengthsOf(db, dashboard.latest.id) : [],
		// Before the first completed assessment, the one under way is where the dashboard starts.
		underWay: dashboard
			? null
			: (serviceAssessments(db, service.id).find(
					(a) => a.roundStatus === 'open' && a.status !== 'complete'
				) ?? null)
	};
}) satisfies PageServerLoad;
