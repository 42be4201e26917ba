import { describe, expect, it } from 'vitest';
import {
	categoryText,
	levelAxisBounds,
	levelKey,
	seriesOffset,
	valueText,
	wrapLabel
} from '$lib/charts/axes';
import { markColour, pointShapePath, seriesStyle } from '$lib/charts/series-style';

const IMROC_LEVELS = {
	1: 'Not yet started',
	2: 'Engagement',
	3: 'Development',
	4: 'Transformation'
};

describe('a level axis', () => {
	it('starts bars and the radar one step below the lowest level, so the lowest never vanishes', () => {
		expect(levelAxisBounds([1, 2, 3, 4], 'radar')).toEqual({ min: 0, max: 4 });
		expect(levelAxisBounds([1, 2, 3, 4], 'bars')).toEqual({ min: 0, max: 4.3 });
		expect(levelAxisBounds([0, 1, 2], 'radar')).toEqual({ min: -1, max: 2 });
		expect(levelAxisBounds([0, 5, 10], 'bars').min).toBe(-5);
	});

	it('leaves room beyond the lowest and highest level for a whole point', () => {
		const { min, max } = levelAxisBounds([1, 2, 3, 4], 'points');
		expect(min).toBeCloseTo(0.7);
		expect(max).toBeCloseTo(4.3);
	});
});

describe('lines that would hide each other', () => {
	it('are drawn a little apart, centred on the true value, within a fifth of a level', () => {
		expect(seriesOffset(0, 1)).toBe(0);
		const ten = Array.from({ length: 10 }, (_, i) => seriesOffset(i, 10));
		expect(new Set(ten).size).toBe(10);
		expect(ten[0]).toBeCloseTo(-ten[9]);
		expect(Math.max(...ten.map(Math.abs))).toBeLessThanOrEqual(0.2);
		const two = [seriesOffset(0, 2), seriesOffset(1, 2)];
		expect(two).toEqual([-0.04, 0.04]);
	});

	it('still say the true value in words, halfway medians included', () => {
		expect(valueText(2, IMROC_LEVELS)).toBe('2 Engagement');
		expect(valueText(2.5, IMROC_LEVELS)).toBe('between 2 and 3');
		expect(valueText(3.5, { 0: 'None', 2: 'Some', 5: 'All' })).toBe('between 2 and 5');
		expect(valueText(7, undefined)).toBe('7');
	});
});

describe('labels on a chart', () => {
	it('show a numbered challenge by its number on a narrow chart, and wrap other labels', () => {
		expect(categoryText('3. Recovery college', true)).toBe('3');
		expect(categoryText('3. Recovery college', false)).toEqual(['3. Recovery', 'college']);
		expect(categoryText('Spring 2026 recovery audit', true)).toEqual(['Spring 2026', 'recovery …']);
		expect(categoryText('Complete', true)).toBe('Complete');
	});

	it('wrap words into lines and cut what does not fit', () => {
		expect(wrapLabel('Commitment, culture and leadership', 18, 3)).toEqual([
			'Commitment,',
			'culture and',
			'leadership'
		]);
		expect(wrapLabel('Supercalifragilisticexpialidocious', 10, 2)).toEqual(['Supercali…']);
	});

	it('name the levels in order when an axis shows only their numbers', () => {
		expect(levelKey({ 4: 'Transformation', 1: 'Not yet started', 2: 'Engagement' })).toBe(
			'1 Not yet started, 2 Engagement, 4 Transformation'
		);
	});
});

describe('series styles', () => {
	it('draw every point shape for the legend, filled or as lines', () => {
		for (let i = 0; i < 10; i++) {
			const { pointStyle } = seriesStyle(i);
			const shape = pointShapePath(pointStyle, 15, 8, 5);
			expect(shape.d, pointStyle).toMatch(/^M[\d.]+ [\d.]+/);
		}
		expect(pointShapePath('circle', 15, 8, 5).filled).toBe(true);
		expect(pointShapePath('cross', 15, 8, 5).filled).toBe(false);
	});

	it('write marks in white on dark bars and in black on light ones', () => {
		expect(markColour('#332288')).toBe('#ffffff');
		expect(markColour('#117733')).toBe('#ffffff');
		expect(markColour('#88CCEE')).toBe('#000000');
		expect(markColour('#DDCC77')).toBe('#000000');
	});
});
