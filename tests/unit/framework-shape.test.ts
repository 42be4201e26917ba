import { describe, expect, it } from 'vitest';
import { distribution } from '$lib/domain/dashboards';
import { countsByKey } from '$lib/server/dashboards/framework-shape';

describe('countsByKey', () => {
	it('adds up rows that share a key and a level, as when perspectives fold into one', () => {
		// Two carers and one peer support worker, folded into "other": three people at level 2.
		const grouped = countsByKey([
			{ key: 'c1|other', level: 2, count: 2 },
			{ key: 'c1|other', level: 3, count: 1 },
			{ key: 'c1|other', level: 2, count: 1 },
			{ key: 'c1|staff', level: 2, count: 4 }
		]);
		expect(grouped.get('c1|other')).toEqual([
			{ level: 2, count: 3 },
			{ level: 3, count: 1 }
		]);
		expect(grouped.get('c1|staff')).toEqual([{ level: 2, count: 4 }]);
		const other = distribution(grouped.get('c1|other')!, [1, 2, 3, 4]);
		expect(other.counts).toEqual([0, 3, 1, 0]);
		expect(other.total).toBe(4);
		expect(other.median).toEqual({ kind: 'level', level: 2 });
	});
});
