import { requireFramework } from '$lib/server/http/require';
import { storedPack } from '$lib/server/frameworks/queries';
import { packWorkbook, workbookResponse } from '$lib/server/frameworks/pack-workbook';
import type { RequestHandler } from './$types';

export const GET = (async (event) => {
	const { db, framework } = requireFramework(event);
	const pack = storedPack(db, framework);
	return workbookResponse(
		await packWorkbook(pack),
		`${framework.packKey}-version-${framework.version}.xlsx`
	);
}) satisfies RequestHandler;
