import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, replaceLogger } from '$lib/server/log';
import { backupFileName } from '$lib/server/backups/naming';
import { startBackupSchedule, type BackupSchedule } from '$lib/server/backups/schedule';

// The schedule with a fake clock: the backups themselves are files the fake `take` writes, so
// that only when they are taken, what they are called and which are removed is under test here.

const HOUR = 60 * 60 * 1000;
const START = new Date('2026-12-02T09:00:00Z');

let dir: string;
let schedule: BackupSchedule | undefined;
let lines: Record<string, unknown>[];
let taken: { source: string; destination: string; signal: AbortSignal }[];
let failNext: string | null;

function logger() {
	const stream = new Writable({
		write(chunk, _encoding, done) {
			for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
			done();
		}
	});
	return createLogger(stream);
}

async function take(source: string, destination: string, signal: AbortSignal) {
	taken.push({ source, destination, signal });
	if (failNext) {
		const reason = failNext;
		failNext = null;
		throw new Error(reason);
	}
	writeFileSync(destination, 'a backup');
	return { path: destination, bytes: 8, durationMs: 3 };
}

function start(settings: { everyMs: number; keep: number }) {
	schedule = startBackupSchedule({
		databasePath: '/srv/imroc/data/imroc.sqlite',
		dir,
		...settings,
		log: logger(),
		take
	});
	return schedule;
}

const files = () => readdirSync(dir).toSorted();
const backupAt = (iso: string) => backupFileName('imroc', new Date(iso));

beforeEach(() => {
	vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: START });
	dir = mkdtempSync(join(tmpdir(), 'imroc-backup-schedule-'));
	lines = [];
	taken = [];
	failNext = null;
});
afterEach(() => {
	schedule?.stop();
	schedule = undefined;
	vi.useRealTimers();
	rmSync(dir, { recursive: true, force: true });
});

