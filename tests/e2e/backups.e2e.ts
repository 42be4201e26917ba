import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server';

// Backups of a running server, as an operator takes them: `npm run backup` while people save, then
// `npm run restore` once the server is stopped; and the server's own scheduled backups.

const ORGANISATION = 'Northmoor Mental Health NHS Foundation Trust';
const ADMIN = { email: 'orgadmin@demo.example', password: 'demo-orgadmin-2026' };

let dir: string;
test.beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'imroc-backups-e2e-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs scripts/backup.ts or scripts/restore.ts as `npm run` does, against this database. */
function run(script: 'backup' | 'restore', file: string, databasePath: string) {
	const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_PATH: databasePath };
	for (const name of ['BACKUP_DIR', 'BACKUP_EVERY_HOURS', 'BACKUP_KEEP']) delete env[name];
	const child = spawn('node_modules/.bin/tsx', [`scripts/${script}.ts`, file], { env });
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk) => (stdout += chunk));
	child.stderr.on('data', (chunk) => (stderr += chunk));
	return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
		child.once('close', (code) => resolve({ code, stdout, stderr }))
	);
}

async function signIn(baseURL: string): Promise<string> {
	const response = await fetch(`${baseURL}/sign-in`, {
		method: 'POST',
		headers: { origin: baseURL, accept: 'text/html' },
		body: new URLSearchParams(ADMIN),
		redirect: 'manual'
	});
	expect(response.status, 'the organisation administrator signs in').toBe(303);
	return response.headers
		.getSetCookie()
		.map((cookie) => cookie.split(';')[0])
		.join('; ');
}

function organisationId(databasePath: string): string {
	const db = new Database(databasePath, { readonly: true, fileMustExist: true });
	try {
		return db
			.prepare('SELECT id FROM organisation WHERE name = ?')
			.pluck()
			.get(ORGANISATION) as string;
	} finally {
		db.close();
	}
}

function groupingsIn(databasePath: string): Set<string> {
	const db = new Database(databasePath, { readonly: true, fileMustExist: true });
	try {
		expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
		expect(db.pragma('foreign_key_check')).toEqual([]);
		return new Set(db.prepare('SELECT name FROM grouping').pluck().all() as string[]);
	} finally {
		db.close();
	}
}

/** Adds a grouping as the form does; true once the server has acknowledged it (its redirect). */
async function addGrouping(baseURL: string, cookie: string, organisation: string, name: string) {
	const response = await fetch(`${baseURL}/organisations/${organisation}/groupings`, {
		method: 'POST',
		headers: { origin: baseURL, accept: 'text/html', cookie },
		body: new URLSearchParams({ name }),
		redirect: 'manual'
	});
	await response.arrayBuffer();
	return response.status === 303;
}

test('a backup taken during writes holds every write acknowledged before it began, and restores', async () => {
	const databasePath = join(dir, 'imroc.sqlite');
	const backupPath = join(dir, 'during-writes.sqlite');
	const server = await startServer({ IMROC_DEMO: '1', DATABASE_PATH: databasePath });
	let stopped = false;
	try {
		const cookie = await signIn(server.baseURL);
		const organisation = organisationId(databasePath);

		const acknowledged: string[] = [];
		let writing = true;
		let next = 0;
		const writer = async () => {
			while (writing) {
				const name = `Backup check ${String(next++).padStart(5, '0')}`;
				if (await addGrouping(server.baseURL, cookie, organisation, name)) acknowledged.push(name);
				else throw new Error(`${name} was not saved`);
			}
		};
		const writers = [writer(), writer(), writer()];
		await expect.poll(() => acknowledged.length).toBeGreaterThanOrEqual(20);

		const beforeBackup = [...acknowledged];
		const backup = await run('backup', backupPath, databasePath);
		const duringBackup = acknowledged.length - beforeBackup.length;
		writing = false;
		await Promise.all(writers);

		expect(backup.stderr).toBe('');
		expect(backup.code).toBe(0);
		expect(backup.stdout).toMatch(
			/^Backed up \S+imroc\.sqlite to \S+during-writes\.sqlite \(\d+(\.\d)? [KM]B, \d+\.\d s\); it passes the integrity and foreign key checks\.\n$/
		);
		expect(duringBackup, 'saves went on while the backup was taken').toBeGreaterThan(0);
		test.info().annotations.push({
			type: 'saves',
			description: `${beforeBackup.length} acknowledged before the backup began, ${duringBackup} while it ran`
		});
		const inBackup = groupingsIn(backupPath);
		expect(beforeBackup.filter((name) => !inBackup.has(name))).toEqual([]);

		const refused = await run('restore', backupPath, databasePath);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toBe(
			`Nothing was restored. ${databasePath} is open in another program, most likely the running server. Stop the server, then restore.\n`
		);
		expect(await addGrouping(server.baseURL, cookie, organisation, 'Made after the backup')).toBe(
			true
		);

		await server.stop();
		stopped = true;
		const restored = await run('restore', backupPath, databasePath);
		expect(restored.stderr).toBe('');
		expect(restored.code).toBe(0);
		const lines = restored.stdout.trimEnd().split('\n');
		expect(lines[0]).toBe(`Nothing has ${databasePath} open: the server is not running.`);
		expect(lines.at(-1)).toBe(
			`Restored: ${databasePath} now holds the backup ${backupPath}. Start the server to use it.`
		);
		const aside = readdirSync(dir).find((name) => name.startsWith('imroc.sqlite.before-restore-'));
		expect(aside, 'the current database is kept aside').toBeDefined();
		expect(lines).toContain(`Kept the current database aside as ${join(dir, aside!)}.`);
		expect(groupingsIn(join(dir, aside!)).has('Made after the backup')).toBe(true);
		expect(groupingsIn(databasePath).has('Made after the backup')).toBe(false);

		const again = await startServer({ IMROC_DEMO: '1', DATABASE_PATH: databasePath });
		try {
			const page = await fetch(`${again.baseURL}/organisations/${organisation}/groupings`, {
				headers: { cookie: await signIn(again.baseURL) }
			});
			const html = await page.text();
			expect(page.status).toBe(200);
			expect(html).toContain(beforeBackup[0]);
			expect(html).toContain(beforeBackup.at(-1)!);
			expect(html).not.toContain('Made after the backup');
		} finally {
			await again.stop();
		}
	} finally {
		if (!stopped) await server.stop();
	}
});

