import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDatabase, type Db } from '$lib/server/db/client';
import { loadBuiltInPacks } from '$lib/server/frameworks/loader';
import { DEMO_MARKER, seedDemo } from '$lib/server/demo/seed';
import { organisations } from '$lib/server/db/schema';
import { newId } from '$lib/server/ids';
import { freshDb, insertUser } from './helpers/db';

// The demo's passwords are public, so `npm run demo` must never put its data where real data is,
// nor delete a database it did not make. Each refusal comes before the build, so these tests run
// scripts/start.js as an operator would, from a folder with its own .env.

const REPO = resolve('.');
let dir: string;

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'imroc-demo-'));
});
afterEach(() => {
	rmSync(dir, { recursive: true, force: true });
});

/** `npm run demo` in `dir`, with .env's lines and the environment given (and nothing inherited). */
function demo(env: Record<string, string>, dotEnv = '', ...args: string[]) {
	writeFileSync(join(dir, '.env'), dotEnv);
	const inherited = { ...process.env };
	for (const name of ['DATABASE_PATH', 'DEMO_DATABASE_PATH', 'ORIGIN', 'IMROC_DEMO'])
		delete inherited[name];
	const result = spawnSync(process.execPath, [join(REPO, 'scripts/start.js'), '--demo', ...args], {
		cwd: dir,
		env: { ...inherited, ...env },
		encoding: 'utf8',
		// Were a refusal to fail, the script would go on to build and serve: stop it.
		timeout: 20_000
	});
	return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

/** A database as a real server has it: migrated, with an account in it. */
function realDatabase(name: string): string {
	const path = join(dir, name);
	const db = openDatabase(path);
	loadBuiltInPacks(db);
	insertUser(db, { email: 'alex.morgan@trust.example' });
	db.$client.close();
	return path;
}

const bytes = (path: string) => readFileSync(path).toString('base64');

describe('npm run demo', () => {
	it('refuses to start when ORIGIN is https, from .env or the environment', () => {
		for (const [env, dotEnv] of [
			[{}, 'ORIGIN=https://imroc.example.nhs.uk\n'],
			[{ ORIGIN: 'HTTPS://imroc.example.nhs.uk' }, '']
		] as const) {
			const result = demo({ ...env, DEMO_DATABASE_PATH: join(dir, 'demo.sqlite') }, dotEnv);
			expect(result.code).toBe(1);
			expect(result.stderr).toMatch(
				/^The demo does not start with ORIGIN on https \(https:\/\/imroc\.example\.nhs\.uk\): its passwords are public/i
			);
			expect(existsSync(join(dir, 'demo.sqlite'))).toBe(false);
		}
	});

	it('never uses the database .env’s DATABASE_PATH names, even to refuse it', () => {
		const real = realDatabase('server.sqlite');
		const before = bytes(real);
		// DATABASE_PATH names the real database; the demo's own (by default data/demo.sqlite) is
		// another that is not the demo's either, so the start stops before building, naming it.
		realDatabase('other.sqlite');
		const result = demo(
			{ DEMO_DATABASE_PATH: 'other.sqlite' },
			`DATABASE_PATH=server.sqlite\n`,
			'--reset'
		);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('other.sqlite was not made by npm run demo');
		expect(result.stderr).not.toContain('server.sqlite');
		expect(bytes(real)).toBe(before);
	});

	it('refuses --reset on a database it did not make, and deletes nothing', () => {
		const real = realDatabase('real.sqlite');
		const before = bytes(real);
		const result = demo({ DEMO_DATABASE_PATH: real }, '', '--reset');
		expect(result.code).toBe(1);
		expect(result.stderr).toBe(
			`${real} was not made by npm run demo, so --reset does not delete it. Set DEMO_DATABASE_PATH to another file, or delete it yourself if you are sure.`
		);
		expect(bytes(real)).toBe(before);

		// Nor a file that is no database at all.
		const notes = join(dir, 'notes.txt');
		writeFileSync(notes, 'not a database');
		expect(demo({ DEMO_DATABASE_PATH: notes }, '', '--reset').code).toBe(1);
		expect(readFileSync(notes, 'utf8')).toBe('not a database');
	});

	it('refuses to add its data to a database that holds accounts or organisations', () => {
		const real = realDatabase('real.sqlite');
		const before = bytes(real);
		const result = demo({ DEMO_DATABASE_PATH: real });
		expect(result.code).toBe(1);
		expect(result.stderr).toBe(
			`${real} already holds accounts or organisations that are not the demo's, so the demo does not add its data to it. Set DEMO_DATABASE_PATH to another file.`
		);
		expect(bytes(real)).toBe(before);
	});
});

describe('the demo data', () => {
	let db: Db;
	beforeEach(() => {
		db = freshDb();
	});

	it('is written with its marker, and only once', async () => {
		expect(await seedDemo(db)).toBe(true);
		const markers = db.$client
			.prepare('SELECT count(*) FROM audit_event WHERE action = ?')
			.pluck()
			.get(DEMO_MARKER);
		expect(markers).toBe(1);
		expect(await seedDemo(db)).toBe(false);
	});

	it('is never added to a database that holds an account or an organisation', async () => {
		insertUser(db);
		await expect(seedDemo(db)).rejects.toThrow(/already holds accounts or organisations/);
		const other = freshDb();
		other
			.insert(organisations)
			.values({ id: newId(), name: 'Real trust', createdAt: new Date() })
			.run();
		await expect(seedDemo(other)).rejects.toThrow(/already holds accounts or organisations/);
		expect(other.$client.prepare('SELECT count(*) FROM user').pluck().get()).toBe(0);
	});
});
