import { requirePermission } from '$lib/server/http/require';
import { crossSiteFiltersFromUrl, crossSitePage } from '$lib/server/dashboards/cross-site';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, person } = requirePermission(event, 'sites.view');
	return crossSitePage(db, person, crossSiteFiltersFromUrl(event.url).site);
}) satisfies PageServerLoad;
