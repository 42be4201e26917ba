import { requirePermission } from '$lib/server/http/require';
import { tableCsvResponse } from '$lib/server/http/csv';
import { crossSiteFiltersFromUrl, crossSitePage } from '$lib/server/dashboards/cross-site';
import type { RequestHandler } from './$types';

export const GET = ((event) => {
	const { db, person } = requirePermission(event, 'sites.view');
	const { site, framework } = crossSiteFiltersFromUrl(event.url);
	const { view } = crossSitePage(db, person, site, framework);
	return tableCsvResponse(view?.tables ?? {}, event.url.searchParams.get('table'), 'cross-site');
}) satisfies RequestHandler;
