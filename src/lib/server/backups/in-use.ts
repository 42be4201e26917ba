import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

/**
 * Whether another program (the server, most likely) has the database open. In WAL mode every
 * connection holds a shared lock on the file for as long as it is open, so a connection that
 * cannot take the file for itself alone, at once, is not the only one. The operating system drops
 * the locks of a process that ends however it ends, so a server killed outright leaves nothing
 * behind that could be mistaken for a running one, as a pid file would.
 */
export function databaseInUse(path: string): boolean {
	if (!existsSync(path)) return false;
	const db = new Database(path, { fileMustExist: true });
	try {
		db.pragma('busy_timeout = 0');
		db.pragma('locking_mode = EXCLUSIVE');
		try {
			db.exec('BEGIN EXCLUSIVE');
			db.exec('ROLLBACK');
			return false;
		} catch (error) {
			if (!(error instanceof Database.SqliteError)) throw error;
			if (error.code === 'SQLITE_BUSY') return true;
			// A file that is not a database at all (the very thing a restore may be for) is one no
			// server could have started on.
			if (error.code === 'SQLITE_NOTADB') return false;
			throw error;
		}
	} finally {
		// The last connection to close writes the WAL back into the file and removes it.
		db.close();
	}
}
