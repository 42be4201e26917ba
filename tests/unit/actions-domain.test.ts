import { describe, expect, it } from 'vitest';
import { londonDate } from '$lib/domain/london-days';
import {
	ACTION_STATUSES,
	CLOSED_ACTION_STATUSES,
	OPEN_ACTION_STATUSES,
	actionCountTable,
	isClosedStatus,
	isDueForReview,
	isOverdue,
	statusAfterReview,
	whyStatusCannotChange,
	type ActionStatus
} from '$lib/domain/actions';

describe('an action is overdue', () => {
	const due = (dueDate: string | null, status: ActionStatus = 'in_progress') => ({
		dueDate,
		status
	});

	it('from the London day after its due date, while it is neither done nor dropped', () => {
		expect(isOverdue(due('2026-06-10'), '2026-06-10')).toBe(false);
		expect(isOverdue(due('2026-06-10'), '2026-06-11')).toBe(true);
		expect(isOverdue(due('2026-06-10', 'not_started'), '2026-06-11')).toBe(true);
		expect(isOverdue(due('2026-06-10', 'done'), '2026-07-01')).toBe(false);
		expect(isOverdue(due('2026-06-10', 'dropped'), '2026-07-01')).toBe(false);
		expect(isOverdue(due(null), '2099-01-01')).toBe(false);
	});

	it('at London midnight on the day the clocks go forward, not at UTC midnight', () => {
		// 29 March 2026: clocks go forward at 01:00 UTC. Due the 28th.
		const action = due('2026-03-28');
		expect(isOverdue(action, londonDate(new Date('2026-03-28T23:59:59Z')))).toBe(false);
		expect(isOverdue(action, londonDate(new Date('2026-03-29T00:00:00Z')))).toBe(true);
		// Due on the day of the change itself: the day ends at 23:00 UTC, London being an hour ahead.
		const onTheDay = due('2026-03-29');
		expect(isOverdue(onTheDay, londonDate(new Date('2026-03-29T22:59:59Z')))).toBe(false);
		expect(isOverdue(onTheDay, londonDate(new Date('2026-03-29T23:00:00Z')))).toBe(true);
	});

	it('at London midnight on the day the clocks go back, when London is still an hour ahead before it', () => {
		// 25 October 2026: clocks go back at 01:00 UTC. London's 25th begins at 23:00 UTC on the 24th.
		const action = due('2026-10-24');
		expect(isOverdue(action, londonDate(new Date('2026-10-24T22:59:59Z')))).toBe(false);
		expect(isOverdue(action, londonDate(new Date('2026-10-24T23:00:00Z')))).toBe(true);
		// The 25th is 25 hours long, ending at midnight GMT.
		const onTheDay = due('2026-10-25');
		expect(isOverdue(onTheDay, londonDate(new Date('2026-10-25T23:59:59Z')))).toBe(false);
		expect(isOverdue(onTheDay, londonDate(new Date('2026-10-26T00:00:00Z')))).toBe(true);
	});
});

describe('status changes', () => {
	it('move freely between open statuses', () => {
		expect(whyStatusCannotChange('not_started', 'in_progress', '')).toBeNull();
		expect(whyStatusCannotChange('in_progress', 'not_started', '')).toBeNull();
		expect(whyStatusCannotChange('in_progress', 'in_progress', '')).toBeNull();
	});

	it('need an outcome note to close an action', () => {
		expect(whyStatusCannotChange('in_progress', 'done', '')).toMatch(/outcome note/);
		expect(whyStatusCannotChange('not_started', 'dropped', '   ')).toMatch(/outcome note/);
		expect(
			whyStatusCannotChange('in_progress', 'done', 'Peer workers now attend every ward round')
		).toBeNull();
		expect(
			whyStatusCannotChange('not_started', 'dropped', 'Superseded by the trust-wide plan')
		).toBeNull();
	});

	it('reopen a closed action, but never turn done into dropped or back in one step', () => {
		expect(whyStatusCannotChange('done', 'in_progress', '')).toBeNull();
		expect(whyStatusCannotChange('dropped', 'not_started', '')).toBeNull();
		expect(whyStatusCannotChange('done', 'dropped', 'changed our minds')).toMatch(/Reopen it/);
		expect(whyStatusCannotChange('dropped', 'done', 'it happened after all')).toMatch(/Reopen it/);
	});
});

