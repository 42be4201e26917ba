import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** A database handle or the transaction a change runs in. */
export type Tx = Pick<Db, 'insert' | 'select' | 'update' | 'delete'>;

export const DEFAULT_MIGRATIONS_FOLDER = resolve('migrations');

/**
 * Opens (or creates) a database and brings its schema up to date.
 * Pass ':memory:' for a throwaway database in tests.
 */
export function openDatabase(
	path: string,
	{ migrationsFolder = DEFAULT_MIGRATIONS_FOLDER } = {}
): Db {
	if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
	const sqlite = new Database(path);
	sqlite.pragma('journal_mode = WAL');
	// In WAL mode NORMAL lets the last committed transactions roll back after a power cut or an
	// operating-system crash, so a save the app has acknowledged could vanish; FULL syncs the WAL
	// at every commit, which SQLite documents as durable.
	sqlite.pragma('synchronous = FULL');
	sqlite.pragma('busy_timeout = 5000');
	const db = drizzle(sqlite, { schema });
	applyMigrations(db, migrationsFolder);
	return db;
}

/**
 * drizzle-kit rebuilds a table with `PRAGMA foreign_keys=OFF` inside the migration transaction,
 * where SQLite ignores it, so ON DELETE CASCADE would silently delete child rows (drizzle-orm
 * issue #5782). Foreign keys are therefore switched off around the whole run, and any row the
 * migration left dangling stops the start instead of being lost later.
 */
export function applyMigrations(
	db: BetterSQLite3Database<Record<string, unknown>> & { $client: Database.Database },
	migrationsFolder: string
): void {
	const sqlite = db.$client;
	sqlite.pragma('foreign_keys = OFF');
	try {
		const before = appliedMigrations(sqlite);
		migrate(db, { migrationsFolder });
		// Reading every row of a large database takes most of a second: only after a migration ran.
		if (appliedMigrations(sqlite) === before) return;
		const problems = sqlite.pragma('foreign_key_check') as unknown[];
		if (problems.length > 0) {
			throw new Error(
				`Migration left ${problems.length} row(s) pointing at missing parents: ${JSON.stringify(problems.slice(0, 5))}`
			);
		}
	} finally {
		sqlite.pragma('foreign_keys = ON');
	}
}

/** How many migrations the database has had (none before the first run). */
function appliedMigrations(sqlite: Database.Database): number {
	const table = sqlite
		.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
		.get();
	return table
		? (sqlite.prepare('select count(*) from __drizzle_migrations').pluck().get() as number)
		: 0;
}
