import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { count } from 'drizzle-orm';
import { applyMigrations, openDatabase } from '$lib/server/db/client';
import { loadBuiltInPacks } from '$lib/server/frameworks/loader';
import { challenges, frameworks, levels } from '$lib/server/db/schema';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FIXTURES = 'tests/unit/fixtures/rebuild-migrations';

/** A database at the first fixture migration with three parents and five children. */
function populatedAtFirstMigration() {
	const sqlite = new Database(':memory:');
	const db = drizzle(sqlite);
	applyMigrations(db, `${FIXTURES}/before`);
	sqlite.exec(`
		INSERT INTO parent (id, name) VALUES ('p1', 'One'), ('p2', 'Two'), ('p3', 'Three');
		INSERT INTO child (id, parent_id) VALUES ('c1', 'p1'), ('c2', 'p1'), ('c3', 'p2'), ('c4', 'p3'), ('c5', 'p3');
	`);
	return { sqlite, db };
}

const childCount = (sqlite: Database.Database) =>
	(sqlite.prepare('SELECT count(*) AS n FROM child').get() as { n: number }).n;

describe('migration safety', () => {
	it('keeps every child row when a migration rebuilds the parent table', () => {
		const { sqlite, db } = populatedAtFirstMigration();
		applyMigrations(db, `${FIXTURES}/after`);
		expect(childCount(sqlite)).toBe(5);
		const columns = sqlite.prepare("SELECT name FROM pragma_table_info('parent')").all() as {
			name: string;
		}[];
		expect(columns.map((c) => c.name)).toContain('label');
		expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
	});

	it('shows the trap it guards against: the plain migrator cascades the rebuild into child rows', () => {
		const { sqlite, db } = populatedAtFirstMigration();
		sqlite.pragma('foreign_keys = ON');
		migrate(db, { migrationsFolder: `${FIXTURES}/after` });
		expect(childCount(sqlite)).toBe(0);
	});

	it('refuses to finish a migration that leaves rows pointing at missing parents', () => {
		const { sqlite, db } = populatedAtFirstMigration();
		sqlite.pragma('foreign_keys = OFF');
		sqlite.exec("DELETE FROM parent WHERE id = 'p3'");
		expect(() => applyMigrations(db, `${FIXTURES}/after`)).toThrow(/pointing at missing parents/);
		expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
	});

	it('starting twice on the same database file changes nothing and loses nothing', () => {
		const dir = mkdtempSync(join(tmpdir(), 'imroc-migrate-'));
		try {
			const path = join(dir, 'twice.sqlite');
			const first = openDatabase(path);
			loadBuiltInPacks(first);
			const counts = (db: typeof first) => ({
				frameworks: db.select({ n: count() }).from(frameworks).get()?.n,
				challenges: db.select({ n: count() }).from(challenges).get()?.n,
				levels: db.select({ n: count() }).from(levels).get()?.n
			});
			const before = counts(first);
			first.$client.close();

			const second = openDatabase(path);
			expect(loadBuiltInPacks(second).map((r) => r.outcome)).toEqual(['already-present']);
			expect(counts(second)).toEqual(before);
			expect(before).toEqual({ frameworks: 1, challenges: 10, levels: 4 });
			expect(second.$client.pragma('journal_mode', { simple: true })).toBe('wal');
			expect(second.$client.pragma('foreign_keys', { simple: true })).toBe(1);
			second.$client.close();
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
