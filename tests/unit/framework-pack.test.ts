import { describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { checkPack } from '$lib/domain/framework-pack';
import { loadPack, BUILT_IN_PACKS } from '$lib/server/frameworks/loader';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { openDatabase } from '$lib/server/db/client';
import { challenges, frameworks, indicators } from '$lib/server/db/schema';

const smallPack = {
	key: 'small-test-pack',
	version: 1,
	name: 'Small test pack',
	attribution: 'Written for these tests',
	scale: [
		{ value: 0, name: 'Absent', description: 'Nothing yet' },
		{ value: 1, name: 'Partial', description: 'Some of it' },
		{ value: 2, name: 'Full', description: 'All of it' }
	],
	challenges: [
		{
			key: 'alpha',
			name: 'Alpha challenge',
			shortLabel: 'Alpha',
			indicators: { '2': 'Alpha is everywhere' }
		},
		{ key: 'beta', name: 'Beta challenge', shortLabel: 'Beta' },
		{ key: 'gamma', name: 'Gamma challenge', shortLabel: 'Gamma' }
	]
};

describe('the built-in ImROC pack', () => {
	it('is valid and has the ten challenges and the four-level scale of the domain guide', () => {
		const checked = checkPack(BUILT_IN_PACKS[0]);
		if (!checked.ok) throw new Error(checked.problems.join('\n'));
		const pack = checked.pack;
		expect(pack.name).toBe('ImROC organisational challenges (2010)');
		expect(pack.challenges.map((c) => c.shortLabel)).toEqual([
			'Day-to-day interactions',
			'User-led education and training',
			'Recovery college',
			'Commitment, culture and leadership',
			'Personalisation and choice',
			'Risk assessment and management',
			'User involvement',
			'Workforce transformation',
			'Supporting staff',
			'Life beyond illness'
		]);
		expect(pack.scale.map((l) => l.name)).toEqual([
			'Not yet started',
			'Engagement',
			'Development',
			'Transformation'
		]);
		expect(pack.attribution).toContain('Shepherd');
	});
});

describe('loading a pack', () => {
	it('stores a pack of any shape with its order, scale and indicators', () => {
		const db = openDatabase(':memory:');
		const result = loadPack(db, smallPack);
		expect(result.outcome).toBe('loaded');
		const content = frameworkContent(db, result.frameworkId);
		expect(content.challenges.map((c) => [c.position, c.shortLabel])).toEqual([
			[1, 'Alpha'],
			[2, 'Beta'],
			[3, 'Gamma']
		]);
		expect(content.scale.map((l) => l.value)).toEqual([0, 1, 2]);
		expect(content.challenges[0].indicators).toEqual({ 2: 'Alpha is everywhere' });
		expect(db.select({ n: count() }).from(indicators).get()?.n).toBe(1);
	});

	it('does nothing when the same version is loaded again', () => {
		const db = openDatabase(':memory:');
		const first = loadPack(db, smallPack);
		const second = loadPack(db, smallPack);
		expect(second).toEqual({ outcome: 'already-present', frameworkId: first.frameworkId });
		expect(db.select({ n: count() }).from(challenges).get()?.n).toBe(3);
	});

	it('never changes a stored version: different content under the same version is a conflict', () => {
		const db = openDatabase(':memory:');
		const first = loadPack(db, smallPack);
		const changed = { ...smallPack, name: 'Renamed pack' };
		expect(loadPack(db, changed).outcome).toBe('conflict');
		expect(
			db.select().from(frameworks).where(eq(frameworks.id, first.frameworkId)).get()?.name
		).toBe('Small test pack');
	});

	it('stores a new version beside the old one', () => {
		const db = openDatabase(':memory:');
		loadPack(db, smallPack);
		expect(loadPack(db, { ...smallPack, version: 2 }).outcome).toBe('loaded');
		expect(db.select({ n: count() }).from(frameworks).get()?.n).toBe(2);
	});

	it('rejects a broken pack, says where the problem is, and stores nothing', () => {
		const db = openDatabase(':memory:');
		const broken = {
			...smallPack,
			scale: [smallPack.scale[1], smallPack.scale[0], smallPack.scale[2]],
			challenges: [...smallPack.challenges, { key: 'alpha', name: 'Again', shortLabel: 'Again' }]
		};
		expect(() => loadPack(db, broken)).toThrow(
			/Level 2 of the scale: its value, 0, is not higher[\s\S]*Challenge 4: the key “alpha”/
		);
		expect(db.select({ n: count() }).from(frameworks).get()?.n).toBe(0);
	});

	it('describes problems by their place in the file', () => {
		const checked = checkPack({
			...smallPack,
			challenges: [{ key: 'Bad Key', name: '', shortLabel: 'x' }]
		});
		expect(checked.ok).toBe(false);
		const problems = checked.ok ? [] : checked.problems;
		expect(problems.some((p) => p.startsWith('Challenge 1: the key “Bad Key”'))).toBe(true);
		expect(problems).toContain('Challenge 1: the name is empty.');
	});

	it('rejects indicator text for a level that is not on the scale', () => {
		const checked = checkPack({
			...smallPack,
			challenges: [
				{ key: 'alpha', name: 'Alpha', shortLabel: 'Alpha', indicators: { '7': 'No such level' } }
			]
		});
		expect(checked.ok).toBe(false);
		expect(checked.ok ? [] : checked.problems).toContain(
			'Challenge 1: there is indicator text for level 7, which is not on the scale.'
		);
	});
});
