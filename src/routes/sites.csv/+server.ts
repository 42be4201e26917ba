import { requirePermission } from '$lib/server/http/require';
import { tableCsvResponse } from '$lib/server/http/csv';
import { comparableSites, crossSiteFilterSchema, crossSiteView } from '$lib/server/dashboards';
import type { RequestHandler } from './$types';

export const GET = ((event) => {
	const { db, person } = requirePermission(event, 'sites.view');
	const { site } = crossSiteFilterSchema.parse({
		site: event.url.searchParams.get('site') ?? undefined
	});
	const view = crossSiteView(db, comparableSites(db, person), site);
	return tableCsvResponse(view?.tables ?? {}, event.url.searchParams.get('table'), 'cross-site');
}) satisfies RequestHandler;
