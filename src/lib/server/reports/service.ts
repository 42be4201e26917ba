// The one- or two-page report of one service for one round: its agreed levels beside the round
// before, what it does well, its priorities with their actions, and how each perspective rated
// where the service dashboard would show it. Built from the service dashboard's own functions.

import { asc, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { londonDate } from '$lib/domain/london-days';
import { formatIsoDate } from '$lib/format/dates';
import { ACTION_STATUS_LABELS } from '$lib/domain/actions';
import { boardStatus } from '$lib/domain/reports/board-status';
import { medianChange } from '$lib/domain/reports/headline';
import type { Db } from '../db/client';
import { assessments, challenges, priorities, rounds } from '../db/schema';
import { servicePlan } from '../actions/plan';
import { strengthsOf } from '../assessments/strengths';
import { serviceDashboard } from '../dashboards/service';
import { challengeHeading } from '../dashboards/framework-shape';

/** The rounds the service took part in, newest first, with its assessment's status in each. */
function serviceRounds(db: Db, serviceId: string) {
	return db
		.select({
			id: rounds.id,
			title: rounds.title,
			status: rounds.status,
			periodStart: rounds.periodStart,
			periodEnd: rounds.periodEnd,
			assessmentId: assessments.id,
			assessmentStatus: assessments.status
		})
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(eq(assessments.serviceId, serviceId))
		.orderBy(desc(rounds.periodStart), desc(rounds.createdAt))
		.all();
}

const roundChoiceSchema = z.string().max(64).optional().catch(undefined);

/** The round asked for in the address if the service took part in it; else its latest completed one. */
export function chosenRound<R extends { id: string; assessmentStatus: string }>(
	taken: R[],
	asked: string | null
): R | null {
	const wanted = roundChoiceSchema.parse(asked ?? undefined);
	return (
		taken.find((r) => r.id === wanted) ??
		taken.find((r) => r.assessmentStatus === 'complete') ??
		taken[0] ??
		null
	);
}

/** The round a service report shows, for its running header. */
export function serviceReportRound(db: Db, serviceId: string, askedRound: string | null) {
	return chosenRound(serviceRounds(db, serviceId), askedRound);
}

function prioritiesOf(db: Db, assessmentId: string) {
	return db
		.select({
			rank: priorities.rank,
			key: challenges.packChallengeKey,
			position: challenges.position,
			shortLabel: challenges.shortLabel
		})
		.from(priorities)
		.innerJoin(challenges, eq(challenges.id, priorities.challengeId))
		.where(eq(priorities.assessmentId, assessmentId))
		.orderBy(asc(priorities.rank))
		.all();
}

/**
 * The service report, or null when the service has taken part in no round. `agreesLevels` says
 * whether the viewer agrees the service's levels: as on the dashboard, only they see the
 * perspectives fewer than three people rated from.
 */
export function serviceReport(
	db: Db,
	serviceId: string,
	askedRound: string | null,
	viewer: { agreesLevels: boolean },
	now = new Date()
) {
	const taken = serviceRounds(db, serviceId);
	const round = chosenRound(taken, askedRound);
	if (!round) return null;
	const today = londonDate(now);
	const dashboard =
		round.assessmentStatus === 'complete'
			? serviceDashboard(db, serviceId, {}, viewer, round.id)
			: null;
	const allActions = (() => {
		const plan = servicePlan(db, serviceId, {}, now);
		return [...plan.priorities.flatMap((p) => p.actions), ...plan.otherActions];
	})();
	const planned = dashboard
		? prioritiesOf(db, dashboard.latest.id).map((p) => ({
				rank: p.rank,
				label: challengeHeading(p),
				actions: allActions
					.filter((a) => a.challengeKey === p.key)
					.map((a) => ({
						id: a.id,
						title: a.title,
						ownerName: a.ownerName,
						dueDate: a.dueDate,
						status: ACTION_STATUS_LABELS[a.status],
						boardStatus: boardStatus(a, today)
					}))
			}))
		: [];
	return {
		round: { id: round.id, title: round.title, status: round.status },
		rounds: taken.map((r) => ({ value: r.id, text: r.title })),
		draft: round.status !== 'closed',
		producedOn: formatIsoDate(today),
		dashboard: dashboard
			? {
					framework: dashboard.framework.shown.label,
					previous: dashboard.previous,
					scale: dashboard.scale,
					comparison: dashboard.comparison.map((c) => ({
						key: c.key,
						label: challengeHeading(c),
						current: c.current,
						previous: c.previous,
						change: medianChange(
							c.current === null ? null : { kind: 'level', level: c.current },
							c.previous === null ? null : { kind: 'level', level: c.previous }
						)
					})),
					gapTable: dashboard.perspectives.length > 0 ? dashboard.tables.gap : null
				}
			: null,
		strengths: dashboard ? strengthsOf(db, dashboard.latest.id) : [],
		priorities: planned
	};
}
