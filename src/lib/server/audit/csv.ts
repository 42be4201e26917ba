// The trail as a CSV download: one row per event, with the full before and after.

import type { CsvValue } from '$lib/format/csv';
import type { AuditTrailEvent } from './trail';

export const AUDIT_CSV_HEADER = [
	'when',
	'when_london',
	'person',
	'person_email',
	'service',
	'action',
	'description',
	'entity_type',
	'entity_id',
	'before',
	'after'
] as const;

const londonNumeric = new Intl.DateTimeFormat('en-GB', {
	timeZone: 'Europe/London',
	day: '2-digit',
	month: '2-digit',
	year: 'numeric',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	hourCycle: 'h23'
});

/** "23/11/2026 14:05:09", which spreadsheets set to en-GB read as a date and time. */
function londonTimestamp(at: Date): string {
	return londonNumeric.format(at).replace(',', '');
}

export function auditCsvRecord(event: AuditTrailEvent): CsvValue[] {
	const json = (value: unknown) =>
		value === null || value === undefined ? '' : JSON.stringify(value);
	return [
		event.at.toISOString(),
		londonTimestamp(event.at),
		event.person,
		event.personEmail,
		event.serviceName,
		event.action,
		event.description,
		event.entityType,
		event.entityId,
		json(event.before),
		json(event.after)
	];
}
