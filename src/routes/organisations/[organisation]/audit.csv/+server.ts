import { csvRow } from '$lib/domain/csv';
import { fileSlug } from '$lib/domain/data-table';
import { londonDate } from '$lib/domain/london-days';
import { authorise } from '$lib/server/access/guard';
import { requireOrganisation } from '$lib/server/organisations';
import {
	AUDIT_CSV_HEADER,
	auditCsvRecord,
	auditFilterChoiceErrors,
	auditTrailBatches,
	parseAuditFilters
} from '$lib/server/audit';
import type { RequestHandler } from './$types';

function badRequest(message: string): Response {
	return new Response(`${message}\n`, {
		status: 400,
		headers: { 'content-type': 'text/plain; charset=utf-8' }
	});
}

export const GET = ((event) => {
	const organisationId = event.params.organisation;
	authorise(event, 'audit.view', { organisationId });
	const db = event.locals.db;
	const organisation = requireOrganisation(db, organisationId);

	const parsed = parseAuditFilters(event.url.searchParams);
	if (!parsed.ok) return badRequest(Object.values(parsed.errors).join('\n'));
	const choiceErrors = auditFilterChoiceErrors(db, organisationId, parsed.filters);
	if (Object.keys(choiceErrors).length > 0)
		return badRequest(Object.values(choiceErrors).join('\n'));

	const encoder = new TextEncoder();
	const batches = auditTrailBatches(db, organisationId, parsed.filters);
	// The byte order mark tells spreadsheet programs the file is UTF-8, so names keep their accents.
	let head: string | null = '\uFEFF' + csvRow(AUDIT_CSV_HEADER);
	const body = new ReadableStream<Uint8Array>({
		pull(controller) {
			const next = batches.next();
			let text = head ?? '';
			head = null;
			if (!next.done) text += next.value.map((e) => csvRow(auditCsvRecord(e))).join('');
			if (text) controller.enqueue(encoder.encode(text));
			if (next.done) controller.close();
		},
		cancel() {
			batches.return(undefined);
		}
	});

	const filename = `audit-trail-${fileSlug(organisation.name, 'organisation')}-${londonDate(new Date())}.csv`;
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${filename}"`
		}
	});
}) satisfies RequestHandler;
