import { describe, expect, it } from 'vitest';
import {
	BOARD_STATUSES,
	BOARD_STATUS_MEANINGS,
	DUE_SOON_DAYS,
	boardStatus,
	countBoardStatuses
} from '$lib/domain/reports/board-status';
import { medianChange, reportHeadline, type HeadlineFacts } from '$lib/domain/reports/headline';
import { perspectiveCounts } from '$lib/domain/reports/perspectives';
import { FOLDED_PERSPECTIVES_LABEL, type MedianLevel, type Perspective } from '$lib/domain/ratings';
import { cssString, runningHeaderCss } from '$lib/server/reports/running-header';

const level = (n: number): MedianLevel => ({ kind: 'level', level: n });
const between = (low: number, high: number): MedianLevel => ({ kind: 'between', low, high });

describe('the board status of an improvement action', () => {
	const today = '2026-12-02';

	it('calls a done action delivered, whatever its due date', () => {
		expect(boardStatus({ status: 'done', dueDate: '2026-01-01' }, today)).toBe('delivered');
		expect(boardStatus({ status: 'done', dueDate: null }, today)).toBe('delivered');
	});

	it('gives a dropped action no board status: it is counted on its own', () => {
		expect(boardStatus({ status: 'dropped', dueDate: '2026-01-01' }, today)).toBeNull();
	});

	it('calls an open action past its due date not on track, in progress or not', () => {
		expect(boardStatus({ status: 'in_progress', dueDate: '2026-12-01' }, today)).toBe(
			'not_on_track'
		);
		expect(boardStatus({ status: 'not_started', dueDate: '2025-06-30' }, today)).toBe(
			'not_on_track'
		);
	});

	it('keeps an action due today on track: it is not late until tomorrow', () => {
		expect(boardStatus({ status: 'in_progress', dueDate: today }, today)).toBe('on_track');
	});

	it('flags an action not started close to its due date, or with no due date, as some issues', () => {
		expect(boardStatus({ status: 'not_started', dueDate: '2026-12-30' }, today)).toBe(
			'some_issues'
		);
		expect(boardStatus({ status: 'in_progress', dueDate: null }, today)).toBe('some_issues');
		expect(boardStatus({ status: 'not_started', dueDate: null }, today)).toBe('some_issues');
	});

	it(`draws the "due soon" line at ${DUE_SOON_DAYS} days, across a month end`, () => {
		// 2 December + 28 days = 30 December; one day more is on track.
		expect(boardStatus({ status: 'not_started', dueDate: '2026-12-30' }, today)).toBe(
			'some_issues'
		);
		expect(boardStatus({ status: 'not_started', dueDate: '2026-12-31' }, today)).toBe('on_track');
		expect(boardStatus({ status: 'in_progress', dueDate: '2026-12-30' }, today)).toBe('on_track');
	});

	it('counts statuses, dropped apart, and explains every status in the key', () => {
		expect(countBoardStatuses(['delivered', 'delivered', 'not_on_track', null])).toEqual({
			counts: { delivered: 2, on_track: 0, some_issues: 0, not_on_track: 1 },
			dropped: 1
		});
		for (const status of BOARD_STATUSES) expect(BOARD_STATUS_MEANINGS[status]).not.toBe('');
	});
});

describe('how a median moved', () => {
	it('reads the direction only, with a median between two levels halfway', () => {
		expect(medianChange(level(3), level(2))).toBe('up');
		expect(medianChange(level(2), between(2, 3))).toBe('down');
		expect(medianChange(between(1, 2), between(1, 2))).toBe('same');
		expect(medianChange(level(2), null)).toBeNull();
		expect(medianChange(null, level(2))).toBeNull();
	});
});

