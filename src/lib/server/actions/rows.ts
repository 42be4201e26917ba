// Improvement actions as every list shows them (with their service, challenge and owner), and the
// filters those lists share.

import { and, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import {
	ACTION_STATUSES,
	CLOSED_ACTION_STATUSES,
	OPEN_ACTION_STATUSES,
	isOverdue,
	type ActionStatus
} from '$lib/domain/actions';
import type { Db } from '../db/client';
import { challenges, improvementActions, services, users } from '../db/schema';

const ownerUser = alias(users, 'owner_user');

const actionColumns = {
	id: improvementActions.id,
	organisationId: improvementActions.organisationId,
	serviceId: improvementActions.serviceId,
	serviceName: services.name,
	challengeId: improvementActions.challengeId,
	challengeKey: challenges.packChallengeKey,
	challengeLabel: challenges.shortLabel,
	challengePosition: challenges.position,
	assessmentId: improvementActions.assessmentId,
	title: improvementActions.title,
	description: improvementActions.description,
	ownerUserId: improvementActions.ownerUserId,
	ownerName: sql<string>`coalesce(${ownerUser.name}, ${improvementActions.ownerName}, '')`,
	startDate: improvementActions.startDate,
	dueDate: improvementActions.dueDate,
	status: improvementActions.status,
	outcome: improvementActions.outcome,
	closedAt: improvementActions.closedAt,
	createdAt: improvementActions.createdAt,
	updatedAt: improvementActions.updatedAt
};

export function selectActions(db: Pick<Db, 'select'>) {
	return db
		.select(actionColumns)
		.from(improvementActions)
		.innerJoin(services, eq(services.id, improvementActions.serviceId))
		.innerJoin(challenges, eq(challenges.id, improvementActions.challengeId))
		.leftJoin(ownerUser, eq(ownerUser.id, improvementActions.ownerUserId));
}

export type ActionRow = ReturnType<ReturnType<typeof selectActions>['all']>[number];

/** The action, only if it belongs to this service of this organisation. */
export function getAction(
	db: Pick<Db, 'select'>,
	organisationId: string,
	serviceId: string,
	actionId: string
) {
	return selectActions(db)
		.where(
			and(
				eq(improvementActions.id, actionId),
				eq(improvementActions.serviceId, serviceId),
				eq(improvementActions.organisationId, organisationId)
			)
		)
		.get();
}

export interface ActionFilters {
	/** A challenge's key in its pack, so one filter spans versions of the framework. */
	challenge?: string;
	status?: ActionStatus;
	overdue?: boolean;
	service?: string;
	grouping?: string;
}

const actionFilterSchema = z.object({
	challenge: z.string().max(100).optional().catch(undefined),
	status: z.enum(ACTION_STATUSES).optional().catch(undefined),
	overdue: z.literal('yes').optional().catch(undefined),
	service: z.string().max(64).optional().catch(undefined),
	grouping: z.string().max(64).optional().catch(undefined)
});

/** Filters from the page's address; anything unrecognised is ignored rather than refused. */
export function filtersFromUrl(url: URL): ActionFilters {
	const raw = Object.fromEntries([...url.searchParams].filter(([, v]) => v !== ''));
	const parsed = actionFilterSchema.parse(raw);
	return {
		challenge: parsed.challenge,
		status: parsed.status,
		overdue: parsed.overdue === 'yes',
		service: parsed.service,
		grouping: parsed.grouping
	};
}

/** Still open, and due before today (a London day): the same rule as isOverdue, in SQL. */
export const overdueCondition = (today: string) =>
	and(
		inArray(improvementActions.status, [...OPEN_ACTION_STATUSES]),
		lt(improvementActions.dueDate, today)
	)!;

export function filterConditions(filters: ActionFilters, today: string): SQL[] {
	const conditions: SQL[] = [];
	if (filters.challenge) conditions.push(eq(challenges.packChallengeKey, filters.challenge));
	if (filters.status) conditions.push(eq(improvementActions.status, filters.status));
	if (filters.overdue) conditions.push(overdueCondition(today));
	if (filters.service) conditions.push(eq(improvementActions.serviceId, filters.service));
	if (filters.grouping) conditions.push(eq(services.groupingId, filters.grouping));
	return conditions;
}

/** Sorts open actions before done and dropped ones. */
export const openBeforeClosed = sql`case when ${inArray(improvementActions.status, [...CLOSED_ACTION_STATUSES])} then 1 else 0 end`;

export const withOverdue = (today: string) => (action: ActionRow) => ({
	...action,
	overdue: isOverdue(action, today)
});
