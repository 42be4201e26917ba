import { openDatabase, type Db } from './client';
import { config } from '../config';

let shared: Db | undefined;

/** The app's database, opened on first use (never at import: `vite build` imports this module). */
export function getDb(): Db {
	shared ??= openDatabase(config().databasePath);
	return shared;
}

export type { Db };

/**
 * As the server stops: writes the write-ahead log back into the database file (so the file alone
 * is whole) and closes it.
 */
export function closeDb(): void {
	if (!shared) return;
	shared.$client.pragma('wal_checkpoint(TRUNCATE)');
	shared.$client.close();
	shared = undefined;
}
