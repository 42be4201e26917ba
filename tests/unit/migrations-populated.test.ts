import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	applyMigrations,
	openDatabase,
	DEFAULT_MIGRATIONS_FOLDER,
	type Db
} from '$lib/server/db/client';
import { loadBuiltInPacks } from '$lib/server/frameworks/loader';
import { seedDemo } from '$lib/server/demo/seed';
import { listInvitations } from '$lib/server/invitations';
import { latestCompletedStrengths } from '$lib/server/assessments/strengths';

/** A copy of the migrations folder that stops after the first `count` migrations. */
function migrationsUpTo(dir: string, count: number): string {
	const folder = join(dir, `migrations-${count}`);
	cpSync(DEFAULT_MIGRATIONS_FOLDER, folder, { recursive: true });
	const journalPath = join(folder, 'meta', '_journal.json');
	const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
	journal.entries = journal.entries.slice(0, count);
	writeFileSync(journalPath, JSON.stringify(journal));
	return folder;
}

function tableNames(db: Db, schema = 'main'): string[] {
	return (
		db.$client
			.prepare(
				`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'`
			)
			.all() as { name: string }[]
	).map((t) => t.name);
}

function columnNames(db: Db, table: string, schema = 'main'): string[] {
	return (
		db.$client.prepare(`SELECT name FROM pragma_table_info(?, ?)`).all(table, schema) as {
			name: string;
		}[]
	).map((c) => c.name);
}