describe('the headline of a board report', () => {
	const facts: HeadlineFacts = {
		roundTitle: 'Autumn 2026',
		roundOpen: false,
		completed: 7,
		takingPart: 9,
		previousRoundTitle: 'Spring 2026',
		challenges: [
			{ label: '1. Day-to-day', current: level(3), previous: level(2) },
			{ label: '2. Training', current: level(2), previous: level(2) },
			{ label: '3. Leadership', current: level(1), previous: level(2) },
			{ label: '4. Peer workers', current: between(2, 3), previous: level(1) }
		]
	};

	it('says how many completed, what moved since the last round, and the highest and lowest', () => {
		expect(reportHeadline(facts)).toEqual([
			'7 of 9 services completed their assessment in Autumn 2026.',
			'Since Spring 2026, the median level rose for 2 challenges, fell for 1 challenge and stayed the same for 1 challenge.',
			'The median is highest for 1. Day-to-day (3) and lowest for 3. Leadership (1).'
		]);
	});

	it('says "so far" while the round is open, and one service in the singular', () => {
		expect(reportHeadline({ ...facts, roundOpen: true, completed: 3 })[0]).toBe(
			'3 of 9 services have completed their assessment so far in Autumn 2026.'
		);
		expect(reportHeadline({ ...facts, roundOpen: true, completed: 1, takingPart: 1 })[0]).toBe(
			'1 of 1 service has completed their assessment so far in Autumn 2026.'
		);
	});

	it('names every challenge tied at the top', () => {
		const tied = reportHeadline({
			...facts,
			challenges: [
				{ label: 'A', current: level(3), previous: null },
				{ label: 'B', current: level(3), previous: null },
				{ label: 'C', current: level(1), previous: null }
			]
		});
		expect(tied[1]).toBe('There is no earlier round with completed assessments to compare with.');
		expect(tied[2]).toBe('The median is highest for A and B (3) and lowest for C (1).');
	});

	it('leaves out the comparison of levels when every challenge has the same median', () => {
		const same = reportHeadline({
			...facts,
			challenges: [
				{ label: 'A', current: level(2), previous: level(2) },
				{ label: 'B', current: level(2), previous: level(2) }
			]
		});
		expect(same).toEqual([
			'7 of 9 services completed their assessment in Autumn 2026.',
			'Since Spring 2026, the median level stayed the same for 2 challenges.'
		]);
	});

	it('stops after the count when nothing is complete, and says when nobody takes part', () => {
		expect(reportHeadline({ ...facts, completed: 0 })).toEqual([
			'0 of 9 services completed their assessment in Autumn 2026.',
			'There are no agreed levels to report yet.'
		]);
		expect(reportHeadline({ ...facts, completed: 0, takingPart: 0 })[0]).toBe(
			'No services are taking part in Autumn 2026.'
		);
	});
});

describe('people by perspective in a report', () => {
	const people = (entries: [Perspective, number][]) => new Map(entries);

	it('shows a perspective of three or more people with its number', () => {
		expect(
			perspectiveCounts(
				people([
					['staff', 12],
					['person_using_service', 3]
				])
			)
		).toEqual([
			{ label: 'Staff member', people: 12 },
			{ label: 'Person using the service', people: 3 }
		]);
	});

	it('never shows a perspective of fewer than three on its own, nor a small total of them', () => {
		const rows = perspectiveCounts(
			people([
				['staff', 8],
				['carer', 1],
				['peer_support_worker', 1]
			])
		);
		expect(rows).toEqual([
			{ label: 'Staff member', people: 8 },
			{ label: FOLDED_PERSPECTIVES_LABEL, people: null }
		]);
		expect(JSON.stringify(rows)).not.toMatch(/Carer|Peer support/);
	});

	it('gives the folded total once it reaches three', () => {
		expect(
			perspectiveCounts(
				people([
					['carer', 2],
					['other', 2]
				])
			)
		).toEqual([{ label: FOLDED_PERSPECTIVES_LABEL, people: 4 }]);
	});
});

describe('the running header of a printed report', () => {
	it('keeps any name inside its CSS string', () => {
		expect(cssString('St "Mary\'s" \\ Trust\nWard')).toBe('"St \\"Mary\'s\\" \\\\ Trust Ward"');
	});

	it('puts the parts on every page with page numbers, leaving empty parts out', () => {
		const css = runningHeaderCss(['Northmoor', 'Autumn 2026', '', 'DRAFT']);
		expect(css).toContain('size: A4');
		expect(css).toContain('@top-left {\n\t\tcontent: "Northmoor · Autumn 2026 · DRAFT";');
		expect(css).toContain('counter(page) " of " counter(pages)');
	});
});
