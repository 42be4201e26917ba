import { requireRound } from '$lib/server/http/require';
import { xlsxResponse } from '$lib/server/exports/workbooks-response';
import { recordWorkbookExport, roundWorkbook, workbookFile } from '$lib/server/exports/workbooks';
import type { RequestHandler } from './$types';

// Those who may see the organisation dashboard: the workbook lists every service of the round,
// as the dashboard's heatmap does, with the evidence each team wrote (which the same people can
// already read on every service's assessment and dashboard).
export const GET = (async (event) => {
	const { db, person, organisation, round } = requireRound(event, 'organisation.overview');
	const workbook = roundWorkbook(db, person, organisation, round);
	const file = await workbookFile(workbook);
	recordWorkbookExport(db, person, organisation.id, { workbook: 'round', round });
	return xlsxResponse(file, workbook.fileName);
}) satisfies RequestHandler;
