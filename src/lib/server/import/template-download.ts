// The past-audits template as a download: the framework version asked for (or the organisation's
// usual one), as a workbook or a CSV file, never kept by a cache. A framework that is not there is
// a 404 in plain words, as is an address that names one badly.

import { z } from 'zod';
import type { Db } from '../db/client';
import {
	defaultTemplateFrameworkId,
	pastAuditsTemplate,
	templateCsv,
	templateFileName,
	templateWorkbook,
	XLSX_CONTENT_TYPE
} from './templates';

const querySchema = z.object({
	framework: z
		.string()
		.trim()
		.max(100)
		.regex(/^[A-Za-z0-9_-]*$/)
		.optional()
		.transform((v) => v || undefined)
});

function notFound(message: string): Response {
	return new Response(`${message}\n`, {
		status: 404,
		headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }
	});
}

export async function templateDownload(
	db: Db,
	organisation: { id: string; name: string },
	url: URL,
	format: 'xlsx' | 'csv'
): Promise<Response> {
	const query = querySchema.safeParse({
		framework: url.searchParams.get('framework') ?? undefined
	});
	const frameworkId = query.success
		? (query.data.framework ?? defaultTemplateFrameworkId(db, organisation.id))
		: null;
	const template = frameworkId ? pastAuditsTemplate(db, organisation.id, frameworkId) : null;
	if (!template)
		return notFound(
			query.success && !query.data.framework && !frameworkId
				? 'There is no framework to make a template for: ask a platform administrator to add one.'
				: 'That framework was not found: it may have been removed. Go back to the page you came from and download the template again.'
		);
	const body = format === 'xlsx' ? await templateWorkbook(template) : templateCsv(template);
	return new Response(body, {
		headers: {
			'content-type': format === 'xlsx' ? XLSX_CONTENT_TYPE : 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${templateFileName(organisation.name, format)}"`,
			'cache-control': 'no-store'
		}
	});
}
