import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_MIGRATIONS_FOLDER, openDatabase, type Db } from '$lib/server/db/client';
import { databaseInUse } from '$lib/server/backups/in-use';
import {
	knownMigrations,
	migrationProblem,
	restoreBackup,
	RestoreRefused
} from '$lib/server/backups/restore';
import { BackupRefused, takeBackup } from '$lib/server/backups/take';
import { insertUser } from './helpers/db';

// Taking a backup of a database that is open and being written, and restoring one, on real files.

const REPO = resolve('.');
const driver = createRequire(import.meta.url).resolve('better-sqlite3');
let dir: string;
let live: Db | undefined;
const databasePath = () => join(dir, 'imroc.sqlite');

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'imroc-backups-'));
});
afterEach(() => {
	if (live?.$client.open) live.$client.close();
	live = undefined;
	rmSync(dir, { recursive: true, force: true });
});

function openLive(): Db {
	live = openDatabase(databasePath());
	return live;
}

function emailsIn(path: string): string[] {
	const db = new Database(path, { readonly: true, fileMustExist: true });
	try {
		return db.prepare('SELECT email FROM user ORDER BY email').pluck().all() as string[];
	} finally {
		db.close();
	}
}

describe('taking a backup', () => {
	it('copies an open database, committed writes and all, into one checked, self-contained file', async () => {
		const db = openLive();
		for (let i = 0; i < 50; i++)
			insertUser(db, { email: `person${String(i).padStart(2, '0')}@x.example` });
		// The writes are still in the WAL: a copy of the .sqlite file alone would miss them.
		expect(existsSync(`${databasePath()}-wal`)).toBe(true);

		const destination = join(dir, 'copy.sqlite');
		const taken = await takeBackup(databasePath(), destination);

		expect(taken.path).toBe(destination);
		expect(taken.bytes).toBeGreaterThan(0);
		expect(readdirSync(dir).filter((name) => name.startsWith('copy'))).toEqual(['copy.sqlite']);
		expect(emailsIn(destination)).toHaveLength(50);
		const copy = new Database(destination, { readonly: true });
		expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
		expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
		copy.close();
		// The live database goes on as before.
		insertUser(db, { email: 'after@x.example' });
		expect(emailsIn(destination)).not.toContain('after@x.example');
	});

	it('refuses a file that exists, a directory that does not, and a database that is not there', async () => {
		openLive();
		const existing = join(dir, 'existing.sqlite');
		writeFileSync(existing, 'keep me');
		await expect(takeBackup(databasePath(), existing)).rejects.toThrow(
			new BackupRefused(
				`${existing} already exists. A backup never replaces a file: give a new name.`
			)
		);
		expect(readFileSync(existing, 'utf8')).toBe('keep me');
		await expect(takeBackup(databasePath(), join(dir, 'nowhere', 'b.sqlite'))).rejects.toThrow(
			`The directory ${join(dir, 'nowhere')} does not exist.`
		);
		await expect(takeBackup(join(dir, 'missing.sqlite'), join(dir, 'b.sqlite'))).rejects.toThrow(
			`There is no database at ${join(dir, 'missing.sqlite')}.`
		);
		expect(existsSync(join(dir, 'missing.sqlite'))).toBe(false);
	});

	it('leaves nothing behind when stopped part way', async () => {
		openLive();
		const stopping = new AbortController();
		const taking = takeBackup(databasePath(), join(dir, 'b.sqlite'), { signal: stopping.signal });
		stopping.abort();
		await expect(taking).rejects.toThrow('The backup was stopped before it finished.');
		expect(readdirSync(dir).filter((name) => name.startsWith('b.sqlite'))).toEqual([]);
	});
});

describe('whether the database is in use', () => {
	it('is while any connection has it open, and is not once they are closed', () => {
		expect(databaseInUse(databasePath())).toBe(false);
		const db = openLive();
		insertUser(db);
		expect(databaseInUse(databasePath())).toBe(true);
		db.$client.close();
		expect(databaseInUse(databasePath())).toBe(false);
		// Asking changed nothing: the data is all there.
		expect(emailsIn(databasePath())).toHaveLength(1);
	});
});

