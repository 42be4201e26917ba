import { requirePermission } from '$lib/server/http/require';
import { crossSiteFiltersFromUrl, crossSitePage } from '$lib/server/dashboards/cross-site';
import { medianValue } from '$lib/domain/dashboards';
import { realMedian } from '$lib/domain/cross-site';
import type { PageServerLoad } from './$types';

type View = NonNullable<ReturnType<typeof crossSitePage>['view']>;

/**
 * What the page shows, and so what it is sent twice (rendered, and as data for the chart): the
 * trend as the chart's lines of plain numbers (its table is rendered from the trend table), and
 * not the heatmap a second time as a table, since the page's heatmap is that table.
 */
function shownOnThePage(view: View) {
	const { trend, tables, ...shown } = view;
	const { heatmap, ...otherTables } = tables;
	return {
		...shown,
		heatmapCaption: heatmap.caption,
		tables: otherTables,
		trendLines: trend.map((t) => ({
			label: t.site.name,
			values: t.medians.map((m) => {
				const median = realMedian(m);
				return median ? medianValue(median) : null;
			})
		}))
	};
}

export const load = ((event) => {
	const { db, person } = requirePermission(event, 'sites.view');
	const { site, framework } = crossSiteFiltersFromUrl(event.url);
	const { view } = crossSitePage(db, person, site, framework);
	return { view: view && shownOnThePage(view) };
}) satisfies PageServerLoad;
