import { describe, expect, it } from 'vitest';
import {
	describeDisagreement,
	describeMedian,
	disagreement,
	foldPerspectives,
	perspectiveLabel,
	perspectivesToFold,
	isPerspective,
	seesOthersRatings,
	seesTeamDraft,
	medianLevel,
	PERSPECTIVES,
	spread,
	summariseRatings,
	type Perspective,
	type RatingCount
} from '$lib/domain/ratings';

const FOUR = [
	{ value: 1, name: 'Not yet started' },
	{ value: 2, name: 'Engagement' },
	{ value: 3, name: 'Development' },
	{ value: 4, name: 'Transformation' }
];
const GAPPY = [
	{ value: 0, name: 'None' },
	{ value: 2, name: 'Some' },
	{ value: 5, name: 'All' }
];

const r = (perspective: Perspective, level: number | null, count = 1): RatingCount => ({
	perspective,
	level,
	count
});

describe('perspectives', () => {
	it('has the six perspectives with their labels, in order', () => {
		expect(PERSPECTIVES.map((p) => p.label)).toEqual([
			'Staff member',
			'Team manager',
			'Peer support worker',
			'Person using the service',
			'Carer, family member or supporter',
			'Other'
		]);
		expect(isPerspective('carer')).toBe(true);
		expect(isPerspective('')).toBe(false);
		expect(isPerspective('manager')).toBe(false);
	});
});

describe('medianLevel', () => {
	it('is null for no levels', () => expect(medianLevel([])).toBeNull());
	it('is the middle level for an odd count, whatever the order', () => {
		expect(medianLevel([4, 1, 3])).toEqual({ kind: 'level', level: 3 });
		expect(medianLevel([2])).toEqual({ kind: 'level', level: 2 });
	});
	it('gives both middle levels for an even count, never their average', () => {
		expect(medianLevel([1, 2, 3, 4])).toEqual({ kind: 'between', low: 2, high: 3 });
		expect(medianLevel([0, 5])).toEqual({ kind: 'between', low: 0, high: 5 });
	});
	it('gives one level for an even count whose middle levels are equal', () => {
		expect(medianLevel([1, 3, 3, 4])).toEqual({ kind: 'level', level: 3 });
	});
	it('says the median in words', () => {
		expect(describeMedian({ kind: 'level', level: 2 }, FOUR)).toBe('2. Engagement');
		expect(describeMedian({ kind: 'between', low: 2, high: 3 }, FOUR)).toBe(
			'Between 2. Engagement and 3. Development'
		);
		expect(describeMedian(null, FOUR)).toBe('No levels chosen yet');
	});
});

describe('spread', () => {
	it('counts each level overall and per perspective, with don’t know apart', () => {
		const result = spread(
			[r('staff', 2, 2), r('staff', 3), r('carer', 1), r('carer', null), r('staff', null, 2)],
			FOUR
		);
		expect(result.counts).toEqual([1, 2, 1, 0]);
		expect(result.dontKnow).toBe(3);
		expect(result.rated).toBe(4);
		expect(result.byPerspective).toEqual([
			{ perspective: 'staff', label: 'Staff member', counts: [0, 2, 1, 0], dontKnow: 2 },
			{
				perspective: 'carer',
				label: 'Carer, family member or supporter',
				counts: [1, 0, 0, 0],
				dontKnow: 1
			}
		]);
	});
	it('places non-consecutive levels by their place on the scale', () => {
		expect(spread([r('staff', 5), r('other', 0), r('other', 2)], GAPPY).counts).toEqual([1, 1, 1]);
	});
});

