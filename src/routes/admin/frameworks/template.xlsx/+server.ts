import { requirePermission } from '$lib/server/http/require';
import { packWorkbook, workbookResponse } from '$lib/server/frameworks/pack-workbook';
import type { RequestHandler } from './$types';

export const GET = (async (event) => {
	requirePermission(event, 'frameworks.manage');
	return workbookResponse(await packWorkbook(), 'framework-pack-template.xlsx');
}) satisfies RequestHandler;
