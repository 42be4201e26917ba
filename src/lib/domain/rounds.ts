export const ROUND_STATUSES = ['draft', 'open', 'closed'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export const ASSESSMENT_STATUSES = ['in_progress', 'complete'] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];

export const ROUND_STATUS_LABELS: Record<RoundStatus, string> = {
	draft: 'Draft',
	open: 'Open',
	closed: 'Closed'
};

/** Why a round cannot be opened now, or null when it can. */
export function whyRoundCannotOpen(status: RoundStatus, serviceCount: number): string | null {
	if (status !== 'draft') return 'Only a draft round can be opened.';
	if (serviceCount === 0) return 'Add at least one service to the round before opening it.';
	return null;
}

export function whyRoundCannotClose(status: RoundStatus): string | null {
	return status === 'open' ? null : 'Only an open round can be closed.';
}

/** Agreed scores can change only while the round is open and the assessment not yet complete. */
export function whyAssessmentIsLocked(
	roundStatus: RoundStatus,
	assessmentStatus: AssessmentStatus
): string | null {
	if (roundStatus === 'draft') return 'This round has not been opened yet.';
	if (roundStatus === 'closed') return 'This round is closed, so its scores can no longer change.';
	if (assessmentStatus === 'complete') return 'This assessment has been marked complete.';
	return null;
}

/**
 * The team recovery implementation plan (its resources and priorities) stays the team's after the
 * assessment is complete: it can change for as long as the round is open.
 */
export function whyTeamPlanIsLocked(roundStatus: RoundStatus): string | null {
	if (roundStatus === 'draft') return 'This round has not been opened yet.';
	if (roundStatus === 'closed') return 'This round is closed, so its plan can no longer change.';
	return null;
}

/** The challenges that still have no agreed level, in framework order. */
export function unscoredChallenges<T extends { id: string }>(
	challenges: T[],
	agreedLevels: Map<string, number>
): T[] {
	return challenges.filter((c) => !agreedLevels.has(c.id));
}

/** Only a draft round's title, period, framework and services can change. */
export function whyRoundCannotChange(status: RoundStatus): string | null {
	return status === 'draft' ? null : 'Only a draft round can be changed.';
}

export const REOPEN_REASON_MAX_LENGTH = 1000;

export const REOPEN_REASON_MESSAGES = {
	missing: 'Enter the reason for reopening the round',
	tooLong: `The reason must be ${REOPEN_REASON_MAX_LENGTH.toLocaleString('en-GB')} characters or fewer`
} as const;

export interface ReopenRefusal {
	/** What is wrong: the round itself, or the reason given. */
	about: 'round' | 'reason';
	message: string;
}

/** Only a closed round can be reopened, and only with a reason for the audit trail. */
export function whyRoundCannotReopen(status: RoundStatus, reason: string): ReopenRefusal | null {
	if (status !== 'closed')
		return { about: 'round', message: 'Only a closed round can be reopened.' };
	const trimmed = reason.trim();
	if (trimmed.length === 0) return { about: 'reason', message: REOPEN_REASON_MESSAGES.missing };
	if (trimmed.length > REOPEN_REASON_MAX_LENGTH)
		return { about: 'reason', message: REOPEN_REASON_MESSAGES.tooLong };
	return null;
}

// Where a service has got to in a round: the one set of words every page, table, CSV and chart
// uses for an assessment. Its stored status says only whether it is complete; the stage before
// that comes from its raters and agreed levels, so callers ask `assessmentStage`, never the status.
export const ASSESSMENT_STAGES = ['not_started', 'rating', 'agreeing', 'complete'] as const;
export type AssessmentStage = (typeof ASSESSMENT_STAGES)[number];

export const ASSESSMENT_STAGE_LABELS: Record<AssessmentStage, string> = {
	not_started: 'Not started',
	rating: 'Rating',
	agreeing: 'Agreeing',
	complete: 'Complete'
};

export interface AssessmentFacts {
	status: AssessmentStatus;
	/** How many challenges have an agreed level. */
	agreedLevels: number;
	/** How many people were invited to rate, and how many of them have submitted. */
	raters?: number;
	submittedRaters?: number;
}

export interface AssessmentStanding {
	stage: AssessmentStage;
	/** The round's period has ended and the assessment is still not complete. */
	late: boolean;
}

/**
 * The stage an assessment has reached, and whether it is late. `today` is the London calendar
 * day (YYYY-MM-DD): the period's last day still counts as on time. `openedOn` is the London day
 * the round was opened: a round opened after its period was over records a past round, and
 * nothing in it is late.
 */