test('the server takes scheduled backups, keeps the newest BACKUP_KEEP and logs each', async () => {
	const databasePath = join(dir, 'imroc.sqlite');
	const backupDir = join(dir, 'backups');
	const others = ['notes.txt', 'other-backup-2020-01-01T00-00-00Z.sqlite'];
	mkdirSync(backupDir);
	for (const name of others) writeFileSync(join(backupDir, name), 'not a backup of this server');

	// BACKUP_EVERY_HOURS takes fractions of an hour: 0.0005 is every 1.8 seconds.
	const server = await startServer({
		IMROC_DEMO: '1',
		DATABASE_PATH: databasePath,
		BACKUP_DIR: backupDir,
		BACKUP_EVERY_HOURS: '0.0005',
		BACKUP_KEEP: '2'
	});
	const logged = (msg: string) =>
		server
			.output()
			.split('\n')
			.filter((line) => line.startsWith('{'))
			.map((line) => JSON.parse(line) as Record<string, unknown>)
			.filter((line) => line.msg === msg);
	try {
		await expect
			.poll(() => logged('backup taken').length, { timeout: 40_000 })
			.toBeGreaterThanOrEqual(4);
	} finally {
		await server.stop();
	}

	const taken = logged('backup taken');
	for (const line of taken) {
		expect(line).toEqual(
			expect.objectContaining({
				level: 'info',
				path: expect.stringMatching(/\/imroc-backup-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.sqlite$/),
				bytes: expect.any(Number),
				durationMs: expect.any(Number)
			})
		);
	}
	expect(logged('backup failed')).toEqual([]);
	expect(logged('old backup removed').length).toBeGreaterThanOrEqual(2);

	const kept = readdirSync(backupDir).filter((name) => /^imroc-backup-.*\.sqlite$/.test(name));
	const newestTwo = taken.slice(-2).map((line) => String(line.path).split('/').at(-1));
	expect(kept.toSorted()).toEqual(newestTwo.toSorted());
	for (const name of others) expect(existsSync(join(backupDir, name)), name).toBe(true);
	for (const name of kept) {
		groupingsIn(join(backupDir, name));
		expect(organisationId(join(backupDir, name)), name).toEqual(expect.any(String));
	}
});

test('a bad backup setting stops the start, saying which and why', async () => {
	await expect(
		startServer({ DATABASE_PATH: join(dir, 'imroc.sqlite'), BACKUP_DIR: dir, BACKUP_KEEP: '0' })
	).rejects.toThrow('BACKUP_KEEP must keep at least 1 backup');
	await expect(
		startServer({ DATABASE_PATH: join(dir, 'imroc.sqlite'), BACKUP_DIR: join(dir, 'missing') })
	).rejects.toThrow(`BACKUP_DIR ${join(dir, 'missing')} is not a directory.`);
});
