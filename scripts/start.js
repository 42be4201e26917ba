// Starts the app: builds it when the build is missing or older than the sources, sets the defaults,
// then serves it through scripts/serve.js.
// `--demo` serves a separate demo database full of generated data; `--reset` makes it anew.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const args = process.argv.slice(2);
const demo = args.includes('--demo');
/** The audit event the demo data is written with (src/lib/server/demo/seed.ts): its marker. */
const DEMO_MARKER = 'demo.seeded';

const SOURCES = [
	'src',
	'static',
	'migrations',
	'package.json',
	'package-lock.json',
	'svelte.config.js',
	'vite.config.ts'
];
const BUILD_MARKER = 'build/handler.js';

/**
 * The newest modification time under a path, in milliseconds.
 * @param {string} path
 * @returns {number}
 */
function newest(path) {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return readdirSync(path).reduce(
		(latest, entry) => Math.max(latest, newest(join(path, entry))),
		stat.mtimeMs
	);
}

/**
 * Says why the start stops, in one line, and ends the process with code 1.
 * @param {string} message
 * @returns {never}
 */
function stop(message) {
	console.error(message);
	process.exit(1);
}

/**
 * What a database file holds, as far as the demo is concerned: nothing yet, the demo's own data
 * (its marker is there), or something else (accounts or organisations, or not our database at all).
 * @param {string} path
 * @returns {'missing' | 'empty' | 'demo' | 'other'}
 */
function demoDatabaseState(path) {
	if (!existsSync(path)) return 'missing';
	try {
		const db = new Database(path, { readonly: true, fileMustExist: true });
		try {
			const tables = new Set(
				db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()
			);
			/** @param {string} table @param {string} where @param {unknown[]} values */
			const holds = (table, where = '1', ...values) =>
				tables.has(table) &&
				db
					.prepare(`SELECT EXISTS (SELECT 1 FROM "${table}" WHERE ${where})`)
					.pluck()
					.get(...values) === 1;
			if (holds('audit_event', 'action = ?', DEMO_MARKER)) return 'demo';
			return holds('user') || holds('organisation') ? 'other' : 'empty';
		} finally {
			db.close();
		}
	} catch {
		// Not a database at all, or not one we can read: certainly not the demo's.
		return 'other';
	}
}

/**
 * The demo runs on its own database, never on the one .env's DATABASE_PATH names: its passwords
 * are public, so it refuses any database it did not make, and any server people reach over https.
 */
function prepareDemo() {
	if ((process.env.ORIGIN ?? '').trim().toLowerCase().startsWith('https:')) {
		stop(
			`The demo does not start with ORIGIN on https (${process.env.ORIGIN}): its passwords are public, so it is not for a server people reach. Run it without ORIGIN, on this computer.`
		);
	}
	const path = process.env.DEMO_DATABASE_PATH || 'data/demo.sqlite';
	const state = demoDatabaseState(path);
	if (args.includes('--reset')) {
		if (state === 'other' || state === 'empty') {
			stop(
				`${path} was not made by npm run demo, so --reset does not delete it. Set DEMO_DATABASE_PATH to another file, or delete it yourself if you are sure.`
			);
		}
		for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
		if (state === 'demo')
			console.log(`Removed the demo database at ${path}; it will be made anew.`);
	} else if (state === 'other') {
		stop(
			`${path} already holds accounts or organisations that are not the demo's, so the demo does not add its data to it. Set DEMO_DATABASE_PATH to another file.`
		);
	}
	process.env.DATABASE_PATH = path;
	process.env.IMROC_DEMO = '1';
}

function buildIsCurrent() {
	if (!existsSync(BUILD_MARKER)) return false;
	const built = statSync(BUILD_MARKER).mtimeMs;
	return SOURCES.every((source) => newest(source) <= built);
}

// Settings from a local .env file, when there is one; the environment wins over it.
if (existsSync('.env')) process.loadEnvFile('.env');
// Before the build, so that a refusal comes at once.
if (demo) prepareDemo();

if (!buildIsCurrent()) {
	console.log('Building the app (this happens when the code has changed)…');
	const result = spawnSync('npx', ['--yes', 'vite', 'build'], { stdio: 'inherit' });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

process.env.DATABASE_PATH ??= 'data/imroc.sqlite';
process.env.BODY_SIZE_LIMIT ??= '12M';
process.env.PORT ??= '3000';
process.env.ORIGIN ??= `http://localhost:${process.env.PORT}`;

console.log(`Database: ${process.env.DATABASE_PATH}`);
await import('./serve.js');
