import { describe, expect, it } from 'vitest';
import { formatInstant, formatIsoDate } from '$lib/format/dates';
import { isoDateFromParts } from '$lib/domain/dates';
import { progressTable } from '$lib/domain/progress';
import {
	unscoredChallenges,
	whyAssessmentIsLocked,
	whyRoundCannotClose,
	whyRoundCannotOpen
} from '$lib/domain/rounds';
import { seriesStyle } from '$lib/charts/series-style';

describe('dates', () => {
	it('shows calendar dates the British way', () => {
		expect(formatIsoDate('2026-11-23')).toBe('23 November 2026');
		expect(formatIsoDate('2027-01-01')).toBe('1 January 2027');
	});

	it('shows instants in London time, summer and winter', () => {
		expect(formatInstant(new Date('2026-07-01T12:30:00Z'))).toBe('1 July 2026 at 13:30');
		expect(formatInstant(new Date('2026-11-23T12:30:00Z'))).toBe('23 November 2026 at 12:30');
	});

	it('accepts real dates only', () => {
		expect(isoDateFromParts(29, 2, 2028)).toBe('2028-02-29');
		expect(isoDateFromParts(29, 2, 2027)).toBeNull();
		expect(isoDateFromParts(31, 4, 2027)).toBeNull();
		expect(isoDateFromParts(1, 13, 2027)).toBeNull();
		expect(isoDateFromParts(Number(''), 1, 2027)).toBeNull();
		expect(isoDateFromParts(1.5, 1, 2027)).toBeNull();
	});
});

describe('round rules', () => {
	it('opens only a draft round that has services', () => {
		expect(whyRoundCannotOpen('draft', 2)).toBeNull();
		expect(whyRoundCannotOpen('draft', 0)).toMatch(/at least one service/);
		expect(whyRoundCannotOpen('open', 2)).toMatch(/Only a draft/);
		expect(whyRoundCannotOpen('closed', 2)).toMatch(/Only a draft/);
	});

	it('closes only an open round', () => {
		expect(whyRoundCannotClose('open')).toBeNull();
		expect(whyRoundCannotClose('draft')).not.toBeNull();
		expect(whyRoundCannotClose('closed')).not.toBeNull();
	});

	it('lets agreed scores change only in an open round and an unfinished assessment', () => {
		expect(whyAssessmentIsLocked('open', 'in_progress')).toBeNull();
		expect(whyAssessmentIsLocked('open', 'complete')).toMatch(/complete/);
		expect(whyAssessmentIsLocked('closed', 'in_progress')).toMatch(/closed/);
		expect(whyAssessmentIsLocked('draft', 'in_progress')).toMatch(/not been opened/);
	});

	it('lists the challenges still without a level, in order', () => {
		const challenges = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
		expect(unscoredChallenges(challenges, new Map([['b', 2]]))).toEqual([{ id: 'a' }, { id: 'c' }]);
		expect(
			unscoredChallenges(
				challenges,
				new Map([
					['a', 1],
					['b', 1],
					['c', 1]
				])
			)
		).toEqual([]);
	});
});

describe('progress table', () => {
	it('puts rounds oldest first and challenges in framework order, with gaps as null', () => {
		const table = progressTable(
			[
				{ id: 'r2', title: 'Autumn', periodStart: '2026-07-01' },
				{ id: 'r1', title: 'Spring', periodStart: '2026-01-01' }
			],
			[
				{ id: 'y', position: 2, shortLabel: 'Y', name: 'Y' },
				{ id: 'x', position: 1, shortLabel: 'X', name: 'X' }
			],
			[
				{ roundId: 'r1', challengeId: 'x', level: 1 },
				{ roundId: 'r2', challengeId: 'x', level: 3 },
				{ roundId: 'r2', challengeId: 'y', level: 2 }
			]
		);
		expect(table.rounds.map((r) => r.id)).toEqual(['r1', 'r2']);
		expect(table.rows.map((r) => [r.challenge.id, r.levels])).toEqual([
			['x', [1, 3]],
			['y', [null, 2]]
		]);
	});
});

describe('chart series styles', () => {
	it('gives neighbouring series different shapes as well as colours', () => {
		const styles = Array.from({ length: 10 }, (_, i) => seriesStyle(i));
		expect(new Set(styles.map((s) => s.colour)).size).toBe(10);
		expect(new Set(styles.map((s) => s.pointStyle)).size).toBe(10);
	});
});
