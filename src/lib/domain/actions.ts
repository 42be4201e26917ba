// Improvement actions: the plan side of TRIP. Pure rules, no I/O.

export const ACTION_STATUSES = ['not_started', 'in_progress', 'done', 'dropped'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const ACTION_STATUS_LABELS: Record<ActionStatus, string> = {
	not_started: 'Not started',
	in_progress: 'In progress',
	done: 'Done',
	dropped: 'Dropped'
};

export const MAX_ACTION_TITLE_LENGTH = 200;
export const MAX_ACTION_TEXT_LENGTH = 5_000;
/** Long enough for "Sam Patel, peer support worker (Tuesday group)"; anything longer is not a name. */
export const MAX_OWNER_NAME_LENGTH = 120;

/** Still to be done: these count as open, and can be overdue. */
export const OPEN_ACTION_STATUSES = [
	'not_started',
	'in_progress'
] as const satisfies readonly ActionStatus[];
/** Done or dropped: closed, each with an outcome note saying what happened. */
export const CLOSED_ACTION_STATUSES = [
	'done',
	'dropped'
] as const satisfies readonly ActionStatus[];

export const isClosedStatus = (status: ActionStatus): boolean =>
	(CLOSED_ACTION_STATUSES as readonly ActionStatus[]).includes(status);

/**
 * Past its due date and neither done nor dropped. `today` is the London calendar day
 * (YYYY-MM-DD, from londonDate), so an action due today is not overdue until London's midnight,
 * whichever side of a clock change that falls.
 */
export function isOverdue(
	action: { dueDate: string | null; status: ActionStatus },
	today: string
): boolean {
	return action.dueDate !== null && !isClosedStatus(action.status) && action.dueDate < today;
}

/**
 * Why an action cannot move from one status to another, or null when it can. Closing (done or
 * dropped) needs an outcome note saying what happened; a closed action is reopened before it is
 * closed the other way, so "done" never silently becomes "dropped".
 */
export function whyStatusCannotChange(
	from: ActionStatus,
	to: ActionStatus,
	outcome: string
): string | null {
	if (from === to) return null;
	if (isClosedStatus(from) && isClosedStatus(to)) {
		return `This action is already ${ACTION_STATUS_LABELS[from].toLowerCase()}. Reopen it (in progress) before marking it ${ACTION_STATUS_LABELS[to].toLowerCase()}`;
	}
	if (isClosedStatus(to) && outcome.trim() === '') {
		return `Enter an outcome note saying why the action is ${ACTION_STATUS_LABELS[to].toLowerCase()}`;
	}
	return null;
}

// Counting across services ------------------------------------------------------------------

export interface ActionCount {
	challengeKey: string;
	status: ActionStatus;
	/** How many of these are overdue. */
	overdue: number;
	count: number;
}

/**
 * Counts as a board report shows them: one row per challenge that has any action (in the order
 * of the options given), a column per status, with overdue and totals, and a row of totals.
 */
export function actionCountTable(
	counts: ActionCount[],
	challengeOptions: { value: string; text: string }[]
) {
	const empty = () => ({
		...(Object.fromEntries(ACTION_STATUSES.map((s) => [s, 0])) as Record<ActionStatus, number>),
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

// Reviewing at the next round ---------------------------------------------------------------

export const REVIEW_DECISIONS = ['done', 'carried_forward', 'dropped'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export const REVIEW_DECISION_LABELS: Record<ReviewDecision, string> = {
	done: 'Done',
	carried_forward: 'Carry forward',
	dropped: 'Dropped'
};

export const isReviewDecision = (value: string): value is ReviewDecision =>
	(REVIEW_DECISIONS as readonly string[]).includes(value);

/**
 * Whether an action comes up for review when a service's next assessment starts: it was raised
 * before the assessment started and was still open at that moment (closed later, or not at all).
 * An action closed before the new assessment started was already dealt with.
 */
export function isDueForReview(
	action: { createdAt: Date; closedAt: Date | null },
	assessmentStartedAt: Date
): boolean {
	if (action.createdAt.getTime() >= assessmentStartedAt.getTime()) return false;
	return action.closedAt === null || action.closedAt.getTime() >= assessmentStartedAt.getTime();
}

/**
 * The status a review decision gives an action. Carrying forward keeps an open action as it was
 * and reopens one that an earlier review of this assessment closed.
 */
export function statusAfterReview(decision: ReviewDecision, current: ActionStatus): ActionStatus {
	if (decision === 'done') return 'done';
	if (decision === 'dropped') return 'dropped';
	return isClosedStatus(current) ? 'in_progress' : current;
}