describe('which migrations can be restored', () => {
	const known = [
		{ tag: '0000_a', when: 100 },
		{ tag: '0001_b', when: 200 }
	];
	it('accepts this build’s migrations, all or some', () => {
		expect(migrationProblem([100, 200], known)).toBeNull();
		expect(migrationProblem([100], known)).toBeNull();
	});
	it('refuses one made by a newer version, and one with migrations this one does not have', () => {
		expect(migrationProblem([100, 200, 300], known)).toMatch(/newer version of the app/);
		expect(migrationProblem([100, 150], known)).toMatch(
			/1 migration\(s\) this version of the app does not have/
		);
	});
	it('reads this build’s migrations from drizzle-kit’s journal', () => {
		const migrations = knownMigrations(DEFAULT_MIGRATIONS_FOLDER);
		expect(migrations[0].tag).toBe('0000_foundation');
		expect(migrations.length).toBe(
			readdirSync(DEFAULT_MIGRATIONS_FOLDER).filter((name) => name.endsWith('.sql')).length
		);
	});
});

describe('restoring a backup', () => {
	async function backupWith(emails: string[]): Promise<string> {
		const db = openLive();
		for (const email of emails) insertUser(db, { email });
		const path = join(dir, `backup-${emails.length}.sqlite`);
		await takeBackup(databasePath(), path);
		return path;
	}

	function restore(backupPath: string) {
		const said: string[] = [];
		restoreBackup({
			backupPath,
			databasePath: databasePath(),
			migrationsFolder: DEFAULT_MIGRATIONS_FOLDER,
			say: (line) => said.push(line),
			now: new Date('2026-12-02T13:30:00Z')
		});
		return said;
	}

	it('keeps the current database aside and puts the backup in place, leaving the backup as it was', async () => {
		const backup = await backupWith(['kept@x.example']);
		insertUser(live!, { email: 'later@x.example' });
		live!.$client.close();
		const before = readFileSync(backup);
		// A server killed outright leaves its last writes in the -wal beside the database.
		const killed = spawnSync(process.execPath, [
			'-e',
			`const db = new (require(${JSON.stringify(driver)}))(${JSON.stringify(databasePath())});
			 db.pragma('journal_mode = WAL'); db.exec("UPDATE user SET name = 'Changed'");
			 process.kill(process.pid, 'SIGKILL');`
		]);
		expect(killed.signal).toBe('SIGKILL');
		expect(existsSync(`${databasePath()}-wal`)).toBe(true);

		const said = restore(backup);

		const aside = `${databasePath()}.before-restore-2026-12-02T13-30-00Z`;
		expect(said).toEqual([
			`Nothing has ${databasePath()} open: the server is not running.`,
			expect.stringMatching(new RegExp(`^Checking the backup ${backup} \\(\\d+ KB\\)…$`)),
			expect.stringMatching(
				/^The backup passes the integrity and foreign key checks: it is an ImROC database at this version's latest migration \(\d{4}_\w+\)\.$/
			),
			expect.stringMatching(new RegExp(`^Kept the current database aside as ${aside}`)),
			`Restored: ${databasePath()} now holds the backup ${backup}. Start the server to use it.`
		]);
		expect(emailsIn(databasePath())).toEqual(['kept@x.example']);
		expect(emailsIn(aside)).toEqual(['kept@x.example', 'later@x.example']);
		const asideDb = new Database(aside, { readonly: true });
		expect(asideDb.prepare('SELECT DISTINCT name FROM user').pluck().all()).toEqual(['Changed']);
		asideDb.close();
		expect(readFileSync(backup).equals(before)).toBe(true);
		for (const leftover of ['-wal', '-shm', '.restoring'])
			expect(existsSync(databasePath() + leftover), leftover).toBe(false);
	});

	it('refuses while the database is open, and changes nothing', async () => {
		const backup = await backupWith(['kept@x.example']);
		insertUser(live!, { email: 'later@x.example' });
		expect(() => restore(backup)).toThrow(
			new RestoreRefused(
				`${databasePath()} is open in another program, most likely the running server. Stop the server, then restore.`
			)
		);
		live!.$client.close();
		expect(emailsIn(databasePath())).toEqual(['kept@x.example', 'later@x.example']);
		expect(readdirSync(dir).filter((name) => name.includes('before-restore'))).toEqual([]);
	});

	it('puts a backup in place where there is no database yet', async () => {
		const backup = await backupWith(['kept@x.example']);
		live!.$client.close();
		for (const suffix of ['', '-wal', '-shm']) rmSync(databasePath() + suffix, { force: true });
		const said = restore(backup);
		expect(said).toContain(
			`There was no database at ${databasePath()}, so nothing was kept aside.`
		);
		expect(emailsIn(databasePath())).toEqual(['kept@x.example']);
	});

	it('replaces a database that is no longer a database at all, keeping it aside', async () => {
		const backup = await backupWith(['kept@x.example']);
		live!.$client.close();
		for (const suffix of ['-wal', '-shm']) rmSync(databasePath() + suffix, { force: true });
		writeFileSync(databasePath(), 'overwritten by mistake'.repeat(500));
		restore(backup);
		expect(emailsIn(databasePath())).toEqual(['kept@x.example']);
		expect(readFileSync(`${databasePath()}.before-restore-2026-12-02T13-30-00Z`, 'utf8')).toBe(
			'overwritten by mistake'.repeat(500)
		);
	});

	it('refuses what is not an ImROC backup this version can serve, keeping the database as it is', async () => {
		openLive();
		insertUser(live!, { email: 'current@x.example' });
		live!.$client.close();

		const notADatabase = join(dir, 'notes.sqlite');
		writeFileSync(notADatabase, 'These are not the rows you are looking for.'.repeat(200));
		expect(() => restore(notADatabase)).toThrow(/^The backup is not a database SQLite can read/);

		const otherApp = join(dir, 'other.sqlite');
		new Database(otherApp).exec('CREATE TABLE recipe (name TEXT)').close();
		expect(() => restore(otherApp)).toThrow(
			'The backup is not an ImROC self-assessment database (it has no __drizzle_migrations, user, organisation, audit_event table).'
		);

		const newer = await takeBackup(databasePath(), join(dir, 'newer.sqlite')).then((b) => b.path);
		const db = new Database(newer);
		db.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run(
			'from-the-future',
			Date.UTC(2099, 0, 1)
		);
		db.close();
		expect(() => restore(newer)).toThrow(
			'The backup cannot be restored here: it was made by a newer version of the app than this one: update the app first, then restore.'
		);

		const broken = await takeBackup(databasePath(), join(dir, 'broken.sqlite')).then((b) => b.path);
		const withOrphan = new Database(broken);
		withOrphan.pragma('foreign_keys = OFF');
		withOrphan
			.prepare(
				"INSERT INTO grouping (id, organisation_id, name) VALUES ('g1', 'no-such-organisation', 'Lost')"
			)
			.run();
		withOrphan.close();
		expect(() => restore(broken)).toThrow(
			'The backup fails the foreign key check: 1 row(s) point at rows that are not there.'
		);

		expect(() => restore(join(dir, 'missing.sqlite'))).toThrow(
			`There is no backup file at ${join(dir, 'missing.sqlite')}.`
		);
		expect(emailsIn(databasePath())).toEqual(['current@x.example']);
		expect(readdirSync(dir).filter((name) => /before-restore|restoring/.test(name))).toEqual([]);
	});
});

