// A service's improvement plan, as its pages read it: the latest assessment's priorities with
// their actions, then every other action; who can own one, and what it can be about.

import { and, asc, count, desc, eq, isNull, or } from 'drizzle-orm';
import { londonDate } from '$lib/domain/london-days';
import { pageWindow, type Paging } from '$lib/domain/paging';
import type { Db } from '../db/client';
import {
	actionNotes,
	assessments,
	challenges,
	improvementActions,
	memberships,
	priorities,
	rounds,
	users
} from '../db/schema';
import { frameworkContent } from '../frameworks/queries';
import {
	filterConditions,
	openBeforeClosed,
	selectActions,
	withOverdue,
	type ActionFilters
} from './rows';

/** The service's most recent assessment (by round period): its pack is the one actions are about. */
export function latestAssessmentOf(db: Pick<Db, 'select'>, serviceId: string) {
	return db
		.select({
			id: assessments.id,
			status: assessments.status,
			createdAt: assessments.createdAt,
			roundId: rounds.id,
			roundTitle: rounds.title,
			roundStatus: rounds.status,
			frameworkId: rounds.frameworkId
		})
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(eq(assessments.serviceId, serviceId))
		.orderBy(desc(rounds.periodStart), desc(assessments.createdAt))
		.get();
}

/** People who can own an action: anyone with a role in this service or across its organisation. */
export function possibleOwners(
	db: Pick<Db, 'select' | 'selectDistinct'>,
	organisationId: string,
	serviceId: string
) {
	return db
		.selectDistinct({ id: users.id, name: users.name })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(
			and(
				eq(memberships.organisationId, organisationId),
				or(isNull(memberships.serviceId), eq(memberships.serviceId, serviceId)),
				isNull(users.disabledAt)
			)
		)
		.orderBy(asc(users.name))
		.all();
}

/** One page of an action's progress notes with who wrote them (newest first unless asked). */
export function actionNotesFor(
	db: Db,
	actionId: string,
	paging: Paging = { page: 1, order: 'newest' }
) {
	const where = eq(actionNotes.actionId, actionId);
	const total = db.select({ n: count() }).from(actionNotes).where(where).get()?.n ?? 0;
	const window = pageWindow(paging.page, total);
	const by = paging.order === 'oldest' ? asc : desc;
	const items = db
		.select({
			id: actionNotes.id,
			body: actionNotes.body,
			createdAt: actionNotes.createdAt,
			by: users.name
		})
		.from(actionNotes)
		.leftJoin(users, eq(users.id, actionNotes.userId))
		.where(where)
		.orderBy(by(actionNotes.createdAt), by(actionNotes.id))
		.limit(window.limit)
		.offset(window.offset)
		.all();
	return { items, total, page: window.page, pages: window.pages, order: paging.order };
}

/** The challenges an action can be about: those of the service's current pack, plus its own. */
export function challengeChoices(
	db: Pick<Db, 'select'>,
	serviceId: string,
	currentChallengeId?: string
) {
	const latest = latestAssessmentOf(db, serviceId);
	const choices = latest
		? frameworkContent(db, latest.frameworkId).challenges.map((c) => ({
				id: c.id,
				label: `${c.position}. ${c.shortLabel}`
			}))
		: [];
	if (currentChallengeId && !choices.some((c) => c.id === currentChallengeId)) {
		const own = db.select().from(challenges).where(eq(challenges.id, currentChallengeId)).get();
		if (own)
			choices.unshift({
				id: own.id,
				label: `${own.position}. ${own.shortLabel} (earlier version of the framework)`
			});
	}
	return { latest, choices };
}

/** A service's actions, most urgent first (open before closed, then by due date). */
function serviceActions(db: Db, serviceId: string, filters: ActionFilters = {}, now = new Date()) {
	const today = londonDate(now);
	return selectActions(db)
		.where(and(eq(improvementActions.serviceId, serviceId), ...filterConditions(filters, today)))
		.orderBy(openBeforeClosed, asc(improvementActions.dueDate), asc(improvementActions.createdAt))
		.all()
		.map(withOverdue(today));
}

/**
 * The plan page: the latest assessment's priorities, each with its actions (matched by the
 * challenge's key, so actions raised under an earlier version of the framework still count),
 * then every other action.
 */
export function servicePlan(
	db: Db,
	serviceId: string,
	filters: ActionFilters = {},
	now = new Date()
) {
	const latest = latestAssessmentOf(db, serviceId);
	const actions = serviceActions(db, serviceId, filters, now);
	const priorityRows = latest
		? db
				.select({
					rank: priorities.rank,
					challengeKey: challenges.packChallengeKey,
					name: challenges.shortLabel,
					position: challenges.position
				})
				.from(priorities)
				.innerJoin(challenges, eq(challenges.id, priorities.challengeId))
				.where(eq(priorities.assessmentId, latest.id))
				.orderBy(asc(priorities.rank))
				.all()
		: [];
	const priorityKeys = new Set(priorityRows.map((p) => p.challengeKey));
	return {
		latest: latest ?? null,
		priorities: priorityRows.map((p) => ({
			...p,
			actions: actions.filter((a) => a.challengeKey === p.challengeKey)
		})),
		otherActions: actions.filter((a) => !priorityKeys.has(a.challengeKey)),
		total: actions.length,
		overdueCount: actions.filter((a) => a.overdue).length,
		/** Choices for the challenge filter, by key: the current pack's challenges. */
		challengeOptions: latest
			? frameworkContent(db, latest.frameworkId).challenges.map((c) => ({
					value: c.key,
					text: `${c.position}. ${c.shortLabel}`
				}))
			: []
	};
}
