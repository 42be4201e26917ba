import { requirePermission } from '$lib/server/http/require';
import { tableCsvResponse } from '$lib/server/http/csv';
import { crossSiteFiltersFromUrl, crossSitePage } from '$lib/server/dashboards/cross-site';
import { recordDownload } from '$lib/server/audit/security';
import type { RequestHandler } from './$types';

export const GET = ((event) => {
	const { db, person } = requirePermission(event, 'sites.view');
	const { site, framework } = crossSiteFiltersFromUrl(event.url);
	const { view } = crossSitePage(db, person, site, framework);
	const table = event.url.searchParams.get('table');
	const response = tableCsvResponse(view?.tables ?? {}, table, 'cross-site');
	if (response.ok) {
		const filters = { site, framework };
		recordDownload(db, { actorId: person.id, table: `cross-site/${table}`, filters });
	}
	return response;
}) satisfies RequestHandler;
