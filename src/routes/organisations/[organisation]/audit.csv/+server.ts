import { fileSlug } from '$lib/format/data-table';
import { londonDate } from '$lib/domain/london-days';
import { requireOrganisation } from '$lib/server/http/require';
import { badDownload, firstBatchRead, streamedCsvResponse } from '$lib/server/http/csv';
import { AUDIT_CSV_HEADER, auditCsvRecord } from '$lib/server/audit/csv';
import {
	auditFilterChoiceErrors,
	parseAuditFilters,
	type AuditFilters
} from '$lib/server/audit/filters';
import { auditTrailBatches } from '$lib/server/audit/trail';
import type { Db } from '$lib/server/db/client';
import { recordDownload } from '$lib/server/audit/security';
import type { RequestHandler } from './$types';

function* csvRecords(db: Db, organisationId: string, filters: AuditFilters) {
	for (const batch of auditTrailBatches(db, organisationId, filters))
		yield batch.map(auditCsvRecord);
}

export const GET = ((event) => {
	const { db, person, organisation } = requireOrganisation(event, 'audit.view');
	const parsed = parseAuditFilters(event.url.searchParams);
	if (!parsed.ok) return badDownload(Object.values(parsed.errors).join('\n'));
	const choiceErrors = auditFilterChoiceErrors(db, organisation.id, parsed.filters);
	if (Object.keys(choiceErrors).length > 0)
		return badDownload(Object.values(choiceErrors).join('\n'));

	const records = firstBatchRead(csvRecords(db, organisation.id, parsed.filters));
	recordDownload(db, {
		actorId: person.id,
		table: 'audit-trail',
		organisationId: organisation.id,
		filters: { ...parsed.filters }
	});
	const filename = `audit-trail-${fileSlug(organisation.name, 'organisation')}-${londonDate(new Date())}.csv`;
	return streamedCsvResponse(filename, AUDIT_CSV_HEADER, records);
}) satisfies RequestHandler;
