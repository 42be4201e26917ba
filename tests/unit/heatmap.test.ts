import { describe, expect, it } from 'vitest';
import { heatStep, heatmapSort, sortHeatmapRows, type HeatmapRow } from '$lib/domain/heatmap';

const scale = (...values: number[]) => values.map((value) => ({ value }));

describe('heatmap colour steps', () => {
	it('spread the levels of a scale evenly from the first step to the last', () => {
		const imroc = scale(1, 2, 3, 4);
		expect([1, 2, 3, 4].map((v) => heatStep(v, imroc))).toEqual([0, 1, 3, 4]);
		expect([0, 1, 2].map((v) => heatStep(v, scale(0, 1, 2)))).toEqual([0, 2, 4]);
	});

	it('follow the order of the levels, not their values, since levels are ordinal', () => {
		expect([0, 1, 5].map((v) => heatStep(v, scale(0, 1, 5)))).toEqual([0, 2, 4]);
	});

	it('put a median between two levels between their steps', () => {
		expect(heatStep(1.5, scale(1, 2, 3, 4, 5))).toBe(1);
		expect(heatStep(3, scale(0, 1, 5))).toBe(3);
	});

	it('give a scale of one level the first step', () => {
		expect(heatStep(2, scale(2))).toBe(0);
	});
});

describe('heatmap order', () => {
	const row = (
		serviceName: string,
		groupingName: string | null,
		levels: (number | null)[],
		median: number | null
	): HeatmapRow => ({
		serviceName,
		groupingName,
		levels,
		median: median === null ? null : { kind: 'level', level: median }
	});
	const rows = () => [
		row('Beech', 'Acute', [2, null], 2),
		row('Ash', null, [3, 1], 2),
		row('Cedar', 'Acute', [null, 4], 4),
		row('Alder', 'Community', [1, 2], null)
	];
	const keys = ['welcome', 'risk'];
	const names = (sorted: HeatmapRow[]) => sorted.map((r) => r.serviceName);

	it('is by grouping unless the address names a known order or a challenge', () => {
		expect(heatmapSort(undefined, keys)).toBe('grouping');
		expect(heatmapSort('nonsense', keys)).toBe('grouping');
		expect(heatmapSort('median', keys)).toBe('median');
		expect(heatmapSort('risk', keys)).toBe('risk');
	});

	it('groups services by grouping, those in none last, each by name', () => {
		expect(names(sortHeatmapRows(rows(), 'grouping', keys))).toEqual([
			'Beech',
			'Cedar',
			'Alder',
			'Ash'
		]);
	});

	it('puts the highest level of a challenge, or the highest median, first and rows without one last', () => {
		expect(names(sortHeatmapRows(rows(), 'risk', keys))).toEqual([
			'Cedar',
			'Alder',
			'Ash',
			'Beech'
		]);
		expect(names(sortHeatmapRows(rows(), 'median', keys))).toEqual([
			'Cedar',
			'Ash',
			'Beech',
			'Alder'
		]);
		expect(names(sortHeatmapRows(rows(), 'name', keys))).toEqual([
			'Alder',
			'Ash',
			'Beech',
			'Cedar'
		]);
	});
});
