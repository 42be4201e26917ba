// The filters of an organisation's audit trail, as its address carries them.

import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { isoDateFromParts } from '$lib/domain/dates';
import type { Db } from '../db/client';
import { auditEvents, services } from '../db/schema';
import { fieldErrors, type FieldErrors } from '../forms';

export interface AuditFilters {
	/** A user id. */
	person?: string;
	/** A service id. */
	service?: string;
	/** First London calendar day to include, YYYY-MM-DD. */
	from?: string;
	/** Last London calendar day to include, YYYY-MM-DD. */
	to?: string;
}

export const AUDIT_PAGE_SIZE = 50;

const optionalId = (message: string) =>
	z
		.string()
		.trim()
		.max(64, message)
		.regex(/^[A-Za-z0-9_-]*$/, message)
		.transform((v) => v || undefined)
		.optional();

const DATE_EXAMPLE = { from: '1 4 2026', to: '30 4 2026' } as const;
const dateMessage = (which: 'from' | 'to') =>
	`Enter the ${which} date as a real date, like ${DATE_EXAMPLE[which]}`;

const datePart = (which: 'from' | 'to') =>
	z.string().trim().max(4, dateMessage(which)).regex(/^\d*$/, dateMessage(which)).optional();

const isoDateParam = (which: 'from' | 'to') =>
	z
		.string()
		.trim()
		.transform((v) => v || undefined)
		.refine((v) => {
			if (v === undefined) return true;
			const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
			return (
				!!match && isoDateFromParts(Number(match[3]), Number(match[2]), Number(match[1])) === v
			);
		}, dateMessage(which))
		.optional();

const PAGE_MESSAGE = 'The page number must be a whole number, like 2';

/**
 * The filters as the URL carries them: `from` and `to` as ISO dates in a shared link, or as
 * the day, month and year boxes the filter form sends. Every field is optional.
 */
const auditFilterSchema = z
	.object({
		person: optionalId('Select a person from the list'),
		service: optionalId('Select a service from the list'),
		from: isoDateParam('from'),
		to: isoDateParam('to'),
		fromDay: datePart('from'),
		fromMonth: datePart('from'),
		fromYear: datePart('from'),
		toDay: datePart('to'),
		toMonth: datePart('to'),
		toYear: datePart('to'),
		page: z
			.string()
			.trim()
			.regex(/^\d{0,6}$/, PAGE_MESSAGE)
			.transform((v) => (v === '' ? 1 : Number(v)))
			.refine((v) => v >= 1, PAGE_MESSAGE)
			.optional()
	})
	.transform((v, ctx) => {
		const date = (which: 'from' | 'to') => {
			const [day, month, year] = [v[`${which}Day`], v[`${which}Month`], v[`${which}Year`]];
			const typed = [day, month, year].some((part) => part !== undefined && part !== '');
			if (!typed) return v[which];
			const iso = isoDateFromParts(Number(day || NaN), Number(month || NaN), Number(year || NaN));
			if (!iso)
				ctx.addIssue({ code: 'custom', path: [`${which}Day`], message: dateMessage(which) });
			return iso ?? undefined;
		};
		const from = date('from');
		const to = date('to');
		if (from && to && to < from) {
			ctx.addIssue({
				code: 'custom',
				path: ['toDay'],
				message: 'The to date must be the same as or after the from date'
			});
		}
		const filters: AuditFilters = { person: v.person, service: v.service, from, to };
		return { filters, page: v.page ?? 1 };
	});

const FILTER_PARAMS = [
	'person',
	'service',
	'from',
	'to',
	'fromDay',
	'fromMonth',
	'fromYear',
	'toDay',
	'toMonth',
	'toYear',
	'page'
] as const;

const ISSUE_FIELDS: Record<string, string> = { from: 'fromDay', to: 'toDay', page: 'form' };

export type ParsedAuditFilters =
	| { ok: true; filters: AuditFilters; page: number }
	| { ok: false; errors: FieldErrors; values: Record<string, string> };

/** Reads and checks the filters in a trail's URL. Parameters it does not know are ignored. */
export function parseAuditFilters(params: URLSearchParams): ParsedAuditFilters {
	const raw: Record<string, string> = {};
	for (const name of FILTER_PARAMS) {
		const value = params.get(name);
		if (value !== null) raw[name] = value;
	}
	const parsed = auditFilterSchema.safeParse(raw);
	if (parsed.success) return { ok: true, ...parsed.data };

	const errors: FieldErrors = {};
	for (const [field, message] of Object.entries(fieldErrors(parsed.error))) {
		// Each message goes to the box a person can correct; a date's message to its day box.
		const target = ISSUE_FIELDS[field] ?? field.replace(/^(from|to)(Month|Year)$/, '$1Day');
		errors[target] ??= message;
	}
	return { ok: false, errors, values: raw };
}

/**
 * Filters that name a person with no events in this organisation's trail, or a service of another
 * organisation, match nothing; saying so is clearer than an empty table under "Anyone".
 */
export function auditFilterChoiceErrors(
	db: Db,
	organisationId: string | null,
	filters: AuditFilters
): FieldErrors {
	const errors: FieldErrors = {};
	if (filters.person) {
		const seen = db
			.select({ id: auditEvents.id })
			.from(auditEvents)
			.where(
				and(
					eq(auditEvents.userId, filters.person),
					organisationId === null
						? isNull(auditEvents.organisationId)
						: eq(auditEvents.organisationId, organisationId)
				)
			)
			.limit(1)
			.get();
		if (!seen) errors.person = 'Select a person from the list';
	}
	if (filters.service) {
		// The platform's trail has no services to choose from.
		const service =
			organisationId !== null &&
			db
				.select({ id: services.id })
				.from(services)
				.where(and(eq(services.id, filters.service), eq(services.organisationId, organisationId)))
				.get();
		if (!service) errors.service = 'Select a service from the list';
	}
	return errors;
}

/** The query string that shows these filters (and page), in one canonical order, with "?" when not empty. */
export function auditFilterQuery(filters: AuditFilters, page = 1): string {
	const params = new URLSearchParams();
	for (const key of ['person', 'service', 'from', 'to'] as const) {
		const value = filters[key];
		if (value) params.set(key, value);
	}
	if (page > 1) params.set('page', String(page));
	const query = params.toString();
	return query ? `?${query}` : '';
}
