import { afterEach, describe, expect, it, vi } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	backupFileName,
	backupsToRemove,
	backupTimeOf,
	databaseStem,
	delayUntilNextBackup,
	fileSize,
	isIncompleteBackup,
	LONGEST_TIMER_MS,
	newestBackupTime
} from '$lib/server/backups/naming';
import { backupSettingsFrom, BACKUP_DEFAULTS } from '$lib/server/config';

const HOUR = 60 * 60 * 1000;
const at = (iso: string) => new Date(iso);

describe('scheduled backup names', () => {
	it('names a backup after its database and the UTC second it was taken', () => {
		expect(databaseStem('data/imroc.sqlite')).toBe('imroc');
		expect(databaseStem('/srv/trust.one.db')).toBe('trust.one');
		expect(databaseStem('data/imroc')).toBe('imroc');
		expect(backupFileName('imroc', at('2026-12-02T13:30:05.678Z'))).toBe(
			'imroc-backup-2026-12-02T13-30-05Z.sqlite'
		);
	});

	it('reads back the moment from its own names, and from nothing else', () => {
		const moment = at('2026-12-02T13:30:05Z');
		expect(backupTimeOf('imroc', backupFileName('imroc', moment))).toEqual(moment);
		for (const other of [
			'imroc.sqlite',
			'imroc-backup-2026-12-02T13-30-05Z.sqlite.incomplete',
			'imroc-backup-2026-12-02T13-30-05Z.sqlite-journal',
			'imroc-backup-2026-02-31T13-30-05Z.sqlite',
			'imroc-backup-2026-12-02T13:30:05Z.sqlite',
			'imroc-backup-latest.sqlite',
			'other-backup-2026-12-02T13-30-05Z.sqlite',
			'my-imroc-backup-2026-12-02T13-30-05Z.sqlite'
		]) {
			expect(backupTimeOf('imroc', other), other).toBeNull();
		}
	});

	it('treats the database name literally, whatever characters it has', () => {
		const name = backupFileName('a.b+c', at('2026-01-01T00:00:00Z'));
		expect(backupTimeOf('a.b+c', name)).not.toBeNull();
		expect(backupTimeOf('aXb+c', name.replace('a.b', 'aXb'))).not.toBeNull();
		expect(backupTimeOf('a.b+c', name.replace('a.b', 'aXb'))).toBeNull();
	});

	it('knows an unfinished backup of its own by its name', () => {
		const name = backupFileName('imroc', at('2026-12-02T13:30:05Z'));
		expect(isIncompleteBackup('imroc', `${name}.incomplete`)).toBe(true);
		expect(isIncompleteBackup('imroc', name)).toBe(false);
		expect(isIncompleteBackup('imroc', 'notes.sqlite.incomplete')).toBe(false);
		expect(isIncompleteBackup('other', `${name}.incomplete`)).toBe(false);
	});

	it('says sizes as people read them', () => {
		expect(fileSize(300)).toBe('1 KB');
		expect(fileSize(840_400)).toBe('840 KB');
		expect(fileSize(3_240_000)).toBe('3.2 MB');
		expect(fileSize(204_857_344)).toBe('205 MB');
		expect(fileSize(12_345_678_901)).toBe('12,346 MB');
	});
});

describe('which backups are removed', () => {
	const daily = ['01', '02', '03', '04', '05'].map((day) =>
		backupFileName('imroc', at(`2026-12-${day}T02:00:00Z`))
	);

	it('removes the oldest beyond the number kept, whatever order the directory lists them in', () => {
		const listed = [daily[3], daily[0], daily[4], daily[2], daily[1]];
		expect(backupsToRemove('imroc', listed, 3).toSorted()).toEqual([daily[0], daily[1]]);
		expect(backupsToRemove('imroc', listed, 1).toSorted()).toEqual(daily.slice(0, 4));
		expect(backupsToRemove('imroc', listed, 5)).toEqual([]);
		expect(backupsToRemove('imroc', listed, 14)).toEqual([]);
	});

	it('never removes a file it did not make: other files, other databases, unfinished ones', () => {
		const others = [
			'imroc.sqlite',
			'imroc-backup-by-hand.sqlite',
			'README.txt',
			backupFileName('other', at('2020-01-01T00:00:00Z')),
			`${backupFileName('imroc', at('2020-01-01T00:00:00Z'))}.incomplete`
		];
		expect(backupsToRemove('imroc', [...others, ...daily], 2).toSorted()).toEqual(
			daily.slice(0, 3)
		);
	});

	it('finds the newest of its own backups', () => {
		expect(newestBackupTime('imroc', ['x.sqlite', ...daily.toReversed()])).toEqual(
			at('2026-12-05T02:00:00Z')
		);
		expect(newestBackupTime('imroc', ['x.sqlite', backupFileName('other', new Date())])).toBeNull();
	});
});

