// The board report of one round: the organisation dashboard's figures for that round, put in the
// order a board paper reads them, with the round's priorities, the improvement actions by board
// status and a note on method. Every figure comes from the dashboard functions, so the report and
// the screens always agree.

import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { londonDate } from '$lib/domain/london-days';
import { formatIsoDate } from '$lib/format/dates';
import { ACTION_STATUS_LABELS } from '$lib/domain/actions';
import { countStages } from '$lib/domain/rounds';
import { boardStatus, countBoardStatuses } from '$lib/domain/reports/board-status';
import { medianChange, reportHeadline } from '$lib/domain/reports/headline';
import { addPeople, perspectiveCounts } from '$lib/domain/reports/perspectives';
import type { Perspective } from '$lib/domain/ratings';
import { may, type Person } from '../access/policy';
import type { Db } from '../db/client';
import { assessments, challenges, frameworks, priorities, rounds } from '../db/schema';
import { organisationActions } from '../actions/overview';
import { organisationDashboard } from '../dashboards/organisation';
import { challengeHeading } from '../dashboards/framework-shape';
import { submittedPeople } from '../ratings/spread';
import { roundProgress } from '../rounds/progress';

type Round = typeof rounds.$inferSelect;

/** How many rounds of levels over time a paper shows: two years of half-yearly rounds. */
export const ROUNDS_OVER_TIME = 4;

/** How many challenges the priorities table lists, most often chosen first. */
const TOP_PRIORITIES = 5;

/** The round's framework version, as the method note names it. */
function frameworkOf(db: Db, frameworkId: string) {
	return db
		.select({
			packKey: frameworks.packKey,
			name: frameworks.name,
			version: frameworks.version,
			attribution: frameworks.attribution
		})
		.from(frameworks)
		.where(eq(frameworks.id, frameworkId))
		.get()!;
}

/** The challenges most services chose as a priority in their completed assessment of the round. */
function topPriorities(db: Db, roundId: string, shown: Set<string>) {
	if (shown.size === 0) return [];
	return db
		.select({
			key: challenges.packChallengeKey,
			position: challenges.position,
			shortLabel: challenges.shortLabel,
			services: count(),
			first: sql<number>`sum(${priorities.rank} = 1)`
		})
		.from(priorities)
		.innerJoin(assessments, eq(assessments.id, priorities.assessmentId))
		.innerJoin(challenges, eq(challenges.id, priorities.challengeId))
		.where(
			and(
				eq(assessments.roundId, roundId),
				eq(assessments.status, 'complete'),
				inArray(assessments.serviceId, [...shown])
			)
		)
		.groupBy(challenges.packChallengeKey, challenges.position, challenges.shortLabel)
		.orderBy(sql`count(*) desc`, sql`sum(${priorities.rank} = 1) desc`, asc(challenges.position))
		.limit(TOP_PRIORITIES)
		.all();
}

/** How many people rated from each perspective across the round's completed assessments. */
function peopleByPerspective(db: Db, assessmentIds: string[], now: Date) {
	const total = new Map<Perspective, number>();
	for (const id of assessmentIds) addPeople(total, submittedPeople(db, id, now));
	return perspectiveCounts(total);
}

/**
 * The board report of a round, for a person who may see the organisation's overview; the
 * services are those they may see, as on the dashboard.
 */
export function boardReport(
	db: Db,
	organisation: { id: string; name: string },
	round: Round,
	person: Person,
	now = new Date()
) {
	const framework = frameworkOf(db, round.frameworkId);
	const dashboard = organisationDashboard(
		db,
		organisation.id,
		{ framework: framework.packKey, round: round.id, to: round.id },
		person,
		now
	)!;
	const shows = (serviceId: string) =>
		may(person, 'service.view', { organisationId: organisation.id, serviceId });
	const progress = roundProgress(db, round, { now, shows });
	const standings = progress.participants.flatMap((p) => (p.standing ? [p.standing] : []));
	const completed = countStages(standings).complete;
	const takingPart = progress.participants.length;

	const here = dashboard.countedRounds.findIndex((r) => r.id === round.id);
	const previousRound = here > 0 ? dashboard.countedRounds[here - 1] : null;
	const medians = dashboard.medians.map((m) => {
		const current = here >= 0 ? m.medians[here] : null;
		const previous = previousRound ? m.medians[here - 1] : null;
		return {
			key: m.key,
			label: challengeHeading(m),
			current,
			previous,
			change: medianChange(current, previous)
		};
	});
	const headline = reportHeadline({
		roundTitle: round.title,
		roundOpen: round.status === 'open',
		completed,
		takingPart,
		previousRoundTitle: previousRound?.title ?? null,
		challenges: medians
	});

	// The dashboard counted rounds up to this one only (its `to` filter).
	const overTime = dashboard.countedRounds.slice(-ROUNDS_OVER_TIME);
	const levelsOverTime = dashboard.levelsByChallenge.map((c) => ({
		key: c.key,
		label: challengeHeading(c),
		rounds: c.rounds.slice(-ROUNDS_OVER_TIME)
	}));

	const completedServices = new Set(
		progress.participants.filter((p) => p.standing?.stage === 'complete').map((p) => p.serviceId)
	);
	const today = londonDate(now);
	const actions = organisationActions(db, organisation.id, {}, now)
		.actions.filter((a) => shows(a.serviceId))
		// Actions closed before the round began were reported to an earlier board.
		.filter((a) => !a.closedAt || londonDate(a.closedAt) >= round.periodStart)
		.map((a) => ({
			id: a.id,
			serviceName: a.serviceName,
			challenge: challengeHeading({ position: a.challengePosition, shortLabel: a.challengeLabel }),
			title: a.title,
			ownerName: a.ownerName,
			dueDate: a.dueDate,
			status: ACTION_STATUS_LABELS[a.status],
			boardStatus: boardStatus(a, today)
		}));

	return {
		round: {
			id: round.id,
			title: round.title,
			status: round.status,
			periodStart: round.periodStart,
			periodEnd: round.periodEnd
		},
		draft: round.status !== 'closed',
		producedOn: formatIsoDate(today),
		framework,
		scale: dashboard.scale,
		challenges: dashboard.challenges,
		completed,
		takingPart,
		previousRound: previousRound ? { id: previousRound.id, title: previousRound.title } : null,
		headline,
		medians,
		heatmap: dashboard.heatmap,
		heatmapTable: dashboard.tables.heatmap,
		overTime: {
			rounds: overTime.map((r) => r.title),
			allRounds: dashboard.countedRounds.length,
			challenges: levelsOverTime
		},
		movers: dashboard.movers,
		moversTable: dashboard.tables.movers,
		priorities: topPriorities(db, round.id, completedServices).map((p) => ({
			label: challengeHeading(p),
			services: p.services,
			first: p.first
		})),
		actions,
		actionCounts: countBoardStatuses(actions.map((a) => a.boardStatus)),
		perspectives: peopleByPerspective(
			db,
			progress.participants
				.filter((p) => p.standing?.stage === 'complete' && p.assessmentId)
				.map((p) => p.assessmentId!),
			now
		)
	};
}

export type BoardReport = ReturnType<typeof boardReport>;