export function assessmentStage(
	facts: AssessmentFacts,
	periodEnd: string,
	today: string,
	openedOn?: string | null
): AssessmentStanding {
	const raters = facts.raters ?? 0;
	const allRated = raters > 0 && (facts.submittedRaters ?? 0) >= raters;
	const stage: AssessmentStage =
		facts.status === 'complete'
			? 'complete'
			: facts.agreedLevels > 0 || allRated
				? 'agreeing'
				: raters > 0
					? 'rating'
					: 'not_started';
	const recordedAfterwards = !!openedOn && openedOn > periodEnd;
	return { stage, late: stage !== 'complete' && today > periodEnd && !recordedAfterwards };
}

/** How many assessments are at each stage, every stage listed. */
export function countStages(standings: AssessmentStanding[]): Record<AssessmentStage, number> {
	const counts = Object.fromEntries(ASSESSMENT_STAGES.map((stage) => [stage, 0])) as Record<
		AssessmentStage,
		number
	>;
	for (const standing of standings) counts[standing.stage] += 1;
	return counts;
}

export interface RoundProgressSummary {
	total: number;
	complete: number;
	late: number;
}

export function summariseRoundProgress(standings: AssessmentStanding[]): RoundProgressSummary {
	return {
		total: standings.length,
		complete: standings.filter((s) => s.stage === 'complete').length,
		late: standings.filter((s) => s.late).length
	};
}

/** "3 of 8 complete, 2 late". */
export function describeRoundProgress(summary: RoundProgressSummary): string {
	return `${summary.complete} of ${summary.total} complete, ${summary.late} late`;
}

export const UNDO_COMPLETION_REASON_MAX_LENGTH = REOPEN_REASON_MAX_LENGTH;

export const UNDO_COMPLETION_REASON_MESSAGES = {
	missing: 'Enter the reason for undoing the completion',
	tooLong: `The reason must be ${UNDO_COMPLETION_REASON_MAX_LENGTH.toLocaleString('en-GB')} characters or fewer`
} as const;

export interface UndoCompletionRefusal {
	/** What is wrong: the assessment (or its round), or the reason given. */
	about: 'assessment' | 'reason';
	message: string;
}

/**
 * A completion can be undone only while the round is open (a closed round's results are final),
 * and only with a reason for the audit trail.
 */
export function whyCompletionCannotBeUndone(
	roundStatus: RoundStatus,
	assessmentStatus: AssessmentStatus,
	reason: string
): UndoCompletionRefusal | null {
	if (assessmentStatus !== 'complete')
		return { about: 'assessment', message: 'This assessment is not marked complete.' };
	if (roundStatus !== 'open')
		return {
			about: 'assessment',
			message: 'A completion can be undone only while its round is open: reopen the round first.'
		};
	const trimmed = reason.trim();
	if (trimmed.length === 0)
		return { about: 'reason', message: UNDO_COMPLETION_REASON_MESSAGES.missing };
	if (trimmed.length > UNDO_COMPLETION_REASON_MAX_LENGTH)
		return { about: 'reason', message: UNDO_COMPLETION_REASON_MESSAGES.tooLong };
	return null;
}

/** What an assessment already holds, which taking its service out of the round would lose. */
export interface AssessmentWork {
	status: AssessmentStatus;
	/** Individual ratings given by the people invited to rate. */
	ratings: number;
	/**
	 * Rating sessions started and participants without an account (in a session or entered from
	 * paper): their answers are the team's work too, and the rows hold on to the assessment.
	 */
	participants: number;
	/** Challenges with an agreed level, or any evidence, rationale or next step written. */
	agreedScores: number;
	/** Priorities, the team's resources, comments, reviewed actions and actions planned from it. */
	otherWork: number;
}

/**
 * Why services cannot be added to or taken out of this round now, or null when they can: only an
 * open round's change here (a draft's are chosen by editing it). Reasons read on from "cannot be
 * added to the round: ".
 */
export function whyRoundServicesCannotChange(roundStatus: RoundStatus): string | null {
	if (roundStatus === 'draft') return 'the round is a draft, so choose its services by editing it';
	if (roundStatus === 'closed') return 'the round is closed';
	return null;
}

/**
 * Why a service cannot be taken out of this round now, or null when it can: only while the round
 * is open, and only while its assessment holds nothing that taking it out would throw away.
 */
export function whyServiceCannotLeaveRound(
	roundStatus: RoundStatus,
	work: AssessmentWork
): string | null {
	const notOpen = whyRoundServicesCannotChange(roundStatus);
	if (notOpen) return notOpen;
	if (work.status === 'complete') return 'its assessment is complete';
	if (work.ratings > 0) return 'people have already given ratings in its assessment';
	if (work.participants > 0)
		return 'its assessment already holds a rating session or ratings entered from paper';
	if (work.agreedScores > 0) return 'its assessment already has agreed levels or evidence';
	if (work.otherWork > 0)
		return 'its assessment already holds the team’s priorities, resources, comments or actions';
	return null;
}
