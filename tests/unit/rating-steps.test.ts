import { describe, expect, it } from 'vitest';
import { ratingStep, ratingStepQuery, stepAfterAnswer } from '$lib/domain/rating-steps';

const asked = (query: string) => {
	const params = new URLSearchParams(query);
	return { step: params.get('step'), challenge: params.get('challenge') };
};

describe('the rating wizard’s steps', () => {
	it('start with the perspective until one is chosen, whatever the address asks', () => {
		expect(ratingStep(asked('challenge=3'), 10, false)).toEqual({ kind: 'perspective' });
		expect(ratingStep(asked(''), 10, false)).toEqual({ kind: 'perspective' });
		expect(ratingStep(asked('step=perspective'), 10, true)).toEqual({ kind: 'perspective' });
	});

	it('read challenges numbered from 1, and the summary, from the address', () => {
		expect(ratingStep(asked(''), 10, true)).toEqual({ kind: 'challenge', index: 0 });
		expect(ratingStep(asked('challenge=10'), 10, true)).toEqual({ kind: 'challenge', index: 9 });
		expect(ratingStep(asked('challenge=summary'), 10, true)).toEqual({ kind: 'summary' });
	});

	it('name no step for a challenge that is not there', () => {
		for (const query of [
			'challenge=0',
			'challenge=11',
			'challenge=2x',
			'challenge=',
			'challenge=1234'
		])
			expect(ratingStep(asked(query), 10, true), query).toBeNull();
	});

	it('go on to the next challenge, and to the summary after the last or when changing one answer', () => {
		expect(stepAfterAnswer(0, 3, false)).toEqual({ kind: 'challenge', index: 1 });
		expect(stepAfterAnswer(2, 3, false)).toEqual({ kind: 'summary' });
		expect(stepAfterAnswer(0, 3, true)).toEqual({ kind: 'summary' });
	});

	it('write each step as the address it is read from', () => {
		for (const step of [
			{ kind: 'perspective' },
			{ kind: 'challenge', index: 4 },
			{ kind: 'summary' }
		] as const)
			expect(ratingStep(asked(ratingStepQuery(step).slice(1)), 10, true)).toEqual(step);
	});
});