describe('disagreement', () => {
	it('is wide when the highest and lowest differ by two steps or more', () => {
		expect(disagreement([r('staff', 1), r('carer', 3)], FOUR).wide).toBe(true);
		expect(disagreement([r('staff', 2), r('carer', 3)], FOUR).wide).toBe(false);
	});
	it('measures width in scale steps, not values', () => {
		// 2 and 5 are one step apart on 0, 2, 5; 0 and 5 are two.
		expect(disagreement([r('staff', 2), r('staff', 5)], GAPPY).wide).toBe(false);
		expect(disagreement([r('staff', 0), r('staff', 5)], GAPPY).wide).toBe(true);
	});
	it('flags people using the service rating lower than staff perspectives', () => {
		const ratings = [
			r('staff', 3),
			r('team_manager', 4),
			r('peer_support_worker', 3),
			r('person_using_service', 2),
			r('carer', 1)
		];
		expect(disagreement(ratings, FOUR).usersRateLower).toBe(true);
		expect(disagreement([r('staff', 2), r('person_using_service', 2)], FOUR).usersRateLower).toBe(
			false
		);
		expect(disagreement([r('staff', 2), r('person_using_service', 3)], FOUR).usersRateLower).toBe(
			false
		);
	});
	it('compares even-count medians by their place between two levels', () => {
		// Users between 2 and 3 (2.5 in steps 1 and 2 → 1.5); staff at 3 (step 2).
		expect(
			disagreement(
				[r('person_using_service', 2), r('person_using_service', 3), r('staff', 3)],
				FOUR
			).usersRateLower
		).toBe(true);
	});
	it('does not compare when either side has no levels; carers and others are not staff', () => {
		expect(
			disagreement([r('person_using_service', 1), r('carer', 4), r('other', 4)], FOUR)
				.usersRateLower
		).toBe(false);
		expect(
			disagreement([r('staff', 4), r('person_using_service', null, 3)], FOUR).usersRateLower
		).toBe(false);
	});
	it('leaves don’t know out of width and medians', () => {
		expect(disagreement([r('staff', 2), r('staff', null, 5)], FOUR)).toEqual({
			wide: false,
			usersRateLower: false
		});
	});
	it('says the flags in words', () => {
		expect(describeDisagreement({ wide: true, usersRateLower: true })).toEqual([
			'Views differ by two levels or more',
			'People using the service rated lower than staff'
		]);
		expect(describeDisagreement({ wide: false, usersRateLower: false })).toEqual([]);
	});
});

describe('summariseRatings', () => {
	it('with every rating "don’t know": counts them, no median, no flags', () => {
		const summary = summariseRatings([r('staff', null, 2), r('person_using_service', null)], FOUR);
		expect(summary.spread.dontKnow).toBe(3);
		expect(summary.spread.rated).toBe(0);
		expect(summary.median).toBeNull();
		expect(summary.disagreement).toEqual({ wide: false, usersRateLower: false });
	});
	it('takes the median over everyone, leaving don’t know out', () => {
		const summary = summariseRatings([r('staff', 0), r('carer', 5, 2), r('other', null, 4)], GAPPY);
		expect(summary.median).toEqual({ kind: 'level', level: 5 });
		const even = summariseRatings([r('staff', 0), r('carer', 5)], GAPPY);
		expect(even.median).toEqual({ kind: 'between', low: 0, high: 5 });
	});
});

describe('what a rater sees before submitting', () => {
	const drafting = { submittedAt: null };
	const submitted = { submittedAt: new Date('2026-05-01T10:00:00Z') };
	it('others’ ratings: only once their own are submitted; someone not asked to rate sees them', () => {
		expect(seesOthersRatings(drafting)).toBe(false);
		expect(seesOthersRatings(submitted)).toBe(true);
		expect(seesOthersRatings(undefined)).toBe(true);
	});
	it('the team’s draft agreement: withheld from a rater still drafting, unless they write it', () => {
		expect(seesTeamDraft(drafting, false)).toBe(false);
		expect(seesTeamDraft(drafting, true)).toBe(true);
		expect(seesTeamDraft(submitted, false)).toBe(true);
		expect(seesTeamDraft(undefined, false)).toBe(true);
	});
});

describe('lone raters', () => {
	it('are folded for everyone but those who agree the levels', () => {
		const people = new Map<Perspective, number>([
			['staff', 4],
			['carer', 1],
			['person_using_service', 2],
			['peer_support_worker', 3]
		]);
		expect([...perspectivesToFold(people, false)].sort()).toEqual([
			'carer',
			'person_using_service'
		]);
		expect(perspectivesToFold(people, true).size).toBe(0);
		const fold = perspectivesToFold(people, false);
		expect(
			foldPerspectives(
				[
					{ perspective: 'carer' as const, level: 1, count: 1 },
					{ perspective: 'staff' as const, level: 3, count: 4 }
				],
				fold
			)
		).toEqual([
			{ perspective: 'other', level: 1, count: 1 },
			{ perspective: 'staff', level: 3, count: 4 }
		]);
		expect(perspectiveLabel('other', fold)).toBe('Other perspectives');
		expect(perspectiveLabel('other', new Set())).toBe('Other');
	});
});
