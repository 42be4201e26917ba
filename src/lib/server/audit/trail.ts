// Reading an organisation's trail: filtered, sorted and counted in SQL, each event described in
// plain words, newest first.

import { and, asc, count, desc, eq, gte, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { londonDayRange } from '$lib/domain/london-days';
import { describeAction, describeChange } from '$lib/domain/audit-labels';
import { ROLE_LABELS } from '../access/policy';
import type { Db } from '../db/client';
import {
	assessments,
	auditEvents,
	challenges,
	invitations,
	rounds,
	services,
	users
} from '../db/schema';
import { AUDIT_PAGE_SIZE, type AuditFilters } from './filters';

const actor = alias(users, 'actor');
const member = alias(users, 'member');
const account = alias(users, 'account');

const entityIs = (type: string) => sql`${auditEvents.entityType} = ${type}`;

// Names for the ids inside an event, looked up by primary key for each event shown. An agreed
// score's entity id is "assessment/challenge".
const scoreAssessmentId = sql`substr(${auditEvents.entityId}, 1, instr(${auditEvents.entityId}, '/') - 1)`;
const scoreChallengeId = sql`substr(${auditEvents.entityId}, instr(${auditEvents.entityId}, '/') + 1)`;
const jsonField = (column: typeof auditEvents.before | typeof auditEvents.after, path: string) =>
	sql`json_extract(case when json_valid(${column}) then ${column} end, ${path})`;

/**
 * Which trail: an organisation's, or with `null` the platform's (events that belong to no
 * organisation: signing in and out, setup, account changes, framework packs).
 */
export type TrailScope = string | null;

const inTrail = (organisationId: TrailScope) =>
	organisationId === null
		? isNull(auditEvents.organisationId)
		: eq(auditEvents.organisationId, organisationId);

function trailConditions(organisationId: TrailScope, filters: AuditFilters): SQL | undefined {
	const { fromMs, toMs } = londonDayRange(filters.from, filters.to);
	return and(
		inTrail(organisationId),
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
			invitationRole: invitations.role,
			accountName: account.name
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
			account,
			sql`${account.id} = case when ${entityIs('user')} then ${auditEvents.entityId} end`
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
				roleLabels: ROLE_LABELS,
				accountName: row.accountName
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
	organisationId: TrailScope,
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
	organisationId: TrailScope,
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

/** People who appear in the trail, for the filter list. */
export function auditTrailPeople(db: Db, organisationId: TrailScope) {
	return db
		.selectDistinct({ id: users.id, name: users.name, email: users.email })
		.from(auditEvents)
		.innerJoin(users, eq(users.id, auditEvents.userId))
		.where(inTrail(organisationId))
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
