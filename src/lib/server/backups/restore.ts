// Restoring a backup: only while nothing has the database open, only a backup that passes its
// checks, and never without keeping the current database (with its -wal and -shm files) aside.

import Database from 'better-sqlite3';
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { databaseInUse } from './in-use';
import { fileSize, utcStamp } from './naming';

/** A restore that did not happen, for a reason the person who asked for it can act on. */
export class RestoreRefused extends Error {}

export interface Migration {
	tag: string;
	when: number;
}

const journalSchema = z.object({
	entries: z.array(z.object({ tag: z.string(), when: z.number() }))
});

/** The migrations this build of the app has, oldest first (drizzle-kit's journal). */
export function knownMigrations(migrationsFolder: string): Migration[] {
	const journal = journalSchema.parse(
		JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8'))
	);
	return journal.entries.toSorted((a, b) => a.when - b.when);
}

/**
 * Why a database whose applied migrations are these (drizzle's created_at, the journal's `when`)
 * cannot be served by this build, or null if it can: every one of them must be this build's. One
 * that is not was made by a newer version of the app (or another branch of it), whose tables this
 * version does not know.
 */
export function migrationProblem(
	applied: readonly number[],
	known: readonly Migration[]
): string | null {
	const whens = new Set(known.map((migration) => migration.when));
	const unknown = applied.filter((when) => !whens.has(when));
	if (unknown.length === 0) return null;
	const newest = Math.max(...known.map((migration) => migration.when));
	return unknown.some((when) => when > newest)
		? 'it was made by a newer version of the app than this one: update the app first, then restore'
		: `it has ${unknown.length} migration(s) this version of the app does not have`;
}

/** The latest of this build's migrations that the database has, by tag, or null for none. */
function latestTag(applied: readonly number[], known: readonly Migration[]): string | null {
	const done = new Set(applied);
	return known.findLast((migration) => done.has(migration.when))?.tag ?? null;
}

const IMROC_TABLES = ['__drizzle_migrations', 'user', 'organisation', 'audit_event'];

/**
 * Checks a copy of a backup: that SQLite finds it whole (integrity_check, foreign_key_check), that
 * it is this app's database, and that this version of the app can serve it. Returns what it is.
 */
export function checkBackupCopy(path: string, known: readonly Migration[]): string {
	let db: Database.Database;
	try {
		db = new Database(path, { fileMustExist: true });
	} catch (error) {
		throw new RestoreRefused(`The backup cannot be opened: ${messageOf(error)}.`);
	}
	try {
		let integrity: string[];
		try {
			integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map(
				(row) => row.integrity_check
			);
		} catch (error) {
			throw new RestoreRefused(
				`The backup is not a database SQLite can read: ${messageOf(error)}.`
			);
		}
		if (integrity.join() !== 'ok') {
			throw new RestoreRefused(
				`The backup fails the integrity check: ${integrity.slice(0, 3).join('; ')}.`
			);
		}
		const dangling = (db.pragma('foreign_key_check') as unknown[]).length;
		if (dangling > 0) {
			throw new RestoreRefused(
				`The backup fails the foreign key check: ${dangling} row(s) point at rows that are not there.`
			);
		}
		const tables = new Set(
			db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]
		);
		const missing = IMROC_TABLES.filter((table) => !tables.has(table));
		if (missing.length > 0) {
			throw new RestoreRefused(
				`The backup is not an ImROC self-assessment database (it has no ${missing.join(', ')} table).`
			);
		}
		const applied = db
			.prepare('SELECT created_at FROM __drizzle_migrations')
			.pluck()
			.all()
			.map(Number);
		const problem = migrationProblem(applied, known);
		if (problem) throw new RestoreRefused(`The backup cannot be restored here: ${problem}.`);
		const tag = latestTag(applied, known);
		const current = known.at(-1)?.tag;
		return tag === current
			? `an ImROC database at this version's latest migration (${tag})`
			: `an ImROC database at migration ${tag ?? 'none'}; the server brings it up to ${current} when it starts`;
	} finally {
		db.close();
	}
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

export interface RestoreRequest {
	backupPath: string;
	databasePath: string;
	migrationsFolder: string;
	/** Told each step, in a plain sentence. */
	say: (line: string) => void;
	now?: Date;
}

const SIDE_FILES = ['-wal', '-shm'];

function refuseWhileInUse(databasePath: string): void {
	if (databaseInUse(databasePath)) {
		throw new RestoreRefused(
			`${databasePath} is open in another program, most likely the running server. Stop the server, then restore.`
		);
	}
}

/**
 * Puts the backup in place of the database. The backup file itself is left as it is: a copy of it
 * beside the database is checked, then takes the database's name once the current file is aside.
 */
export function restoreBackup({
	backupPath,
	databasePath,
	migrationsFolder,
	say,
	now = new Date()
}: RestoreRequest): void {
	if (!existsSync(backupPath) || !statSync(backupPath).isFile()) {
		throw new RestoreRefused(`There is no backup file at ${backupPath}.`);
	}
	if (resolve(backupPath) === resolve(databasePath)) {
		throw new RestoreRefused(`${backupPath} is the database itself, not a backup of it.`);
	}
	refuseWhileInUse(databasePath);
	say(`Nothing has ${databasePath} open: the server is not running.`);

	mkdirSync(dirname(resolve(databasePath)), { recursive: true });
	const copy = `${databasePath}.restoring`;
	const removeCopy = () => {
		for (const suffix of ['', '-journal', ...SIDE_FILES]) rmSync(copy + suffix, { force: true });
	};
	removeCopy();
	try {
		say(`Checking the backup ${backupPath} (${fileSize(statSync(backupPath).size)})…`);
		copyFileSync(backupPath, copy);
		const what = checkBackupCopy(copy, knownMigrations(migrationsFolder));
		say(`The backup passes the integrity and foreign key checks: it is ${what}.`);

		// The check can take a while on a large database: someone may have started the server meanwhile.
		refuseWhileInUse(databasePath);
		if (existsSync(databasePath)) {
			const aside = `${databasePath}.before-restore-${utcStamp(now)}`;
			if (existsSync(aside)) throw new RestoreRefused(`${aside} already exists; try again.`);
			renameSync(databasePath, aside);
			const moved = SIDE_FILES.filter((suffix) => existsSync(databasePath + suffix));
			for (const suffix of moved) renameSync(databasePath + suffix, aside + suffix);
			say(
				`Kept the current database aside as ${aside}${moved.length ? ` (with its ${moved.join(' and ')} file${moved.length > 1 ? 's' : ''})` : ''}.`
			);
		} else {
			say(`There was no database at ${databasePath}, so nothing was kept aside.`);
		}
		renameSync(copy, databasePath);
		say(
			`Restored: ${databasePath} now holds the backup ${backupPath}. Start the server to use it.`
		);
	} finally {
		removeCopy();
	}
}
