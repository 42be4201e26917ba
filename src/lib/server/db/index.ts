import { openDatabase, type Db } from './client';
import { config } from '../config';

let shared: Db | undefined;

/** The app's database, opened on first use (never at import: `vite build` imports this module). */
export function getDb(): Db {
	shared ??= openDatabase(config().databasePath);
	return shared;
}

export type { Db };
