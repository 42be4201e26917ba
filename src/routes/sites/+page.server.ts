import { authorise } from '$lib/server/access/guard';
import { comparableSites, crossSiteFilterSchema, crossSiteView } from '$lib/server/dashboards';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const person = authorise(event, 'sites.view');
	const db = event.locals.db;
	const { site } = crossSiteFilterSchema.parse({
		site: event.url.searchParams.get('site') ?? undefined
	});
	return { view: crossSiteView(db, comparableSites(db, person), site) };
}) satisfies PageServerLoad;
