// Actions seen from above: across an organisation's services, and one person's own work.

import { and, asc, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import { londonDate } from '$lib/domain/london-days';
import type { ActionStatus } from '$lib/domain/actions';
import type { Db } from './db/client';
import {
	actionReviews,
	assessmentRaters,
	assessments,
	challenges,
	improvementActions,
	organisations,
	rounds,
	services
} from './db/schema';
import { may, type Person } from './access/policy';
import {
	OPEN_STATUSES,
	filterConditions,
	openBeforeClosed,
	selectActions,
	withOverdue,
	type ActionFilters
} from './actions';

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
			overdue: sql<number>`sum(case when ${improvementActions.status} in ('not_started', 'in_progress') and ${improvementActions.dueDate} < ${today} then 1 else 0 end)`,
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

/** The counts as a table: one row per challenge, a column per status, with overdue and totals. */
export function countTable(
	counts: { challengeKey: string; status: ActionStatus; overdue: number; count: number }[],
	challengeOptions: { value: string; text: string }[]
) {
	const empty = () => ({
		not_started: 0,
		in_progress: 0,
		done: 0,
		dropped: 0,
		overdue: 0,
		total: 0
	});
	const rows = challengeOptions.map((c) => ({ key: c.value, label: c.text, ...empty() }));
	const total = { key: '', label: 'All challenges', ...empty() };
	for (const c of counts) {
		const row = rows.find((r) => r.key === c.challengeKey);
		for (const target of row ? [row, total] : [total]) {
			target[c.status] += c.count;
			target.overdue += c.overdue;
			target.total += c.count;
		}
	}
	return { rows: rows.filter((r) => r.total > 0), total };
}

// My work ------------------------------------------------------------------------------------

/**
 * What is waiting for this person, wherever they hold a role: open actions they own, ratings they
 * were invited to give, and assessments they can agree that are still in progress.
 */
export function myWork(db: Db, person: Person, now = new Date()) {
	const today = londonDate(now);
	const visible = (row: { organisationId: string; serviceId: string }) =>
		may(person, 'service.view', { organisationId: row.organisationId, serviceId: row.serviceId });
	const actions = selectActions(db)
		.where(
			and(
				eq(improvementActions.ownerUserId, person.id),
				inArray(improvementActions.status, [...OPEN_STATUSES])
			)
		)
		.orderBy(asc(improvementActions.dueDate))
		.all()
		.filter(visible)
		.map(withOverdue(today));

	const openAssessmentColumns = {
		assessmentId: assessments.id,
		roundId: rounds.id,
		roundTitle: rounds.title,
		periodEnd: rounds.periodEnd,
		organisationId: rounds.organisationId,
		organisationName: organisations.name,
		serviceId: services.id,
		serviceName: services.name
	};
	const toRate = db
		.select(openAssessmentColumns)
		.from(assessmentRaters)
		.innerJoin(assessments, eq(assessments.id, assessmentRaters.assessmentId))
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.innerJoin(services, eq(services.id, assessments.serviceId))
		.innerJoin(organisations, eq(organisations.id, rounds.organisationId))
		.where(
			and(
				eq(assessmentRaters.userId, person.id),
				isNull(assessmentRaters.submittedAt),
				eq(rounds.status, 'open'),
				eq(assessments.status, 'in_progress')
			)
		)
		.orderBy(asc(rounds.periodEnd), asc(services.name))
		.all()
		.filter(visible);

	const organisationIds = [...new Set(person.memberships.map((m) => m.organisationId))];
	const toAgree =
		organisationIds.length === 0
			? []
			: db
					.select(openAssessmentColumns)
					.from(assessments)
					.innerJoin(rounds, eq(rounds.id, assessments.roundId))
					.innerJoin(services, eq(services.id, assessments.serviceId))
					.innerJoin(organisations, eq(organisations.id, rounds.organisationId))
					.where(
						and(
							inArray(rounds.organisationId, organisationIds),
							eq(rounds.status, 'open'),
							eq(assessments.status, 'in_progress')
						)
					)
					.orderBy(asc(rounds.periodEnd), asc(services.name))
					.all()
					.filter((row) =>
						may(person, 'assessment.edit', {
							organisationId: row.organisationId,
							serviceId: row.serviceId
						})
					);
	return { actions, toRate, toAgree };
}
