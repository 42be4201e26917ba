import { and, asc, count, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { isoDateFromParts } from '$lib/domain/dates';
import { londonDayRange } from '$lib/domain/london-days';
import { describeAction, describeChange } from '$lib/domain/audit-labels';
import type { CsvValue } from '$lib/domain/csv';
import type { Db } from './db/client';
import {
	assessments,
	auditEvents,
	challenges,
	invitations,
	rounds,
	services,
	users
} from './db/schema';
import { newId } from './ids';
import { fieldErrors, type FieldErrors } from './forms';
import { ROLE_LABELS } from './access/policy';

/** A database handle or the transaction a change runs in; events go in the change's own transaction. */
export type Tx = Pick<Db, 'insert' | 'select' | 'update' | 'delete'>;

export interface AuditEntry {
	userId: string | null;
	organisationId: string | null;
	serviceId?: string | null;
	action: string;
	entityType: string;
	entityId: string;
	before?: unknown;
	after?: unknown;
}

export function recordAuditEvent(tx: Tx, entry: AuditEntry, now = new Date()): void {
	tx.insert(auditEvents)
		.values({
			id: newId(),
			at: now,
			userId: entry.userId,
			organisationId: entry.organisationId,
			serviceId: entry.serviceId ?? null,
			action: entry.action,
			entityType: entry.entityType,
			entityId: entry.entityId,
			before: entry.before ?? null,
			after: entry.after ?? null
		})
		.run();
}

// Reading the trail. There is deliberately no function here, or anywhere, that changes or
// deletes an event once written.

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
	organisationId: string,
	filters: AuditFilters
): FieldErrors {
	const errors: FieldErrors = {};
	if (filters.person) {
		const seen = db
			.select({ id: auditEvents.id })
			.from(auditEvents)
			.where(
				and(eq(auditEvents.userId, filters.person), eq(auditEvents.organisationId, organisationId))
			)
			.limit(1)
			.get();
		if (!seen) errors.person = 'Select a person from the list';
	}
	if (filters.service) {
		const service = db
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

const actor = alias(users, 'actor');
const member = alias(users, 'member');

const entityIs = (type: string) => sql`${auditEvents.entityType} = ${type}`;

// Names for the ids inside an event, looked up by primary key for each event shown. An agreed
// score's entity id is "assessment/challenge".
const scoreAssessmentId = sql`substr(${auditEvents.entityId}, 1, instr(${auditEvents.entityId}, '/') - 1)`;
const scoreChallengeId = sql`substr(${auditEvents.entityId}, instr(${auditEvents.entityId}, '/') + 1)`;
const jsonField = (column: typeof auditEvents.before | typeof auditEvents.after, path: string) =>
	sql`json_extract(case when json_valid(${column}) then ${column} end, ${path})`;

function trailConditions(organisationId: string, filters: AuditFilters): SQL | undefined {
	const { fromMs, toMs } = londonDayRange(filters.from, filters.to);
	return and(
		eq(auditEvents.organisationId, organisationId),
		filters.person ? eq(auditEvents.userId, filters.person) : undefined,
		filters.service ? eq(auditEvents.serviceId, filters.service) : undefined,
		fromMs !== undefined ? gte(auditEvents.at, new Date(fromMs)) : undefined,
		toMs !== undefined ? lt(auditEvents.at, new Date(toMs)) : undefined
	);
}

function trailSelect(db: Db) {
	return db
		.select({
			seq: sql<number>`"audit_event"."rowid"`,
			id: auditEvents.id,
			at: auditEvents.at,
			userId: auditEvents.userId,
			actorName: actor.name,
			actorEmail: actor.email,
			serviceId: auditEvents.serviceId,
			serviceName: services.name,
			action: auditEvents.action,
			entityType: auditEvents.entityType,
			entityId: auditEvents.entityId,
			before: auditEvents.before,
			after: auditEvents.after,
			roundTitle: rounds.title,
			challengeLabel: challenges.shortLabel,
			memberName: member.name,
			invitationEmail: invitations.email,
			invitationRole: invitations.role
		})
		.from(auditEvents)
		.leftJoin(actor, eq(actor.id, auditEvents.userId))
		.leftJoin(services, eq(services.id, auditEvents.serviceId))
		.leftJoin(
			assessments,
			sql`${assessments.id} = case ${auditEvents.entityType} when 'assessment' then ${auditEvents.entityId} when 'agreed_score' then ${scoreAssessmentId} end`
		)
		.leftJoin(
			rounds,
			sql`${rounds.id} = coalesce(case when ${entityIs('round')} then ${auditEvents.entityId} end, ${assessments.roundId})`
		)
		.leftJoin(
			challenges,
			sql`${challenges.id} = case when ${entityIs('agreed_score')} then ${scoreChallengeId} end`
		)
		.leftJoin(
			member,
			sql`${member.id} = case when ${entityIs('membership')} then coalesce(${jsonField(auditEvents.after, '$.userId')}, ${jsonField(auditEvents.before, '$.userId')}) end`
		)
		.leftJoin(
			invitations,
			sql`${invitations.id} = case when ${entityIs('invitation')} then ${auditEvents.entityId} end`
		)
		.$dynamic();
}

type TrailRow = Awaited<ReturnType<ReturnType<typeof trailSelect>['all']>>[number];

// Events written in one transaction share their instant; the rowid keeps them in the order they
// were written, and the (…, at) indexes carry it, so the sort needs no extra step.
const newestFirst = [desc(auditEvents.at), desc(sql`"audit_event"."rowid"`)] as const;

export interface AuditTrailEvent {
	id: string;
	at: Date;
	userId: string | null;
	/** The person's name, "System" for the app itself, or "Deleted account". */
	person: string;
	personEmail: string | null;
	serviceId: string | null;
	serviceName: string | null;
	action: string;
	/** The action in plain language. */
	description: string;
	/** What changed, briefly: "Spring 2026 · Day-to-day interactions: level 2 → 3". */
	details: string;
	entityType: string;
	entityId: string;
	before: unknown;
	after: unknown;
}

const HIDDEN_KEY = /hash|secret|password|token/i;

/** Drops anything that looks like a credential, should one ever be recorded by mistake. */
function redacted(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(redacted);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value as Record<string, unknown>)
				.filter(([key]) => !HIDDEN_KEY.test(key))
				.map(([key, v]) => [key, redacted(v)])
		);
	}
	return value;
}

