import { describe, expect, it } from 'vitest';
import { readChallenge } from '$lib/domain/import/challenges';

const challenges = [
	{
		key: 'day-to-day-interactions',
		name: 'Changing the nature of day-to-day interactions and the quality of experience',
		shortLabel: 'Day-to-day interactions'
	},
	{
		key: 'education-and-training',
		name: 'Delivering comprehensive, user-led education and training programmes',
		shortLabel: 'User-led education and training'
	},
	{
		key: 'recovery-college',
		name: "Establishing a 'Recovery Education Unit' to drive the programmes forward",
		shortLabel: 'Recovery college'
	}
];
const found = (position: number) => ({
	ok: true,
	value: { position, key: challenges[position - 1].key }
});
const no = (message: string) => ({ ok: false, message });
const HOW =
	'Name a challenge by its number (1 to 3), its key (such as “day-to-day-interactions”), its name or its short label (such as “Day-to-day interactions”).';

describe('reading a cell as a challenge', () => {
	it.each<[string | number, number]>([
		[3, 3],
		['3', 3],
		[' 3 ', 3],
		['Challenge 3', 3],
		['challenge 2', 2],
		['Challenge no. 1', 1],
		['recovery-college', 3],
		['RECOVERY COLLEGE', 3],
		['Recovery   college', 3],
		['Recovery_college', 3],
		['User-led education and training', 2],
		['user led education & training', 2],
		["Establishing a 'Recovery Education Unit' to drive the programmes forward", 3],
		['Establishing a ‘Recovery Education Unit’ to drive the programmes forward', 3],
		['3 - Recovery college', 3],
		['3. Recovery College', 3]
	])('reads %j as challenge %d', (cell, position) => {
		expect(readChallenge(cell, challenges)).toEqual(found(position));
	});

	it('refuses what names no challenge, saying how to name one', () => {
		expect(readChallenge('Peer support', challenges)).toEqual(
			no(`“Peer support” is not a challenge of this framework. ${HOW}`)
		);
		expect(readChallenge(4, challenges)).toEqual(
			no(`“4” is not a challenge of this framework. ${HOW}`)
		);
		expect(readChallenge(0, challenges)).toEqual(
			no(`“0” is not a challenge of this framework. ${HOW}`)
		);
		expect(readChallenge(1.5, challenges)).toEqual(
			no(`“1.5” is not a challenge of this framework. ${HOW}`)
		);
		expect(readChallenge('Challenge 11', challenges)).toEqual(
			no(`“Challenge 11” is not a challenge of this framework. ${HOW}`)
		);
	});

	it('refuses a number and a name that disagree', () => {
		expect(readChallenge('2 - Recovery college', challenges)).toEqual(
			no(
				'“2 - Recovery college” names two challenges: challenge 2 is “User-led education and training”, and “recovery college” is challenge 3. Give one of them.'
			)
		);
		expect(readChallenge('2 - Peer support', challenges)).toEqual(
			no(
				`“2 - Peer support” is not a challenge of this framework: challenge 2 is “User-led education and training”. ${HOW}`
			)
		);
	});

	it('says when there is no challenge', () => {
		expect(readChallenge(null, challenges)).toEqual(no('There is no challenge.'));
		expect(readChallenge('', challenges)).toEqual(no('There is no challenge.'));
	});
});
