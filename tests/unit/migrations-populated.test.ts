import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, openDatabase, DEFAULT_MIGRATIONS_FOLDER } from '$lib/server/db/client';
import { loadBuiltInPacks } from '$lib/server/frameworks/loader';
import { seedDemo } from '$lib/server/demo/seed';

/** A copy of the migrations folder that stops after the first `count` migrations. */
function migrationsUpTo(count: number): string {
	const dir = mkdtempSync(join(tmpdir(), 'imroc-migrations-'));
	cpSync(DEFAULT_MIGRATIONS_FOLDER, dir, { recursive: true });
	const journalPath = join(dir, 'meta', '_journal.json');
	const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
	journal.entries = journal.entries.slice(0, count);
	writeFileSync(journalPath, JSON.stringify(journal));
	return dir;
}

function rowCounts(db: ReturnType<typeof openDatabase>): Record<string, number> {
	const tables = db.$client
		.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'")
		.all() as { name: string }[];
	return Object.fromEntries(
		tables.map(({ name }) => [name, (db.$client.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n])
	);
}

describe('migrations on a populated database', () => {
	it('bring a database filled at the first migration up to date without losing a row', async () => {
		const firstOnly = migrationsUpTo(1);
		try {
			const db = openDatabase(':memory:', { migrationsFolder: firstOnly });
			loadBuiltInPacks(db);
			await seedDemo(db, new Date('2026-11-23T09:00:00Z'));
			const before = rowCounts(db);
			expect(before.agreed_score).toBeGreaterThan(1000);

			applyMigrations(db, DEFAULT_MIGRATIONS_FOLDER);
			const after = rowCounts(db);
			for (const [table, count] of Object.entries(before)) expect(after[table], table).toBe(count);
			expect(db.$client.pragma('foreign_key_check')).toEqual([]);
		} finally {
			rmSync(firstOnly, { recursive: true, force: true });
		}
	});
});
