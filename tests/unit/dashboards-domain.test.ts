import { describe, expect, it } from 'vitest';
import {
	benchmark,
	biggestMovers,
	changedChallenges,
	distribution,
	fiveNumberSummary,
	formatMedian,
	mean,
	medianFromCounts,
	medianValue,
	movers,
	MIN_OTHER_SITES
} from '$lib/domain/dashboards';
import { medianLevel } from '$lib/domain/ratings';

const counts = (...pairs: [number, number][]) => pairs.map(([level, count]) => ({ level, count }));

describe('medians of ordinal levels from counts', () => {
	it('match the median of the levels written out, for odd and even totals', () => {
		expect(medianFromCounts(counts([1, 2], [2, 1], [4, 2]))).toEqual({ kind: 'level', level: 2 });
		expect(medianFromCounts(counts([1, 2], [3, 2]))).toEqual({ kind: 'between', low: 1, high: 3 });
		expect(medianFromCounts(counts([2, 3], [3, 1]))).toEqual({ kind: 'level', level: 2 });
		expect(medianFromCounts([])).toBeNull();
		expect(medianFromCounts(counts([3, 0]))).toBeNull();
	});

	it('agree with the ratings median on many made-up sets', () => {
		for (let seed = 1; seed < 200; seed++) {
			const levels = Array.from({ length: (seed % 9) + 1 }, (_, i) => ((seed * 7 + i * 13) % 4) + 1);
			const tally = new Map<number, number>();
			for (const l of levels) tally.set(l, (tally.get(l) ?? 0) + 1);
			expect(medianFromCounts([...tally].map(([level, count]) => ({ level, count })))).toEqual(medianLevel(levels));
		}
	});

	it('are plotted halfway and written as a range when between two levels', () => {
		expect(medianValue({ kind: 'between', low: 2, high: 3 })).toBe(2.5);
		expect(formatMedian({ kind: 'between', low: 2, high: 3 })).toBe('2–3');
		expect(formatMedian({ kind: 'level', level: 4 })).toBe('4');
		expect(formatMedian(null)).toBe('–');
	});
});

describe('distributions', () => {
	it('put counts in scale order with zeros for levels nobody agreed', () => {
		const d = distribution(counts([4, 1], [2, 3]), [1, 2, 3, 4]);
		expect(d.counts).toEqual([0, 3, 0, 1]);
		expect(d.total).toBe(4);
		expect(d.median).toEqual({ kind: 'level', level: 2 });
	});

	it('work for a scale starting at zero', () => {
		expect(distribution(counts([0, 2], [2, 1]), [0, 1, 2]).counts).toEqual([2, 0, 1]);
	});
});

describe('the spread of other sites', () => {
	it('gives min, quartiles and max by linear interpolation', () => {
		expect(fiveNumberSummary([1, 2, 3, 4, 5])).toEqual({ min: 1, lowerQuartile: 2, median: 3, upperQuartile: 4, max: 5, count: 5 });
		expect(fiveNumberSummary([4, 1, 3, 2])).toEqual({ min: 1, lowerQuartile: 1.75, median: 2.5, upperQuartile: 3.25, max: 4, count: 4 });
		expect(fiveNumberSummary([2.5])).toMatchObject({ min: 2.5, median: 2.5, max: 2.5 });
		expect(fiveNumberSummary([])).toBeNull();
	});

	it(`is withheld, with the reason, when fewer than ${MIN_OTHER_SITES} other sites contribute`, () => {
		const two = benchmark(3, [2, 4]);
		expect(two.kind).toBe('withheld');
		if (two.kind === 'withheld') {
			expect(two.otherSites).toBe(2);
			expect(two.reason).toMatch(/Only 2 other sites have a completed round/);
		}
		expect(benchmark(null, [1]).kind).toBe('withheld');
		const three = benchmark(3, [2, 4, 3]);
		expect(three).toEqual({ kind: 'compared', site: 3, others: { min: 2, lowerQuartile: 2.5, median: 3, upperQuartile: 3.5, max: 4, count: 3 } });
	});
});

describe('movers', () => {
	const pair = (serviceId: string, challengeKey: string, previous: number | null, current: number | null) => ({ serviceId, challengeKey, previous, current });

	it('add up each service’s change over challenges scored in both rounds, biggest rise first', () => {
		const all = movers([
			pair('a', 'c1', 1, 3),
			pair('a', 'c2', 2, 2),
			pair('b', 'c1', 3, 1),
			pair('b', 'c2', 2, 3),
			pair('c', 'c1', null, 4),
			pair('d', 'c1', 2, 3)
		]);
		expect(all).toEqual([
			{ serviceId: 'a', change: 2, up: 1, down: 0, compared: 2 },
			{ serviceId: 'd', change: 1, up: 1, down: 0, compared: 1 },
			{ serviceId: 'b', change: -1, up: 1, down: 1, compared: 2 }
		]);
		expect(biggestMovers(all, 1)).toEqual({ up: [all[0]], down: [all[2]] });
	});

	it('lists the challenges that moved, with their direction', () => {
		const rows = [
			{ key: 'x', previous: 1, current: 2 },
			{ key: 'y', previous: 3, current: 3 },
			{ key: 'z', previous: 3, current: 2 },
			{ key: 'w', previous: null, current: 2 }
		];
		expect(changedChallenges(rows).map((r) => [r.key, r.direction])).toEqual([['x', 'up'], ['z', 'down']]);
	});

	it('averages to one decimal place', () => {
		expect(mean([1, 2, 2])).toBe(1.7);
		expect(mean([])).toBeNull();
	});
});
