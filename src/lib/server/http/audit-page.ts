// The audit trail pages, the organisation's and the platform's: the filters read from the address
// (sent back to its short, shareable form), checked, and a page of events with its links.

import { redirect } from '@sveltejs/kit';
import { formatInstant } from '$lib/format/dates';
import { isoDateParts } from '$lib/domain/dates';
import type { Db } from '../db/client';
import {
	AUDIT_PAGE_SIZE,
	auditFilterChoiceErrors,
	auditFilterQuery,
	parseAuditFilters
} from '../audit/filters';
import { auditTrail, type TrailScope } from '../audit/trail';

/** What the filter form shows: the dates as typed into the boxes, or split from a link's ISO dates. */
function formValues(raw: Record<string, string>): Record<string, string> {
	const values: Record<string, string> = { person: raw.person ?? '', service: raw.service ?? '' };
	for (const which of ['from', 'to'] as const) {
		const typed = ['Day', 'Month', 'Year'].some((part) => raw[which + part] !== undefined);
		const parts = typed
			? {
					day: raw[`${which}Day`] ?? '',
					month: raw[`${which}Month`] ?? '',
					year: raw[`${which}Year`] ?? ''
				}
			: /^\d{4}-\d{2}-\d{2}$/.test(raw[which] ?? '')
				? isoDateParts(raw[which])
				: { day: '', month: '', year: '' };
		values[`${which}Day`] = parts.day;
		values[`${which}Month`] = parts.month;
		values[`${which}Year`] = parts.year;
	}
	return values;
}

/**
 * What a trail page shows for the address it was opened at: the filters as the form shows them,
 * the errors in them, or a page of events. `path` is the page's own path; its CSV is `csvPath`.
 */
export function auditTrailPage(
	db: Db,
	scope: TrailScope,
	url: URL,
	{ path, csvPath }: { path: string; csvPath: string }
) {
	const parsed = parseAuditFilters(url.searchParams);
	if (!parsed.ok) {
		return { errors: parsed.errors, values: formValues(parsed.values), trail: null };
	}

	// The form sends the date boxes; answer with the short, shareable address of the same view.
	const { filters, page } = parsed;
	const query = auditFilterQuery(filters, page);
	if (new URLSearchParams(query).toString() !== url.searchParams.toString()) {
		redirect(303, path + query);
	}
	const values = formValues({
		person: filters.person ?? '',
		service: filters.service ?? '',
		from: filters.from ?? '',
		to: filters.to ?? ''
	});
	const choiceErrors = auditFilterChoiceErrors(db, scope, filters);
	if (Object.keys(choiceErrors).length > 0) {
		return { errors: choiceErrors, values, trail: null };
	}

	const { events, total } = auditTrail(db, scope, filters, {
		limit: AUDIT_PAGE_SIZE,
		offset: (page - 1) * AUDIT_PAGE_SIZE
	});
	const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
	return {
		errors: null,
		values,
		trail: {
			events: events.map((e) => ({
				id: e.id,
				when: formatInstant(e.at),
				whenIso: e.at.toISOString(),
				person: e.person,
				serviceName: e.serviceName,
				description: e.description,
				details: e.details
			})),
			total,
			page,
			pages,
			first: total === 0 ? 0 : Math.min((page - 1) * AUDIT_PAGE_SIZE + 1, total),
			last: Math.min(page * AUDIT_PAGE_SIZE, total),
			filtered: Object.values(filters).some(Boolean),
			previousHref: page > 1 ? path + auditFilterQuery(filters, Math.min(page - 1, pages)) : null,
			nextHref: page < pages ? path + auditFilterQuery(filters, page + 1) : null,
			firstHref: path + auditFilterQuery(filters),
			csvHref: csvPath + auditFilterQuery(filters)
		}
	};
}
