import { requireService } from '$lib/server/http/require';
import { may } from '$lib/server/access/policy';
import { tableCsvResponse } from '$lib/server/http/csv';
import { serviceDashboard, serviceDashboardFiltersFromUrl } from '$lib/server/dashboards/service';
import type { RequestHandler } from './$types';

export const GET = ((event) => {
	const { db, person, service } = requireService(event, 'service.view');
	const agreesLevels = may(person, 'assessment.edit', {
		organisationId: service.organisationId,
		serviceId: service.id
	});
	const dashboard = serviceDashboard(db, service.id, serviceDashboardFiltersFromUrl(event.url), {
		agreesLevels
	});
	return tableCsvResponse(
		dashboard?.tables ?? {},
		event.url.searchParams.get('table'),
		`${service.name}-dashboard`
	);
}) satisfies RequestHandler;
