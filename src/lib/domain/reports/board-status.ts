// The status key a board paper uses for improvement actions, derived from each action's own
// status and due date. Pure rules, no I/O.

import type { ActionStatus } from '../actions';

export const BOARD_STATUSES = ['delivered', 'on_track', 'some_issues', 'not_on_track'] as const;
export type BoardStatus = (typeof BOARD_STATUSES)[number];

export const BOARD_STATUS_LABELS: Record<BoardStatus, string> = {
	delivered: 'Delivered',
	on_track: 'On track',
	some_issues: 'Some issues',
	not_on_track: 'Not on track'
};

/** An action not started this close to its due date is at risk, though not yet late. */
export const DUE_SOON_DAYS = 28;

/** What each status means, for the key printed beside the table. */
export const BOARD_STATUS_MEANINGS: Record<BoardStatus, string> = {
	delivered: 'The team marked the action done.',
	on_track: `In progress, or not started with more than ${DUE_SOON_DAYS} days to go, and not past its due date.`,
	some_issues: `Not started with ${DUE_SOON_DAYS} days or fewer to go, or no due date set.`,
	not_on_track: 'Past its due date and not done.'
};

/** A short mark printed beside each status, so colour is never the only cue. */
export const BOARD_STATUS_MARKS: Record<BoardStatus, string> = {
	delivered: '✓',
	on_track: '●',
	some_issues: '!',
	not_on_track: '✕'
};

/** Whole days from one calendar date (YYYY-MM-DD) to another; negative when `to` is earlier. */
function daysBetween(from: string, to: string): number {
	const utc = (iso: string) => {
		const [year, month, day] = iso.split('-').map(Number);
		return Date.UTC(year, month - 1, day);
	};
	return Math.round((utc(to) - utc(from)) / 86_400_000);
}

/**
 * An action's board status on `today` (a London calendar day, YYYY-MM-DD). A dropped action has
 * none: the team decided not to do it, which is neither delivery nor slippage, so the report
 * counts dropped actions on their own.
 */
export function boardStatus(
	action: { status: ActionStatus; dueDate: string | null },
	today: string
): BoardStatus | null {
	if (action.status === 'done') return 'delivered';
	if (action.status === 'dropped') return null;
	if (action.dueDate === null) return 'some_issues';
	const daysLeft = daysBetween(today, action.dueDate);
	if (daysLeft < 0) return 'not_on_track';
	if (action.status === 'not_started' && daysLeft <= DUE_SOON_DAYS) return 'some_issues';
	return 'on_track';
}

/** How many actions have each board status, and how many were dropped. */
export function countBoardStatuses(statuses: (BoardStatus | null)[]) {
	const counts = Object.fromEntries(BOARD_STATUSES.map((s) => [s, 0])) as Record<
		BoardStatus,
		number
	>;
	let dropped = 0;
	for (const status of statuses) {
		if (status === null) dropped += 1;
		else counts[status] += 1;
	}
	return { counts, dropped };
}
