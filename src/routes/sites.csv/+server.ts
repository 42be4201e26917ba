import { authorise } from '$lib/server/access/guard';
import {
	comparableSites,
	crossSiteFilterSchema,
	crossSiteView,
	tableCsvResponse
} from '$lib/server/dashboards';
import type { RequestHandler } from './$types';

export const GET = ((event) => {
	const person = authorise(event, 'sites.view');
	const db = event.locals.db;
	const { site } = crossSiteFilterSchema.parse({
		site: event.url.searchParams.get('site') ?? undefined
	});
	const view = crossSiteView(db, comparableSites(db, person), site);
	return tableCsvResponse(view?.tables ?? {}, event.url.searchParams.get('table'), 'cross-site');
}) satisfies RequestHandler;
