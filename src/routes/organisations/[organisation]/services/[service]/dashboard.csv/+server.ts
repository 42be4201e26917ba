import { requireService } from '$lib/server/http/require';
import { tableCsvResponse } from '$lib/server/http/csv';
import { serviceDashboard, serviceDashboardFiltersFromUrl } from '$lib/server/dashboards/service';
import type { RequestHandler } from './$types';

export const GET = ((event) => {
	const { db, service } = requireService(event, 'service.view');
	const dashboard = serviceDashboard(db, service.id, serviceDashboardFiltersFromUrl(event.url));
	return tableCsvResponse(
		dashboard?.tables ?? {},
		event.url.searchParams.get('table'),
		`${service.name}-dashboard`
	);
}) satisfies RequestHandler;
