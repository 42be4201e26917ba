import { requireOrganisation } from '$lib/server/http/require';
import { templateDownload } from '$lib/server/import/template-download';
import type { RequestHandler } from './$types';

export const GET = ((event) => {
	const { db, organisation } = requireOrganisation(event, 'organisation.manage');
	return templateDownload(db, organisation, event.url, 'csv');
}) satisfies RequestHandler;
