// Names of the backups the server takes on its schedule, and which of them to keep. A scheduled
// backup is named after its database and the UTC moment it was taken, e.g.
// imroc-backup-2026-12-02T13-30-00Z.sqlite for data/imroc.sqlite, so that the files sort by age,
// say what they hold, and are told apart from anything else in the same directory.

import { basename, extname } from 'node:path';

/** Node's timers take at most this many milliseconds (about 24.8 days); longer waits are chained. */
export const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** The database file's name without its extension: "imroc" for data/imroc.sqlite. */
export function databaseStem(databasePath: string): string {
	const name = basename(databasePath);
	return basename(name, extname(name)) || name;
}

/** A UTC moment as it appears in a file name, to the second: 2026-12-02T13-30-00Z. */
export function utcStamp(moment: Date): string {
	return moment
		.toISOString()
		.replace(/\.\d{3}Z$/, 'Z')
		.replaceAll(':', '-');
}

/** The name of the scheduled backup of a database taken at that moment. */
export function backupFileName(stem: string, moment: Date): string {
	return `${stem}-backup-${utcStamp(moment)}.sqlite`;
}

const STAMP = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z$/;

function escapeForPattern(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function stampOf(stem: string, fileName: string, suffix: string): Date | null {
	const prefix = `${stem}-backup-`;
	const pattern = new RegExp(`^${escapeForPattern(prefix)}(.+)${escapeForPattern(suffix)}$`);
	const stamp = pattern.exec(fileName)?.[1];
	const parts = stamp ? STAMP.exec(stamp) : null;
	if (!parts) return null;
	const moment = new Date(`${parts[1]}T${parts[2]}:${parts[3]}:${parts[4]}Z`);
	// A name that only looks like one of ours (a 31st of February, say) is not one of ours.
	return Number.isNaN(moment.getTime()) || utcStamp(moment) !== stamp ? null : moment;
}

/** When the scheduled backup in this file was taken, or null if the file is not one of them. */
export function backupTimeOf(stem: string, fileName: string): Date | null {
	return stampOf(stem, fileName, '.sqlite');
}

/** A scheduled backup's file while it is being written and checked, before it takes its name. */
export function incompleteFileName(fileName: string): string {
	return `${fileName}.incomplete`;
}

/** Whether the file is a scheduled backup of this database that was never finished. */
export function isIncompleteBackup(stem: string, fileName: string): boolean {
	return stampOf(stem, fileName, '.sqlite.incomplete') !== null;
}

/** The newest scheduled backup among these file names, or null when there is none. */
export function newestBackupTime(stem: string, fileNames: readonly string[]): Date | null {
	let newest: Date | null = null;
	for (const name of fileNames) {
		const moment = backupTimeOf(stem, name);
		if (moment && (!newest || moment > newest)) newest = moment;
	}
	return newest;
}

/**
 * The scheduled backups of this database to remove so that only the newest `keep` remain. Any
 * other file, including another database's backups, is never among them.
 */
export function backupsToRemove(
	stem: string,
	fileNames: readonly string[],
	keep: number
): string[] {
	return fileNames
		.flatMap((name) => {
			const moment = backupTimeOf(stem, name);
			return moment ? [{ name, time: moment.getTime() }] : [];
		})
		.sort((a, b) => b.time - a.time)
		.slice(keep)
		.map((backup) => backup.name);
}

/**
 * How long to wait before the next scheduled backup: none if there has never been one or the last
 * is at least an interval old, otherwise until an interval after it. A wait longer than a timer
 * can hold is cut short; the schedule then asks again.
 */
export function delayUntilNextBackup(lastBackup: Date | null, now: Date, everyMs: number): number {
	// A backup stamped later than now (the clock was put back) counts as taken now.
	const due = lastBackup ? Math.min(lastBackup.getTime(), now.getTime()) + everyMs : now.getTime();
	return Math.min(Math.max(due - now.getTime(), 0), LONGEST_TIMER_MS);
}

/** A file's size as people read it: 840 KB, 3.2 MB, 205 MB. */
export function fileSize(bytes: number): string {
	if (bytes < 1_000_000) return `${Math.max(1, Math.round(bytes / 1000))} KB`;
	const mb = bytes / 1_000_000;
	return `${mb < 10 ? mb.toFixed(1) : Math.round(mb).toLocaleString('en-GB')} MB`;
}
