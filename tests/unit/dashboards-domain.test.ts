import { describe, expect, it } from 'vitest';
import {
	benchmark,
	biggestMovers,
	changedChallenges,
	chosenFramework,
	distribution,
	fiveNumberSummary,
	formatMedian,
	frameworkChoices,
	frameworkLabel,
	medianFromCounts,
	medianValue,
	parseLevelCounts,
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
			const levels = Array.from(
				{ length: (seed % 9) + 1 },
				(_, i) => ((seed * 7 + i * 13) % 4) + 1
			);
			const tally = new Map<number, number>();
			for (const l of levels) tally.set(l, (tally.get(l) ?? 0) + 1);
			expect(medianFromCounts([...tally].map(([level, count]) => ({ level, count })))).toEqual(
				medianLevel(levels)
			);
		}
	});

	it('come from the level:count lists SQL writes, in any order', () => {
		expect(parseLevelCounts('3:1,1:2,2:1')).toEqual(counts([3, 1], [1, 2], [2, 1]));
		expect(medianFromCounts(parseLevelCounts('3:1,1:2,2:1'))).toEqual({
			kind: 'between',
			low: 1,
			high: 2
		});
		expect(parseLevelCounts(null)).toEqual([]);
		expect(parseLevelCounts('0:3,10:12')).toEqual(counts([0, 3], [10, 12]));
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
		expect(fiveNumberSummary([1, 2, 3, 4, 5])).toEqual({
			min: 1,
			lowerQuartile: 2,
			median: 3,
			upperQuartile: 4,
			max: 5,
			count: 5
		});
		expect(fiveNumberSummary([4, 1, 3, 2])).toEqual({
			min: 1,
			lowerQuartile: 1.75,
			median: 2.5,
			upperQuartile: 3.25,
			max: 4,
			count: 4
		});
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
		expect(three).toEqual({
			kind: 'compared',
			site: 3,
			others: { min: 2, lowerQuartile: 2.5, median: 3, upperQuartile: 3.5, max: 4, count: 3 }
		});
	});
});

describe('movers', () => {
	const mover = (serviceId: string, change: number) => ({
		serviceId,
		change,
		up: Math.max(change, 0),
		down: Math.max(-change, 0),
		compared: 10
	});

	it('picks the biggest risers and fallers, biggest first, ties by service, nobody twice', () => {
		const all = [
			mover('c', 0),
			mover('b', -1),
			mover('a', 2),
			mover('d', 2),
			mover('e', -4),
			mover('f', 1)
		];
		expect(biggestMovers(all, 2)).toEqual({
			up: [mover('a', 2), mover('d', 2)],
			down: [mover('e', -4), mover('b', -1)]
		});
		expect(biggestMovers([mover('x', 0)])).toEqual({ up: [], down: [] });
	});

	it('lists the challenges that moved, with their direction', () => {
		const rows = [
			{ key: 'x', previous: 1, current: 2 },
			{ key: 'y', previous: 3, current: 3 },
			{ key: 'z', previous: 3, current: 2 },
			{ key: 'w', previous: null, current: 2 }
		];
		expect(changedChallenges(rows).map((r) => [r.key, r.direction])).toEqual([
			['x', 'up'],
			['z', 'down']
		]);
	});
});

describe('the framework a dashboard shows', () => {
	const versions = [
		{ id: 'c2', packKey: 'culture', name: 'Culture check', version: 2 },
		{ id: 'i1', packKey: 'imroc-2010', name: 'ImROC organisational challenges (2010)', version: 1 },
		{ id: 'c1', packKey: 'culture', name: 'Culture check (old name)', version: 1 },
		{ id: 'c3', packKey: 'culture', name: 'Culture check', version: 3 }
	];

	it('groups the versions used by pack, named after the newest, oldest version first', () => {
		expect(frameworkChoices(versions)).toEqual([
			{
				packKey: 'culture',
				name: 'Culture check',
				versions: [1, 2, 3],
				frameworkIds: ['c1', 'c2', 'c3'],
				latestFrameworkId: 'c3'
			},
			{
				packKey: 'imroc-2010',
				name: 'ImROC organisational challenges (2010)',
				versions: [1],
				frameworkIds: ['i1'],
				latestFrameworkId: 'i1'
			}
		]);
	});

	it('says which framework and which versions', () => {
		const [culture, imroc] = frameworkChoices(versions);
		expect(frameworkLabel(imroc)).toBe('ImROC organisational challenges (2010), version 1');
		expect(frameworkLabel(culture)).toBe('Culture check, versions 1, 2 and 3');
		expect(frameworkLabel({ name: 'X', versions: [1, 2] })).toBe('X, versions 1 and 2');
	});

	it('takes the one asked for, else the default, and ignores a key that is not there', () => {
		const choices = frameworkChoices(versions);
		expect(chosenFramework(choices, 'culture', 'imroc-2010').packKey).toBe('culture');
		expect(chosenFramework(choices, undefined, 'imroc-2010').packKey).toBe('imroc-2010');
		expect(chosenFramework(choices, 'no-such-pack', 'culture').packKey).toBe('culture');
	});
});
