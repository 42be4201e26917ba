// Improvement actions across an organisation's services, for organisation-wide roles.

import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import { londonDate } from '$lib/domain/london-days';
import type { Db } from '../db/client';
import {
	actionReviews,
	assessments,
	challenges,
	improvementActions,
	rounds,
	services
} from '../db/schema';
import {
	filterConditions,
	openBeforeClosed,
	overdueCondition,
	selectActions,
	withOverdue,
	type ActionFilters
} from './rows';

/** Every service's actions with the filters applied, and the counts a board report needs. */
export function organisationActions(
	db: Db,
	organisationId: string,
	filters: ActionFilters = {},
	now = new Date()
) {
	const today = londonDate(now);
	const where = and(
		eq(improvementActions.organisationId, organisationId),
		...filterConditions(filters, today)
	);
	const actions = selectActions(db)
		.where(where)
		.orderBy(openBeforeClosed, asc(improvementActions.dueDate), asc(services.name))
		.all()
		.map(withOverdue(today));
	const counts = db
		.select({
			challengeKey: challenges.packChallengeKey,
			status: improvementActions.status,
			overdue: sql<number>`sum(case when ${overdueCondition(today)} then 1 else 0 end)`,
			count: count()
		})
		.from(improvementActions)
		.innerJoin(services, eq(services.id, improvementActions.serviceId))
		.innerJoin(challenges, eq(challenges.id, improvementActions.challengeId))
		.where(where)
		.groupBy(challenges.packChallengeKey, improvementActions.status)
		.all();
	return { actions, counts };
}

/**
 * Services whose latest completed assessment has no plan: no action raised from it and none
 * carried forward in its review.
 */
export function servicesWithoutPlan(db: Db, organisationId: string) {
	const latestComplete = db
		.select({
			serviceId: assessments.serviceId,
			assessmentId: sql<string>`${assessments.id}`.as('assessment_id'),
			roundTitle: sql<string>`${rounds.title}`.as('round_title'),
			rank: sql<number>`row_number() over (partition by ${assessments.serviceId} order by ${rounds.periodStart} desc)`.as(
				'rank'
			)
		})
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(and(eq(rounds.organisationId, organisationId), eq(assessments.status, 'complete')))
		.as('latest_complete');
	return db
		.select({
			serviceId: services.id,
			serviceName: services.name,
			assessmentId: latestComplete.assessmentId,
			roundTitle: latestComplete.roundTitle
		})
		.from(latestComplete)
		.innerJoin(services, eq(services.id, latestComplete.serviceId))
		.where(
			and(
				eq(latestComplete.rank, 1),
				isNull(services.archivedAt),
				sql`not exists (select 1 from ${improvementActions} where ${improvementActions.assessmentId} = ${latestComplete.assessmentId})`,
				sql`not exists (select 1 from ${actionReviews} where ${actionReviews.assessmentId} = ${latestComplete.assessmentId} and ${actionReviews.decision} = 'carried_forward')`
			)
		)
		.orderBy(asc(services.name))
		.all();
}

/** The challenges of every framework the organisation's rounds use, one per key, for filters. */
export function organisationChallengeOptions(db: Db, organisationId: string) {
	const rows = db
		.selectDistinct({
			key: challenges.packChallengeKey,
			position: challenges.position,
			shortLabel: challenges.shortLabel
		})
		.from(challenges)
		.innerJoin(rounds, eq(rounds.frameworkId, challenges.frameworkId))
		.where(eq(rounds.organisationId, organisationId))
		.orderBy(asc(challenges.position))
		.all();
	const byKey = new Map<string, { value: string; text: string; position: number }>();
	for (const row of rows)
		if (!byKey.has(row.key))
			byKey.set(row.key, {
				value: row.key,
				text: `${row.position}. ${row.shortLabel}`,
				position: row.position
			});
	return [...byKey.values()];
}
