import { describe, expect, it } from 'vitest';
import { describeScale, readLevel } from '$lib/domain/import/levels';

const scale = [
	{ value: 1, name: 'Not yet started' },
	{ value: 2, name: 'Developing' },
	{ value: 3, name: 'Established' },
	{ value: 4, name: 'Transformation' }
];
const level = (value: number) => ({ ok: true, value });
const no = (message: string) => ({ ok: false, message });
const OFF = (written: string) =>
	no(
		`“${written}” is not a level on the scale: use a level from 1 (Not yet started) to 4 (Transformation), by its number or its name.`
	);

describe('reading a cell as a level', () => {
	it.each<[string | number, number]>([
		[2, 2],
		[2.0, 2],
		['2', 2],
		[' 2 ', 2],
		['2.0', 2],
		['Developing', 2],
		['DEVELOPING', 2],
		['  not  yet STARTED ', 1],
		['Stage 2', 2],
		['stage 3', 3],
		['Level 2', 2],
		['Level4', 4],
		['2 - Developing', 2],
		['2 – developing', 2],
		['2: Developing', 2],
		['2. Developing', 2],
		['2 (Developing)', 2]
	])('reads %j as level %d', (cell, value) => {
		expect(readLevel(cell, scale)).toEqual(level(value));
	});

	it('refuses a level off the scale, naming the scale’s range', () => {
		expect(readLevel(5, scale)).toEqual(OFF('5'));
		expect(readLevel(0, scale)).toEqual(OFF('0'));
		expect(readLevel('2.5', scale)).toEqual(OFF('2.5'));
		expect(readLevel(2.5, scale)).toEqual(OFF('2.5'));
		expect(readLevel('Stage 7', scale)).toEqual(OFF('Stage 7'));
		expect(readLevel('Amber', scale)).toEqual(OFF('Amber'));
		expect(readLevel(new Date('2024-01-02T00:00:00Z'), scale)).toEqual(OFF('2024-01-02'));
	});

	it('refuses a number and a name that disagree', () => {
		expect(readLevel('2 - Established', scale)).toEqual(
			no(
				'“2 - Established” names two levels: 2 is Developing, and Established is 3. Give one of them.'
			)
		);
		expect(readLevel('2 - Amber', scale)).toEqual(
			no(
				'“2 - Amber” is not a level on the scale: level 2 is called Developing. Use a level from 1 (Not yet started) to 4 (Transformation), by its number or its name.'
			)
		);
	});

	it('says when there is no level', () => {
		expect(readLevel(null, scale)).toEqual(no('There is no level.'));
		expect(readLevel('  ', scale)).toEqual(no('There is no level.'));
	});

	it('works on a scale that starts at 0', () => {
		const rag = [
			{ value: 0, name: 'Red' },
			{ value: 1, name: 'Amber' },
			{ value: 2, name: 'Green' }
		];
		expect(readLevel('0', rag)).toEqual(level(0));
		expect(readLevel('green', rag)).toEqual(level(2));
		expect(describeScale(rag)).toBe('0 (Red) to 2 (Green)');
	});
});
