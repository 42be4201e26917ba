import { londonDate } from '$lib/domain/london-days';
import { requirePermission } from '$lib/server/http/require';
import { badDownload, firstBatchRead, streamedCsvResponse } from '$lib/server/http/csv';
import { AUDIT_CSV_HEADER, auditCsvRecord } from '$lib/server/audit/csv';
import {
	auditFilterChoiceErrors,
	parseAuditFilters,
	type AuditFilters
} from '$lib/server/audit/filters';
import { auditTrailBatches } from '$lib/server/audit/trail';
import { recordDownload } from '$lib/server/audit/security';
import type { Db } from '$lib/server/db/client';
import type { RequestHandler } from './$types';

function* csvRecords(db: Db, filters: AuditFilters) {
	for (const batch of auditTrailBatches(db, null, filters)) yield batch.map(auditCsvRecord);
}

export const GET = ((event) => {
	const { db, person } = requirePermission(event, 'platform_audit.view');
	const parsed = parseAuditFilters(event.url.searchParams);
	if (!parsed.ok) return badDownload(Object.values(parsed.errors).join('\n'));
	const choiceErrors = auditFilterChoiceErrors(db, null, parsed.filters);
	if (Object.keys(choiceErrors).length > 0)
		return badDownload(Object.values(choiceErrors).join('\n'));

	const records = firstBatchRead(csvRecords(db, parsed.filters));
	const filters = { ...parsed.filters };
	recordDownload(db, { actorId: person.id, table: 'server-audit-trail', filters });
	const filename = `audit-trail-server-${londonDate(new Date())}.csv`;
	return streamedCsvResponse(filename, AUDIT_CSV_HEADER, records);
}) satisfies RequestHandler;
