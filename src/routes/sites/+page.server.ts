import { requirePermission } from '$lib/server/http/require';
import { crossSiteFiltersFromUrl, crossSitePage } from '$lib/server/dashboards/cross-site';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, person } = requirePermission(event, 'sites.view');
	const { site, framework } = crossSiteFiltersFromUrl(event.url);
	return crossSitePage(db, person, site, framework);
}) satisfies PageServerLoad;