describe('review at the next assessment', () => {
	const started = new Date('2026-10-01T09:00:00Z');
	const at = (iso: string) => new Date(iso);

	it('lists actions raised before the assessment started and still open when it did', () => {
		expect(isDueForReview({ createdAt: at('2026-04-02T10:00:00Z'), closedAt: null }, started)).toBe(
			true
		);
		expect(
			isDueForReview(
				{ createdAt: at('2026-04-02T10:00:00Z'), closedAt: at('2026-10-05T10:00:00Z') },
				started
			)
		).toBe(true);
	});

	it('leaves out actions closed before it started, and actions raised since', () => {
		expect(
			isDueForReview(
				{ createdAt: at('2026-04-02T10:00:00Z'), closedAt: at('2026-09-30T10:00:00Z') },
				started
			)
		).toBe(false);
		expect(isDueForReview({ createdAt: at('2026-10-02T10:00:00Z'), closedAt: null }, started)).toBe(
			false
		);
		expect(isDueForReview({ createdAt: started, closedAt: null }, started)).toBe(false);
	});

	it('carrying forward keeps an open action as it was and reopens one an earlier decision closed', () => {
		expect(statusAfterReview('carried_forward', 'not_started')).toBe('not_started');
		expect(statusAfterReview('carried_forward', 'in_progress')).toBe('in_progress');
		expect(statusAfterReview('carried_forward', 'done')).toBe('in_progress');
		expect(statusAfterReview('done', 'in_progress')).toBe('done');
		expect(statusAfterReview('dropped', 'not_started')).toBe('dropped');
	});
});

describe('open and closed actions', () => {
	it('every status is either open or closed, never both', () => {
		const open: readonly string[] = OPEN_ACTION_STATUSES;
		const closed: readonly string[] = CLOSED_ACTION_STATUSES;
		expect([...open, ...closed].sort()).toEqual([...ACTION_STATUSES].sort());
		for (const status of ACTION_STATUSES)
			expect(isClosedStatus(status)).toBe(closed.includes(status));
	});
});

describe('the table of action counts', () => {
	const options = [
		{ value: 'welcome', text: '1. Welcome' },
		{ value: 'risk', text: '2. Risk' },
		{ value: 'culture', text: '3. Culture' }
	];

	it('adds each challenge’s counts into its row and the totals, leaving out challenges without actions', () => {
		const table = actionCountTable(
			[
				{ challengeKey: 'risk', status: 'in_progress', overdue: 1, count: 2 },
				{ challengeKey: 'welcome', status: 'done', overdue: 0, count: 3 },
				{ challengeKey: 'risk', status: 'not_started', overdue: 2, count: 2 }
			],
			options
		);
		expect(table.rows.map((r) => r.key)).toEqual(['welcome', 'risk']);
		expect(table.rows[1]).toMatchObject({
			label: '2. Risk',
			not_started: 2,
			in_progress: 2,
			done: 0,
			dropped: 0,
			overdue: 3,
			total: 4
		});
		expect(table.total).toMatchObject({ label: 'All challenges', done: 3, overdue: 3, total: 7 });
	});

	it('counts actions about a challenge no longer offered in the totals only', () => {
		const table = actionCountTable(
			[{ challengeKey: 'retired', status: 'dropped', overdue: 0, count: 1 }],
			options
		);
		expect(table.rows).toEqual([]);
		expect(table.total).toMatchObject({ dropped: 1, total: 1 });
	});
});