describe('the commands', () => {
	function run(script: 'backup' | 'restore', ...args: string[]) {
		const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_PATH: databasePath() };
		delete env.BACKUP_DIR;
		const result = spawnSync(
			join(REPO, 'node_modules/.bin/tsx'),
			['--tsconfig', join(REPO, 'tsconfig.json'), join(REPO, `scripts/${script}.ts`), ...args],
			{ cwd: dir, env, encoding: 'utf8' }
		);
		return { code: result.status, stdout: result.stdout, stderr: result.stderr };
	}

	it('back up in one line that says where and how big', () => {
		openLive();
		insertUser(live!, { email: 'one@x.example' });
		const result = run('backup', 'b.sqlite');
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(
			new RegExp(
				`^Backed up ${databasePath()} to ${join(dir, 'b.sqlite')} \\(\\d+ KB, \\d+\\.\\d s\\); it passes the integrity and foreign key checks\\.\\n$`
			)
		);
		expect(emailsIn(join(dir, 'b.sqlite'))).toEqual(['one@x.example']);
	});

	it.each([
		[[], 'Give the file to write the backup to: npm run backup -- <file> (see --help).'],
		[['imroc.sqlite'], 'No backup was made. imroc.sqlite already exists.'],
		[['nowhere/b.sqlite'], 'No backup was made. The directory ']
	])('refuse %o in one line, with no stack', (args, start) => {
		openLive();
		const result = run('backup', ...args);
		expect(result.code).toBe(1);
		expect(result.stdout).toBe('');
		expect(result.stderr.startsWith(start)).toBe(true);
		expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
	});

	it('refuse to restore while the server has the database open, in one line', async () => {
		openLive();
		await takeBackup(databasePath(), join(dir, 'b.sqlite'));
		const result = run('restore', 'b.sqlite');
		expect(result.code).toBe(1);
		expect(result.stderr).toBe(
			`Nothing was restored. ${databasePath()} is open in another program, most likely the running server. Stop the server, then restore.\n`
		);
	});
});
