// What is waiting for one person, wherever they hold a role.

import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { OPEN_ACTION_STATUSES } from '$lib/domain/actions';
import { londonDate } from '$lib/domain/london-days';
import { assessmentStage, type AssessmentFacts } from '$lib/domain/rounds';
import { may, type Person } from '../access/policy';
import type { Db } from '../db/client';
import {
	assessmentRaters,
	assessments,
	improvementActions,
	organisations,
	rounds,
	services
} from '../db/schema';
import { stageFacts } from '../rounds/progress';
import { selectActions, withOverdue } from './rows';

/** A row of either list, with the stage its assessment has reached, in the words every page uses. */
function withStage(today: string) {
	return <Row extends AssessmentFacts & { periodEnd: string }>({
		agreedLevels,
		raters,
		submittedRaters,
		...row
	}: Row) => ({
		...row,
		standing: assessmentStage(
			{ status: row.status, agreedLevels, raters, submittedRaters },
			row.periodEnd,
			today
		)
	});
}

const openAssessmentColumns = {
	assessmentId: assessments.id,
	roundId: rounds.id,
	roundTitle: rounds.title,
	periodEnd: rounds.periodEnd,
	organisationId: rounds.organisationId,
	organisationName: organisations.name,
	serviceId: services.id,
	serviceName: services.name,
	status: assessments.status,
	...stageFacts
};

const inOpenRound = and(eq(rounds.status, 'open'), eq(assessments.status, 'in_progress'));

/** Assessments still in progress in an open round, soonest due first: the rows of both lists. */
function openAssessments(db: Db) {
	return db
		.select(openAssessmentColumns)
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.innerJoin(services, eq(services.id, assessments.serviceId))
		.innerJoin(organisations, eq(organisations.id, rounds.organisationId));
}

/** The assessments this person was invited to rate and has not yet submitted. */
function toRate(db: Db, person: Person) {
	return openAssessments(db)
		.innerJoin(
			assessmentRaters,
			and(eq(assessmentRaters.assessmentId, assessments.id), eq(assessmentRaters.userId, person.id))
		)
		.where(and(isNull(assessmentRaters.submittedAt), inOpenRound))
		.orderBy(asc(rounds.periodEnd), asc(services.name))
		.all();
}

/** The assessments still in progress that this person can agree. */
function toAgree(db: Db, person: Person) {
	const organisationIds = [...new Set(person.memberships.map((m) => m.organisationId))];
	if (organisationIds.length === 0) return [];
	return openAssessments(db)
		.where(and(inArray(rounds.organisationId, organisationIds), inOpenRound))
		.orderBy(asc(rounds.periodEnd), asc(services.name))
		.all()
		.filter((row) =>
			may(person, 'assessment.edit', {
				organisationId: row.organisationId,
				serviceId: row.serviceId
			})
		);
}

/**
 * Open actions this person owns, ratings they were invited to give, and assessments they can
 * agree that are still in progress; only in services they can still see.
 */
export function myWork(db: Db, person: Person, now = new Date()) {
	const today = londonDate(now);
	const visible = (row: { organisationId: string; serviceId: string }) =>
		may(person, 'service.view', { organisationId: row.organisationId, serviceId: row.serviceId });
	const actions = selectActions(db)
		.where(
			and(
				eq(improvementActions.ownerUserId, person.id),
				inArray(improvementActions.status, [...OPEN_ACTION_STATUSES])
			)
		)
		.orderBy(asc(improvementActions.dueDate))
		.all()
		.filter(visible)
		.map(withOverdue(today));
	return {
		actions,
		toRate: toRate(db, person).filter(visible).map(withStage(today)),
		toAgree: toAgree(db, person).map(withStage(today))
	};
}
