import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '$lib/server/db/client';
import { loadBuiltInPacks } from '$lib/server/frameworks/loader';
import { seedLarge } from '$lib/server/demo/large';

/** SQLite's numbering of the synchronous setting: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
const FULL = 2;

const settings = (db: Db) => ({
	journalMode: db.$client.pragma('journal_mode', { simple: true }),
	synchronous: db.$client.pragma('synchronous', { simple: true })
});

describe('the database keeps every acknowledged write through a power cut', () => {
	let dir: string;
	let db: Db | undefined;
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'imroc-durability-'));
	});
	afterEach(() => {
		db?.$client.close();
		db = undefined;
		rmSync(dir, { recursive: true, force: true });
	});

	it('opens a file in WAL mode with synchronous = FULL', () => {
		db = openDatabase(join(dir, 'app.sqlite'));
		expect(settings(db)).toEqual({ journalMode: 'wal', synchronous: FULL });
	});

	it('is back to WAL and FULL after the large seed relaxes both for its bulk load', () => {
		db = openDatabase(join(dir, 'large.sqlite'));
		loadBuiltInPacks(db);
		seedLarge(db, { organisations: 1, servicesPerOrganisation: 2, rounds: 2, seed: 3 });
		expect(settings(db)).toEqual({ journalMode: 'wal', synchronous: FULL });
	});
});
