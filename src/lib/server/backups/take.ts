// Taking a backup: a consistent copy of the live database, made with SQLite's online backup
// (better-sqlite3's .backup()) while the server goes on reading and writing, then checked.

import { existsSync, linkSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';

/** A backup that was not taken, for a reason the person who asked for it can act on. */
export class BackupRefused extends Error {}

export interface TakenBackup {
	path: string;
	bytes: number;
	durationMs: number;
}

// The copy and its checks run in a worker thread of their own, on a connection of their own: the
// integrity check of a 200 MB database takes seconds, which the server's one thread cannot spend
// while people wait. The worker is plain CommonJS given as text, so that it needs no file of its
// own beside the built app. It copies every page in one step, so in one read transaction: one
// consistent moment, which in WAL mode never holds up the server's writes (a copy made in many
// steps would start again each time another connection wrote). The copy is then turned from WAL to
// a rollback journal, so that the backup is one self-contained file, and checked.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
(async () => {
	const source = new Database(workerData.source, { readonly: true, fileMustExist: true });
	try {
		source.pragma('busy_timeout = 5000');
		await source.backup(workerData.destination, { progress: () => 0x7fffffff });
	} finally {
		source.close();
	}
	const copy = new Database(workerData.destination, { fileMustExist: true });
	try {
		copy.pragma('journal_mode = DELETE');
		const integrity = copy.pragma('integrity_check').map((row) => row.integrity_check);
		const foreignKeyProblems = copy.pragma('foreign_key_check').length;
		parentPort.postMessage({ integrity: integrity.slice(0, 5), foreignKeyProblems });
	} finally {
		copy.close();
	}
})().catch((error) => parentPort.postMessage({ error: String(error && error.message || error) }));
`;

const workerAnswer = z.union([
	z.object({ integrity: z.array(z.string()), foreignKeyProblems: z.number() }),
	z.object({ error: z.string() })
]);

/** better-sqlite3 as this module finds it, for the worker to load the same copy. */
function driverPath(): string {
	return createRequire(import.meta.url).resolve('better-sqlite3');
}

function copyInWorker(source: string, destination: string, signal?: AbortSignal) {
	return new Promise<z.infer<typeof workerAnswer>>((settle, fail) => {
		const worker = new Worker(WORKER_SOURCE, {
			eval: true,
			workerData: { driver: driverPath(), source, destination }
		});
		let answer: z.infer<typeof workerAnswer> | undefined;
		const abort = () => void worker.terminate();
		signal?.addEventListener('abort', abort, { once: true });
		worker.once('message', (message) => {
			// Never a throw here: in the server it would be an uncaught exception, and stop it.
			const parsed = workerAnswer.safeParse(message);
			answer = parsed.success
				? parsed.data
				: { error: 'The backup gave an answer not understood.' };
		});
		worker.once('error', fail);
		worker.once('exit', () => {
			signal?.removeEventListener('abort', abort);
			if (signal?.aborted) fail(new BackupRefused('The backup was stopped before it finished.'));
			else if (answer) settle(answer);
			else fail(new Error('The backup stopped without an answer.'));
		});
	});
}

/**
 * Copies the live database at `source` to `destination`, a file that must not exist yet in a
 * directory that must, and checks the copy (integrity_check and foreign_key_check). The file
 * takes its name only once it has passed: until then it is `<destination>.incomplete`.
 */
export async function takeBackup(
	source: string,
	destination: string,
	{ signal }: { signal?: AbortSignal } = {}
): Promise<TakenBackup> {
	const started = performance.now();
	const target = resolve(destination);
	if (!existsSync(source)) {
		throw new BackupRefused(
			`There is no database at ${source}. Run this where the server runs, with its DATABASE_PATH (or .env).`
		);
	}
	const directory = dirname(target);
	if (!existsSync(directory) || !statSync(directory).isDirectory()) {
		throw new BackupRefused(
			`The directory ${directory} does not exist. Create it, or give a file in another one.`
		);
	}
	if (existsSync(target)) {
		throw new BackupRefused(
			`${destination} already exists. A backup never replaces a file: give a new name.`
		);
	}
	if (target === resolve(source)) {
		throw new BackupRefused('The backup cannot be written over the database itself.');
	}

	const incomplete = `${target}.incomplete`;
	const removeIncomplete = () => {
		for (const suffix of ['', '-journal', '-wal', '-shm'])
			rmSync(incomplete + suffix, { force: true });
	};
	removeIncomplete();
	try {
		const answer = await copyInWorker(resolve(source), incomplete, signal);
		if ('error' in answer) throw new Error(answer.error);
		if (answer.integrity.join() !== 'ok') {
			throw new Error(`The copy fails its integrity check: ${answer.integrity.join('; ')}`);
		}
		if (answer.foreignKeyProblems > 0) {
			throw new Error(
				`The copy has ${answer.foreignKeyProblems} row(s) pointing at missing rows (foreign_key_check)`
			);
		}
		// A link, unlike a rename, never replaces a file that appeared at the name meanwhile.
		linkSync(incomplete, target);
	} catch (error) {
		if (error instanceof Error && 'code' in error && error.code === 'EEXIST') {
			throw new BackupRefused(
				`${destination} appeared while the backup was taken; the backup was not kept.`
			);
		}
		throw error;
	} finally {
		removeIncomplete();
	}
	return {
		path: target,
		bytes: statSync(target).size,
		durationMs: Math.round(performance.now() - started)
	};
}
