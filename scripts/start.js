// Starts the app: builds it when the build is missing or older than the sources, sets the defaults,
// then serves it through scripts/serve.js.
// `--demo` serves a separate demo database full of generated data; `--reset` makes it anew.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const demo = args.includes('--demo');

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

function buildIsCurrent() {
	if (!existsSync(BUILD_MARKER)) return false;
	const built = statSync(BUILD_MARKER).mtimeMs;
	return SOURCES.every((source) => newest(source) <= built);
}

// Settings from a local .env file, when there is one; the environment wins over it.
if (existsSync('.env')) process.loadEnvFile('.env');

if (!buildIsCurrent()) {
	console.log('Building the app (this happens when the code has changed)…');
	const result = spawnSync('npx', ['--yes', 'vite', 'build'], { stdio: 'inherit' });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

if (demo) {
	process.env.DATABASE_PATH ??= 'data/demo.sqlite';
	process.env.IMROC_DEMO = '1';
	if (args.includes('--reset')) {
		for (const suffix of ['', '-wal', '-shm'])
			rmSync(process.env.DATABASE_PATH + suffix, { force: true });
		console.log(`Removed the demo database at ${process.env.DATABASE_PATH}; it will be made anew.`);
	}
}
process.env.DATABASE_PATH ??= 'data/imroc.sqlite';
process.env.BODY_SIZE_LIMIT ??= '4M';
process.env.PORT ??= '3000';
process.env.ORIGIN ??= `http://localhost:${process.env.PORT}`;

console.log(`Database: ${process.env.DATABASE_PATH}`);
await import('./serve.js');
