import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { count, eq } from 'drizzle-orm';
import { importPack, listFrameworkVersions, setRetired } from '$lib/server/frameworks/import';
import { listAvailableFrameworks } from '$lib/server/frameworks/queries';
import { auditEvents, challenges, frameworks } from '$lib/server/db/schema';
import { freshDb, platformAdmin } from './helpers/db';

const SMALL_PACK = readFileSync('tests/fixtures/packs/small-three-level.json', 'utf8');
const small = () => JSON.parse(SMALL_PACK);
const t0 = new Date('2026-11-23T10:00:00Z');

function setup() {
	const db = freshDb();
	return { db, admin: platformAdmin(db) };
}

const frameworkCount = (db: ReturnType<typeof freshDb>) =>
	db.select({ n: count() }).from(frameworks).get()!.n;

describe('importing a framework pack', () => {
	it('stores a valid pack with every challenge, level and indicator, and records it', () => {
		const { db, admin } = setup();
		const result = importPack(db, admin, SMALL_PACK, t0);
		expect(result).toMatchObject({ ok: true, version: 1, outcome: 'new-pack' });
		const listed = listFrameworkVersions(db).find((f) => f.key === 'team-culture-check')!;
		expect(listed).toMatchObject({ challengeCount: 5, levelCount: 3, roundCount: 0 });
		expect(
			db.select().from(auditEvents).where(eq(auditEvents.action, 'framework.imported')).all()
		).toHaveLength(1);
	});

	it('recognises the same content again and changes nothing, whatever version the file says', () => {
		const { db, admin } = setup();
		importPack(db, admin, SMALL_PACK, t0);
		const again = importPack(db, admin, JSON.stringify({ ...small(), version: 7 }), t0);
		expect(again).toMatchObject({ ok: true, version: 1, outcome: 'unchanged' });
		expect(frameworkCount(db)).toBe(2);
	});

	it('makes a changed pack its next version and leaves the old one as it was', () => {
		const { db, admin } = setup();
		const first = importPack(db, admin, SMALL_PACK, t0);
		const changed = small();
		changed.challenges[1].shortLabel = 'Hope and strengths';
		const second = importPack(db, admin, JSON.stringify(changed), t0);
		expect(second).toMatchObject({ ok: true, version: 2, outcome: 'new-version' });
		if (!first.ok) throw new Error('first import failed');
		const oldLabels = db
			.select({ label: challenges.shortLabel })
			.from(challenges)
			.where(eq(challenges.frameworkId, first.frameworkId))
			.all();
		expect(oldLabels.map((c) => c.label)).toContain('Hope');
	});

	it('retires a version so it is not offered for new rounds, and can offer it again', () => {
		const { db, admin } = setup();
		const imported = importPack(db, admin, SMALL_PACK, t0);
		if (!imported.ok) throw new Error('import failed');
		expect(setRetired(db, admin, imported.frameworkId, true, t0)).toBe(true);
		expect(listAvailableFrameworks(db).map((f) => f.id)).not.toContain(imported.frameworkId);
		expect(setRetired(db, admin, imported.frameworkId, false, t0)).toBe(true);
		expect(listAvailableFrameworks(db).map((f) => f.id)).toContain(imported.frameworkId);
		expect(setRetired(db, admin, 'no-such-framework', true, t0)).toBe(false);
	});

	const broken: [string, () => string, RegExp][] = [
		['not JSON at all', () => 'this is not json', /^Line 1, column 1 is not valid JSON/],
		[
			'JSON cut off half way',
			() => SMALL_PACK.slice(0, 200),
			// Cut inside the field name "licence", whose opening quotation mark is at line 6, column 2.
			/^Line 6, column 2 is not valid JSON: this text has no closing quotation mark\.$/
		],
		[
			'a JSON list instead of a pack',
			() => '[]',
			/The file should hold one pack: a set of fields in curly brackets/
		],
		[
			'duplicate challenge keys',
			() => {
				const p = small();
				p.challenges[3].key = 'welcome';
				return JSON.stringify(p);
			},
			/Challenge 4: the key “welcome” is also the key of challenge 1/
		],
		[
			'levels out of order',
			() => {
				const p = small();
				p.scale.reverse();
				return JSON.stringify(p);
			},
			/Level 2 of the scale: its value, 1, is not higher than the value of the level before it \(2\); list the levels from lowest to highest/
		],
		[
			'a scale of one level',
			() => {
				const p = small();
				p.scale = p.scale.slice(0, 1);
				return JSON.stringify(p);
			},
			/^The scale has 1 level; it needs at least 2\.$/m
		],
		[
			'no challenges',
			() => JSON.stringify({ ...small(), challenges: [] }),
			/^There are no challenges; a pack needs at least 1\.$/m
		],
		[
			'a challenge without a name',
			() => {
				const p = small();
				delete p.challenges[2].name;
				return JSON.stringify(p);
			},
			/^Challenge 3: the name is missing\.$/m
		],
		[
			'indicator text for a level not on the scale',
			() => {
				const p = small();
				p.challenges[0].indicators = { '5': 'x' };
				return JSON.stringify(p);
			},
			/Challenge 1: there is indicator text for level 5, which is not on the scale/
		],
		[
			'a level name of a megabyte',
			() => {
				const p = small();
				p.scale[0].name = 'x'.repeat(1024 * 1024);
				return JSON.stringify(p);
			},
			/^Level 1 of the scale: the name is 1048576 characters long; it can be at most 100\.$/m
		],
		[
			'a key with spaces and capitals',
			() => JSON.stringify({ ...small(), key: 'My Pack' }),
			/^The pack’s key “My Pack” can only use lower-case letters, digits and hyphens/m
		],
		[
			'no attribution',
			() => {
				const p = small();
				delete p.attribution;
				return JSON.stringify(p);
			},
			/^The attribution is missing\.$/m
		]
	];

	it.each(broken)(
		'rejects a pack with %s, says where, and stores nothing',
		(_kind, file, problem) => {
			const { db, admin } = setup();
			const before = frameworkCount(db);
			const result = importPack(db, admin, file(), t0);
			expect(result.ok).toBe(false);
			if (!result.ok) expect(result.problems.join('\n')).toMatch(problem);
			expect(frameworkCount(db)).toBe(before);
			expect(db.select().from(auditEvents).all()).toHaveLength(0);
		}
	);

	it('reports every problem in the file at once', () => {
		const { db, admin } = setup();
		const p = small();
		p.challenges[1].key = 'welcome';
		p.challenges[2].shortLabel = '';
		p.scale[2].value = 0;
		const result = importPack(db, admin, JSON.stringify(p), t0);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.problems.length).toBeGreaterThanOrEqual(3);
	});
});
