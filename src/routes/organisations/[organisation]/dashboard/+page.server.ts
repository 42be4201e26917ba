import { requireOrganisation } from '$lib/server/http/require';
import { may } from '$lib/server/access/policy';
import {
	organisationDashboardPage,
	organisationFiltersFromUrl
} from '$lib/server/dashboards/organisation';
import type { PageServerLoad } from './$types';

type Dashboard = NonNullable<ReturnType<typeof organisationDashboardPage>['dashboard']>;

/**
 * What the page shows, and so what it is sent twice (rendered, and as data for the charts): not
 * the per-challenge distributions only the board report uses, nor the heatmap a second time as a
 * table, since the page's heatmap is that table.
 */
function shownOnThePage(dashboard: Dashboard) {
	const { levelsByChallenge: _notShown, tables, ...shown } = dashboard;
	const { heatmap, ...otherTables } = tables;
	return { ...shown, heatmapCaption: heatmap.caption, tables: otherTables };
}

export const load = ((event) => {
	const { db, person, organisation } = requireOrganisation(event, 'organisation.overview');
	const filters = organisationFiltersFromUrl(event.url);
	const page = organisationDashboardPage(db, person, organisation.id, filters);
	return {
		organisation,
		query: event.url.search,
		canManage: may(person, 'organisation.manage', { organisationId: organisation.id }),
		...page,
		dashboard: page.dashboard && shownOnThePage(page.dashboard)
	};
}) satisfies PageServerLoad;