function toEvent(row: TrailRow): AuditTrailEvent {
	const before = redacted(row.before);
	const after = redacted(row.after);
	return {
		id: row.id,
		at: row.at,
		userId: row.userId,
		person: row.userId === null ? 'System' : (row.actorName ?? 'Deleted account'),
		personEmail: row.actorEmail,
		serviceId: row.serviceId,
		serviceName: row.serviceName,
		action: row.action,
		description: describeAction(row.action),
		details: describeChange(
			{ action: row.action, before, after },
			{
				roundTitle: row.roundTitle,
				challengeLabel: row.challengeLabel,
				memberName: row.memberName,
				invitationEmail: row.invitationEmail,
				invitationRole: row.invitationRole,
				roleLabels: ROLE_LABELS
			}
		),
		entityType: row.entityType,
		entityId: row.entityId,
		before,
		after
	};
}

/**
 * One organisation's trail, newest first, narrowed by the filters, with the total that match.
 * Everything is filtered, sorted and counted in SQL on the organisation/person/service indexes.
 */
export function auditTrail(
	db: Db,
	organisationId: string,
	filters: AuditFilters = {},
	{ limit = AUDIT_PAGE_SIZE, offset = 0 }: { limit?: number; offset?: number } = {}
): { events: AuditTrailEvent[]; total: number } {
	const where = trailConditions(organisationId, filters);
	const total = db.select({ n: count() }).from(auditEvents).where(where).get()?.n ?? 0;
	const rows = trailSelect(db)
		.where(where)
		.orderBy(...newestFirst)
		.limit(limit)
		.offset(offset)
		.all();
	return { events: rows.map(toEvent), total };
}

/**
 * Every matching event, newest first, a batch at a time, for downloads of any size. Each batch
 * continues below the last event of the one before, so events written meanwhile (always newer)
 * neither repeat nor shift the rest.
 */
export function* auditTrailBatches(
	db: Db,
	organisationId: string,
	filters: AuditFilters = {},
	batchSize = 1000
): Generator<AuditTrailEvent[]> {
	const where = trailConditions(organisationId, filters);
	let cursor: { at: Date; seq: number } | null = null;
	for (;;) {
		const after: SQL | undefined = cursor
			? sql`(${auditEvents.at}, "audit_event"."rowid") < (${cursor.at.getTime()}, ${cursor.seq})`
			: undefined;
		const rows: TrailRow[] = trailSelect(db)
			.where(and(where, after))
			.orderBy(...newestFirst)
			.limit(batchSize)
			.all();
		if (rows.length === 0) return;
		yield rows.map(toEvent);
		if (rows.length < batchSize) return;
		const last = rows[rows.length - 1];
		cursor = { at: last.at, seq: last.seq };
	}
}

/** People who appear in the organisation's trail, for the filter list. */
export function auditTrailPeople(db: Db, organisationId: string) {
	return db
		.selectDistinct({ id: users.id, name: users.name, email: users.email })
		.from(auditEvents)
		.innerJoin(users, eq(users.id, auditEvents.userId))
		.where(eq(auditEvents.organisationId, organisationId))
		.orderBy(asc(users.name), asc(users.email))
		.all();
}

/** The organisation's services, archived ones too since their history stays in the trail. */
export function auditTrailServices(db: Db, organisationId: string) {
	return db
		.select({
			id: services.id,
			name: services.name,
			archived: sql<boolean>`${services.archivedAt} is not null`
		})
		.from(services)
		.where(eq(services.organisationId, organisationId))
		.orderBy(asc(services.name))
		.all()
		.map((s) => ({ ...s, archived: Boolean(s.archived) }));
}

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