describe('when the next backup is due', () => {
	const now = at('2026-12-02T12:00:00Z');

	it('is at once when there is none, or the last is an interval old or more', () => {
		expect(delayUntilNextBackup(null, now, 24 * HOUR)).toBe(0);
		expect(delayUntilNextBackup(at('2026-12-01T12:00:00Z'), now, 24 * HOUR)).toBe(0);
		expect(delayUntilNextBackup(at('2026-11-01T12:00:00Z'), now, 24 * HOUR)).toBe(0);
	});

	it('is an interval after the last one otherwise', () => {
		expect(delayUntilNextBackup(at('2026-12-02T09:00:00Z'), now, 24 * HOUR)).toBe(21 * HOUR);
		expect(delayUntilNextBackup(at('2026-12-02T11:59:00Z'), now, 0.5 * HOUR)).toBe(29 * 60_000);
	});

	it('counts a backup stamped in the future (the clock was put back) as taken now', () => {
		expect(delayUntilNextBackup(at('2026-12-03T12:00:00Z'), now, 6 * HOUR)).toBe(6 * HOUR);
	});

	it('never asks for a wait longer than a timer can hold', () => {
		expect(delayUntilNextBackup(now, now, 8784 * HOUR)).toBe(LONGEST_TIMER_MS);
	});
});

describe('the backup settings', () => {
	it('are off unless BACKUP_DIR is set, with defaults for the rest', () => {
		expect(backupSettingsFrom({})).toEqual({ ok: true, settings: null });
		expect(backupSettingsFrom({ BACKUP_DIR: '  ' })).toEqual({ ok: true, settings: null });
		expect(backupSettingsFrom({ BACKUP_DIR: '/var/backups/imroc' })).toEqual({
			ok: true,
			settings: {
				dir: '/var/backups/imroc',
				everyMs: BACKUP_DEFAULTS.everyHours * HOUR,
				keep: BACKUP_DEFAULTS.keep
			}
		});
	});

	it('take hours (fractions too) and a whole number to keep', () => {
		expect(
			backupSettingsFrom({ BACKUP_DIR: 'b', BACKUP_EVERY_HOURS: '0.5', BACKUP_KEEP: '48' })
		).toEqual({ ok: true, settings: { dir: 'b', everyMs: 0.5 * HOUR, keep: 48 } });
		expect(
			backupSettingsFrom({ BACKUP_DIR: 'b', BACKUP_EVERY_HOURS: '', BACKUP_KEEP: '' })
		).toEqual({
			ok: true,
			settings: {
				dir: 'b',
				everyMs: BACKUP_DEFAULTS.everyHours * HOUR,
				keep: BACKUP_DEFAULTS.keep
			}
		});
	});

	it.each([
		[{ BACKUP_EVERY_HOURS: 'daily' }, 'BACKUP_EVERY_HOURS must be a number of hours'],
		[{ BACKUP_EVERY_HOURS: '0' }, 'BACKUP_EVERY_HOURS must be a number of hours above 0'],
		[{ BACKUP_EVERY_HOURS: '-6' }, 'BACKUP_EVERY_HOURS must be a number of hours above 0'],
		[{ BACKUP_EVERY_HOURS: '9000' }, 'BACKUP_EVERY_HOURS must be at most a year'],
		[{ BACKUP_KEEP: '0' }, 'BACKUP_KEEP must keep at least 1 backup'],
		[{ BACKUP_KEEP: '2.5' }, 'BACKUP_KEEP must be a whole number of backups to keep'],
		[{ BACKUP_KEEP: 'all' }, 'BACKUP_KEEP must be a whole number of backups to keep']
	])('refuse %o with a plain reason', (setting, reason) => {
		const result = backupSettingsFrom({ BACKUP_DIR: 'b', ...setting });
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.problems.join('; ')).toContain(reason);
	});

	it('refuse an interval or a number to keep without a directory to keep them in', () => {
		const result = backupSettingsFrom({ BACKUP_EVERY_HOURS: '6', BACKUP_KEEP: '10' });
		expect(result).toEqual({
			ok: false,
			problems: [
				'BACKUP_EVERY_HOURS is set but BACKUP_DIR is not: set BACKUP_DIR to the directory for scheduled backups',
				'BACKUP_KEEP is set but BACKUP_DIR is not: set BACKUP_DIR to the directory for scheduled backups'
			]
		});
	});
});

describe('the app’s configuration', () => {
	const names = ['BACKUP_DIR', 'BACKUP_EVERY_HOURS', 'BACKUP_KEEP'] as const;
	const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
	afterEach(() => {
		for (const name of names) {
			if (saved[name] === undefined) delete process.env[name];
			else process.env[name] = saved[name];
		}
	});

	async function freshConfig() {
		vi.resetModules();
		return (await import('$lib/server/config')).config;
	}

	it('stops the start on a bad backup setting, with the reason', async () => {
		process.env.BACKUP_DIR = tmpdir();
		process.env.BACKUP_KEEP = 'none';
		expect(await freshConfig()).toThrow(
			'Invalid configuration: BACKUP_KEEP must be a whole number of backups to keep, such as 14'
		);
	});

	it('stops the start when BACKUP_DIR is not a directory, before anything else happens', async () => {
		const missing = join(tmpdir(), 'imroc-no-such-backup-directory');
		process.env.BACKUP_DIR = missing;
		expect(await freshConfig()).toThrow(
			`Invalid configuration: BACKUP_DIR ${missing} is not a directory. Create it (writable by the server), or unset BACKUP_DIR.`
		);
	});

	it('carries the backup settings when they are good', async () => {
		process.env.BACKUP_DIR = tmpdir();
		process.env.BACKUP_EVERY_HOURS = '6';
		const config = await freshConfig();
		expect(config().backups).toEqual({ dir: tmpdir(), everyMs: 6 * HOUR, keep: 14 });
	});
});
