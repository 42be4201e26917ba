import { requireService } from '$lib/server/http/require';
import { may } from '$lib/server/access/policy';
import { tableCsvResponse } from '$lib/server/http/csv';
import { serviceDashboard, serviceDashboardFiltersFromUrl } from '$lib/server/dashboards/service';
import { recordDownload } from '$lib/server/audit/security';
import type { RequestHandler } from './$types';

export const GET = ((event) => {
	const { db, person, service } = requireService(event, 'service.view');
	const agreesLevels = may(person, 'assessment.edit', {
		organisationId: service.organisationId,
		serviceId: service.id
	});
	const filters = serviceDashboardFiltersFromUrl(event.url);
	const dashboard = serviceDashboard(db, service.id, filters, { agreesLevels });
	const table = event.url.searchParams.get('table');
	const response = tableCsvResponse(dashboard?.tables ?? {}, table, `${service.name}-dashboard`);
	if (response.ok) {
		recordDownload(db, {
			actorId: person.id,
			table: `service-dashboard/${table}`,
			organisationId: service.organisationId,
			serviceId: service.id,
			filters
		});
	}
	return response;
}) satisfies RequestHandler;
