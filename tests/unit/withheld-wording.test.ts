import { describe, expect, it } from 'vitest';
import { benchmark } from '$lib/domain/dashboards';

const reasonOf = (others: number[]) => {
	const result = benchmark(2, others);
	return result.kind === 'withheld' ? result.reason : null;
};

describe('why a comparison with the other sites is withheld', () => {
	it('says it properly whether none, one or two other sites have a completed round', () => {
		expect(reasonOf([])).toMatch(/^No other site has a completed round for this challenge\. /);
		expect(reasonOf([3])).toMatch(/^Only 1 other site has a completed round for this challenge\. /);
		expect(reasonOf([3, 1])).toMatch(/^Only 2 other sites have a completed round/);
		expect(reasonOf([])).not.toMatch(/\b0\b/);
	});
});
