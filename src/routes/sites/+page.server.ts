import { requirePermission } from '$lib/server/http/require';
import { comparableSites, crossSiteFilterSchema, crossSiteView } from '$lib/server/dashboards';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, person } = requirePermission(event, 'sites.view');
	const { site } = crossSiteFilterSchema.parse({
		site: event.url.searchParams.get('site') ?? undefined
	});
	return { view: crossSiteView(db, comparableSites(db, person), site) };
}) satisfies PageServerLoad;
