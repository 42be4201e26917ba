import { authorise } from '$lib/server/access/guard';
import { requireService } from '$lib/server/services';
import { serviceDashboard, tableCsvResponse } from '$lib/server/dashboards';
import type { RequestHandler } from './$types';

export const GET = ((event) => {
	const { organisation: organisationId, service: serviceId } = event.params;
	authorise(event, 'service.view', { organisationId, serviceId });
	const db = event.locals.db;
	const service = requireService(db, organisationId, serviceId);
	const dashboard = serviceDashboard(db, serviceId);
	return tableCsvResponse(
		dashboard?.tables ?? {},
		event.url.searchParams.get('table'),
		`${service.name}-dashboard`
	);
}) satisfies RequestHandler;
