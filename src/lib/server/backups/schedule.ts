// Scheduled backups inside the running server (BACKUP_DIR, BACKUP_EVERY_HOURS, BACKUP_KEEP): one
// every interval, counted from the newest already in the directory, so that a server restarted
// more often than the interval still takes them. Each is checked and logged in one line; one that
// fails is logged and tried again an interval later, and never stops the server.

import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { BackupSettings } from '../config';
import {
	backupFileName,
	backupsToRemove,
	databaseStem,
	delayUntilNextBackup,
	isIncompleteBackup,
	newestBackupTime
} from './naming';
import { takeBackup, type TakenBackup } from './take';

export interface BackupSchedule {
	/** Stops the schedule, and a backup under way, whose unfinished file is removed. */
	stop: () => void;
}

export interface ScheduleOptions extends BackupSettings {
	databasePath: string;
	log: Logger;
	/** How a backup is taken: the real one unless a test gives another. */
	take?: (source: string, destination: string, signal: AbortSignal) => Promise<TakenBackup>;
	now?: () => Date;
}

/**
 * Starts taking backups of the database into `dir`. The directory must exist: a missing one stops
 * the start rather than failing quietly every interval. The timer never keeps the process alive.
 */
export function startBackupSchedule({
	databasePath,
	dir,
	everyMs,
	keep,
	log,
	take = (source, destination, signal) => takeBackup(source, destination, { signal }),
	now = () => new Date()
}: ScheduleOptions): BackupSchedule {
	if (!existsSync(dir) || !statSync(dir).isDirectory()) {
		throw new Error(
			`Invalid configuration: BACKUP_DIR ${dir} is not a directory. Create it (writable by the server), or unset BACKUP_DIR.`
		);
	}
	const stem = databaseStem(databasePath);
	const files = () => readdirSync(dir);
	// A backup cut short by a stop or a crash leaves its unfinished file: nobody else will remove it.
	for (const name of files()) if (isIncompleteBackup(stem, name)) rmSync(join(dir, name));

	let timer: NodeJS.Timeout | undefined;
	let stopped = false;
	const running = new AbortController();
	let lastAttempt: Date | null = newestBackupTime(stem, files());

	function waitForNext() {
		if (stopped) return;
		const dueIn = () => delayUntilNextBackup(lastAttempt, now(), everyMs);
		// A wait longer than a timer can hold is made of several; each asks again when it ends.
		timer = setTimeout(() => (dueIn() === 0 ? backUpSafely() : waitForNext()), dueIn());
		timer.unref();
	}

	async function backUp() {
		lastAttempt = now();
		const path = resolve(dir, backupFileName(stem, lastAttempt));
		try {
			const taken = await take(databasePath, path, running.signal);
			log.info(
				{ path: taken.path, bytes: taken.bytes, durationMs: taken.durationMs },
				'backup taken'
			);
		} catch (error) {
			if (stopped) return;
			log.error(
				{ path, reason: error instanceof Error ? error.message : String(error) },
				'backup failed'
			);
		}
		try {
			for (const name of backupsToRemove(stem, files(), keep)) {
				rmSync(join(dir, name));
				log.info({ path: resolve(dir, name) }, 'old backup removed');
			}
		} catch (error) {
			log.error(
				{ dir, reason: error instanceof Error ? error.message : String(error) },
				'old backups not removed'
			);
		}
		waitForNext();
	}

	/** A backup whose failure, whatever it is, is a log line and never the server's end. */
	function backUpSafely() {
		backUp().catch((error) => {
			log.error(
				{ reason: error instanceof Error ? error.message : String(error) },
				'backup failed'
			);
			waitForNext();
		});
	}

	waitForNext();
	log.info({ dir: resolve(dir), everyHours: everyMs / 3_600_000, keep }, 'backups scheduled');
	return {
		stop() {
			stopped = true;
			clearTimeout(timer);
			running.abort();
		}
	};
}
