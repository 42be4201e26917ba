import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '$lib/server/db/client';
import { findKept, keep, keptFigures, changeStamp } from '$lib/server/dashboards/kept-figures';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fileDatabase(): { db: Db; path: string } {
	const dir = mkdtempSync(join(tmpdir(), 'imroc-kept-'));
	dirs.push(dir);
	const path = join(dir, 'kept.sqlite');
	return { db: openDatabase(path), path };
}

const addOrganisation = (sqlite: Database.Database, id: string) =>
	sqlite
		.prepare(
			"insert into organisation (id, name, ods_code, grouping_label, created_at) values (?, ?, '', 'Directorate', 0)"
		)
		.run(id, `Trust ${id}`);

describe('kept figures', () => {
	it('are used again while nothing is written, and worked out again after any write', () => {
		const { db } = fileDatabase();
		expect(keptFigures(db, 'k', () => 1)).toBe(1);
		expect(keptFigures(db, 'k', () => 2)).toBe(1);
		addOrganisation(db.$client, 'a');
		expect(keptFigures(db, 'k', () => 3)).toBe(3);
	});

	it('are worked out again after another connection (a script) commits to the same file', () => {
		const { db, path } = fileDatabase();
		expect(keptFigures(db, 'k', () => 'before')).toBe('before');
		const other = new Database(path);
		addOrganisation(other, 'b');
		other.close();
		expect(keptFigures(db, 'k', () => 'after')).toBe('after');
	});

	it('kept with the stamp from before the work, are out of date if the work saw a change', () => {
		const { db } = fileDatabase();
		const stamp = changeStamp(db);
		addOrganisation(db.$client, 'c'); // a change while the figures were being worked out
		keep(db, 'k', 'stale', stamp);
		expect(findKept(db, 'k')).toBeUndefined();
	});

	it('are not used after the age given', () => {
		const { db } = fileDatabase();
		keep(db, 'k', 'old', changeStamp(db));
		expect(findKept(db, 'k', 60_000)).toBe('old');
		expect(findKept(db, 'k', -1)).toBeUndefined();
	});
});
