import { requireOrganisation } from '$lib/server/http/require';
import { xlsxResponse } from '$lib/server/exports/workbooks-response';
import { historyWorkbook, recordWorkbookExport, workbookFile } from '$lib/server/exports/workbooks';
import type { RequestHandler } from './$types';

// Every closed round of every service: for those who may see the organisation dashboard.
export const GET = (async (event) => {
	const { db, person, organisation } = requireOrganisation(event, 'organisation.overview');
	const workbook = historyWorkbook(db, person, organisation);
	const file = await workbookFile(workbook);
	recordWorkbookExport(db, person, organisation.id, { workbook: 'history' });
	return xlsxResponse(file, workbook.fileName);
}) satisfies RequestHandler;