describe('scheduled backups', () => {
	it('takes the first at once when there is none, then one an interval after the last', async () => {
		start({ everyMs: 6 * HOUR, keep: 10 });
		await vi.advanceTimersByTimeAsync(0);
		expect(files()).toEqual([backupAt('2026-12-02T09:00:00Z')]);
		expect(taken[0].source).toBe('/srv/imroc/data/imroc.sqlite');

		await vi.advanceTimersByTimeAsync(6 * HOUR - 1000);
		expect(taken).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(1000);
		expect(taken).toHaveLength(2);
		await vi.advanceTimersByTimeAsync(11 * HOUR);
		expect(files()).toEqual([
			backupAt('2026-12-02T09:00:00Z'),
			backupAt('2026-12-02T15:00:00Z'),
			backupAt('2026-12-02T21:00:00Z')
		]);
	});

	it('counts the interval from the newest backup already there, so restarts do not delay it', async () => {
		writeFileSync(join(dir, backupAt('2026-12-02T08:00:00Z')), 'earlier');
		start({ everyMs: 6 * HOUR, keep: 10 });
		await vi.advanceTimersByTimeAsync(5 * HOUR - 1000);
		expect(taken).toHaveLength(0);
		await vi.advanceTimersByTimeAsync(1000);
		expect(taken.map((t) => t.destination)).toEqual([join(dir, backupAt('2026-12-02T14:00:00Z'))]);
	});

	it('waits out an interval longer than one timer can hold', async () => {
		writeFileSync(join(dir, backupAt('2026-12-02T09:00:00Z')), 'today');
		start({ everyMs: 60 * 24 * HOUR, keep: 10 });
		await vi.advanceTimersByTimeAsync(30 * 24 * HOUR);
		expect(taken).toHaveLength(0);
		await vi.advanceTimersByTimeAsync(30 * 24 * HOUR);
		expect(taken.map((t) => t.destination)).toEqual([join(dir, backupAt('2027-01-31T09:00:00Z'))]);
	});

	it('keeps the newest BACKUP_KEEP of its own backups and removes no other file', async () => {
		const others = [
			'imroc.sqlite',
			'notes.txt',
			backupFileName('other', new Date('2020-01-01T00:00:00Z')),
			'imroc-backup-by-hand.sqlite'
		];
		for (const name of others) writeFileSync(join(dir, name), 'not ours');
		start({ everyMs: HOUR, keep: 2 });
		await vi.advanceTimersByTimeAsync(3 * HOUR);
		expect(files()).toEqual(
			[...others, backupAt('2026-12-02T11:00:00Z'), backupAt('2026-12-02T12:00:00Z')].toSorted()
		);
		expect(lines.filter((line) => line.msg === 'old backup removed').map((l) => l.path)).toEqual([
			join(dir, backupAt('2026-12-02T09:00:00Z')),
			join(dir, backupAt('2026-12-02T10:00:00Z'))
		]);
	});

	it('logs one line for each backup: where, how big, how long', async () => {
		start({ everyMs: HOUR, keep: 5 });
		await vi.advanceTimersByTimeAsync(0);
		expect(lines.filter((line) => line.msg === 'backup taken')).toEqual([
			expect.objectContaining({
				level: 'info',
				path: join(dir, backupAt('2026-12-02T09:00:00Z')),
				bytes: 8,
				durationMs: 3
			})
		]);
	});

	it('logs a failed backup as an error, and tries again an interval later', async () => {
		failNext = 'disk full';
		start({ everyMs: HOUR, keep: 5 });
		await vi.advanceTimersByTimeAsync(0);
		expect(files()).toEqual([]);
		expect(lines.filter((line) => line.level === 'error')).toEqual([
			expect.objectContaining({
				msg: 'backup failed',
				path: join(dir, backupAt('2026-12-02T09:00:00Z')),
				reason: 'disk full'
			})
		]);
		await vi.advanceTimersByTimeAsync(HOUR);
		expect(files()).toEqual([backupAt('2026-12-02T10:00:00Z')]);
	});

	it('removes what an interrupted backup of its own left unfinished, and nothing else', () => {
		const unfinished = `${backupAt('2026-12-01T09:00:00Z')}.incomplete`;
		const someoneElses = `${backupFileName('other', START)}.incomplete`;
		writeFileSync(join(dir, unfinished), 'half');
		writeFileSync(join(dir, someoneElses), 'half');
		writeFileSync(join(dir, backupAt('2026-12-02T08:30:00Z')), 'recent');
		start({ everyMs: HOUR, keep: 5 });
		expect(files()).toEqual([backupAt('2026-12-02T08:30:00Z'), someoneElses].toSorted());
	});

	it('stops: no more backups, and one under way is told to stop', async () => {
		start({ everyMs: HOUR, keep: 5 });
		await vi.advanceTimersByTimeAsync(0);
		expect(taken).toHaveLength(1);
		expect(taken[0].signal.aborted).toBe(false);
		schedule!.stop();
		expect(taken[0].signal.aborted).toBe(true);
		expect(vi.getTimerCount()).toBe(0);
		await vi.advanceTimersByTimeAsync(5 * HOUR);
		expect(taken).toHaveLength(1);
	});

	it('refuses a BACKUP_DIR that is not a directory, in a plain sentence', () => {
		const missing = join(dir, 'not-there');
		expect(() => start({ everyMs: HOUR, keep: 5 })).not.toThrow();
		schedule!.stop();
		expect(() =>
			startBackupSchedule({
				databasePath: 'data/imroc.sqlite',
				dir: missing,
				everyMs: HOUR,
				keep: 5,
				log: logger(),
				take
			})
		).toThrow(`Invalid configuration: BACKUP_DIR ${missing} is not a directory.`);
	});
});

describe('the timer', () => {
	it('never keeps the process alive', () => {
		vi.useRealTimers();
		writeFileSync(join(dir, backupFileName('imroc', new Date())), 'recent');
		const timeouts = () =>
			process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
		const before = timeouts();
		const withRef = setTimeout(() => {}, HOUR);
		expect(timeouts(), 'a timer that is not unref’d counts').toBe(before + 1);
		clearTimeout(withRef);
		start({ everyMs: HOUR, keep: 5 });
		expect(timeouts()).toBe(before);
	});
});

describe('the server’s schedule', () => {
	it('starts from the settings and stops on the server’s shutdown event', async () => {
		writeFileSync(join(dir, backupFileName('test', START)), 'recent');
		process.env.DATABASE_PATH = join(dir, 'test.sqlite');
		process.env.BACKUP_DIR = dir;
		process.env.BACKUP_EVERY_HOURS = '1';
		const previous = replaceLogger(logger());
		try {
			const { startScheduledBackups } = await import('$lib/server/backups');
			startScheduledBackups();
			expect(vi.getTimerCount()).toBe(1);
			expect(lines).toContainEqual(
				expect.objectContaining({ msg: 'backups scheduled', dir, everyHours: 1, keep: 14 })
			);
			// @ts-expect-error adapter-node's custom event, which Node's types do not know
			process.emit('sveltekit:shutdown', 'SIGTERM');
			expect(vi.getTimerCount()).toBe(0);
		} finally {
			replaceLogger(previous);
			delete process.env.DATABASE_PATH;
			delete process.env.BACKUP_DIR;
			delete process.env.BACKUP_EVERY_HOURS;
		}
	});
});