function rowCounts(db: Db): Record<string, number> {
	return Object.fromEntries(
		tableNames(db).map((name) => [
			name,
			(db.$client.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n
		])
	);
}

/**
 * Fills a database that stands at an older migration with the demo data: the data is generated
 * on the current schema and copied across column by column, as far as the old schema has them.
 */
async function populatedAt(dir: string, migrationCount: number): Promise<Db> {
	const sourcePath = join(dir, 'source.sqlite');
	const source = openDatabase(sourcePath);
	loadBuiltInPacks(source);
	await seedDemo(source, new Date('2026-11-23T09:00:00Z'));
	source.$client.close();

	const db = openDatabase(':memory:', { migrationsFolder: migrationsUpTo(dir, migrationCount) });
	db.$client.exec(`ATTACH DATABASE '${sourcePath}' AS source`);
	db.$client.pragma('foreign_keys = OFF');
	for (const table of tableNames(db)) {
		const shared = columnNames(db, table).filter((c) =>
			columnNames(db, table, 'source').includes(c)
		);
		const columns = shared.map((c) => `"${c}"`).join(', ');
		db.$client.exec(
			`INSERT INTO main."${table}" (${columns}) SELECT ${columns} FROM source."${table}"`
		);
	}
	db.$client.pragma('foreign_keys = ON');
	db.$client.exec('DETACH DATABASE source');
	return db;
}

describe('migrations on a populated database', () => {
	it('fill the round level counts from the assessments completed before they existed', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'imroc-migrations-'));
		try {
			const db = await populatedAt(dir, 5);
			applyMigrations(db, DEFAULT_MIGRATIONS_FOLDER);
			const counted = db.$client
				.prepare('SELECT sum(services) AS n FROM round_level_count')
				.get() as { n: number };
			const scored = db.$client
				.prepare(
					"SELECT count(*) AS n FROM agreed_score JOIN assessment ON assessment.id = agreed_score.assessment_id WHERE assessment.status = 'complete' AND level IS NOT NULL"
				)
				.get() as { n: number };
			expect(scored.n).toBeGreaterThan(1000);
			expect(counted.n).toBe(scored.n);
			db.$client.close();
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	const journal = JSON.parse(
		readFileSync(join(DEFAULT_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')
	);
	const migrationCount: number = journal.entries.length;

	it('fill the round level totals from the counts kept before them', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'imroc-migrations-'));
		try {
			const db = await populatedAt(dir, 6);
			applyMigrations(db, DEFAULT_MIGRATIONS_FOLDER);
			const mismatches = db.$client
				.prepare(
					`SELECT c.round_id, c.level FROM (SELECT round_id, level, sum(services) AS n FROM round_level_count GROUP BY round_id, level) c
					 LEFT JOIN round_level_total t ON t.round_id = c.round_id AND t.level = c.level WHERE t.scores IS NOT c.n`
				)
				.all();
			expect(
				(db.$client.prepare('SELECT count(*) AS n FROM round_level_total').get() as { n: number }).n
			).toBeGreaterThan(20);
			expect(mismatches).toEqual([]);
			db.$client.close();
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('keep when each invitation was withdrawn, under the column’s new name', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'imroc-migrations-'));
		try {
			// Migration 0007 renames invitation.revoked_at to withdrawn_at.
			const db = await populatedAt(dir, 7);
			expect(columnNames(db, 'invitation')).toContain('revoked_at');
			const { organisationId, userId } = db.$client
				.prepare(
					"SELECT organisation_id AS organisationId, user_id AS userId FROM membership WHERE role = 'organisation_admin' LIMIT 1"
				)
				.get() as { organisationId: string; userId: string };
			const at = (iso: string) => new Date(iso).getTime();
			const insert = db.$client.prepare(
				`INSERT INTO invitation (id, token_hash, email, organisation_id, role, invited_by, created_at, expires_at, accepted_at, accepted_by, revoked_at)
				 VALUES (?, ?, ?, ?, 'viewer', ?, ?, ?, ?, ?, ?)`
			);
			const sent = at('2026-11-20T09:00:00Z');
			const expires = at('2026-11-27T09:00:00Z');
			insert.run(
				'inv-withdrawn',
				'h1',
				'a@x.example',
				organisationId,
				userId,
				sent,
				expires,
				null,
				null,
				at('2026-11-21T10:30:00Z')
			);
			insert.run(
				'inv-accepted',
				'h2',
				'b@x.example',
				organisationId,
				userId,
				sent,
				expires,
				at('2026-11-21T11:00:00Z'),
				userId,
				null
			);
			insert.run(
				'inv-waiting',
				'h3',
				'c@x.example',
				organisationId,
				userId,
				sent,
				expires,
				null,
				null,
				null
			);

			applyMigrations(db, DEFAULT_MIGRATIONS_FOLDER);
			expect(columnNames(db, 'invitation')).not.toContain('revoked_at');
			const rows = db.$client
				.prepare('SELECT id, withdrawn_at AS withdrawnAt FROM invitation ORDER BY id')
				.all();
			expect(rows).toEqual([
				{ id: 'inv-accepted', withdrawnAt: null },
				{ id: 'inv-waiting', withdrawnAt: null },
				{ id: 'inv-withdrawn', withdrawnAt: at('2026-11-21T10:30:00Z') }
			]);
			const statuses = Object.fromEntries(
				listInvitations(db, organisationId, undefined, new Date('2026-11-22T00:00:00Z')).map(
					(i) => [i.id, i.status]
				)
			);
			expect(statuses).toEqual({
				'inv-withdrawn': 'withdrawn',
				'inv-accepted': 'accepted',
				'inv-waiting': 'pending'
			});
			db.$client.close();
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('add strengths to a database filled before them, which then holds and offers them', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'imroc-migrations-'));
		try {
			const strengthsMigration = journal.entries.findIndex((e: { tag: string }) =>
				e.tag.endsWith('_strengths')
			);
			expect(strengthsMigration).toBeGreaterThan(0);
			const db = await populatedAt(dir, strengthsMigration);
			expect(tableNames(db)).not.toContain('strength');
			applyMigrations(db, DEFAULT_MIGRATIONS_FOLDER);
			expect(tableNames(db)).toEqual(expect.arrayContaining(['strength', 'dropped_strength']));
			// The demo's completed assessment with its strengths, carried into the open round by hand.
			const completed = db.$client
				.prepare(
					"SELECT a.id, a.service_id AS serviceId FROM assessment a JOIN round r ON r.id = a.round_id WHERE a.status = 'complete' ORDER BY r.period_start DESC LIMIT 1"
				)
				.get() as { id: string; serviceId: string };
			const insert = db.$client.prepare(
				'INSERT INTO strength (id, assessment_id, challenge_id, text, recorded_at) VALUES (?, ?, NULL, ?, 0)'
			);
			insert.run('s1', completed.id, 'Kept up after the migration');
			expect(() => insert.run('s2', completed.id, ' ')).toThrow(/strength_text_check/);
			expect(latestCompletedStrengths(db, completed.serviceId)?.strengths).toMatchObject([
				{ text: 'Kept up after the migration' }
			]);
			expect(db.$client.pragma('foreign_key_check')).toEqual([]);
			db.$client.close();
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	for (let applied = 1; applied < migrationCount; applied++) {
		it(`bring a database filled after migration ${applied} up to date without losing a row`, async () => {
			const dir = mkdtempSync(join(tmpdir(), 'imroc-migrations-'));
			try {
				const db = await populatedAt(dir, applied);
				const before = rowCounts(db);
				expect(before.agreed_score).toBeGreaterThan(1000);

				applyMigrations(db, DEFAULT_MIGRATIONS_FOLDER);
				const after = rowCounts(db);
				for (const [table, count] of Object.entries(before))
					expect(after[table], table).toBe(count);
				expect(db.$client.pragma('foreign_key_check')).toEqual([]);
				db.$client.close();
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
		});
	}
});
