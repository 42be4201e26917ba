// Dashboard figures (and whole dashboard pages, see ../http/kept-pages.ts) kept between requests.
// They are counted from stored data, so they stay right until the database changes: each kept
// value carries the database's change count from before it was worked out, and is used again only
// while the count is the same. SQLite counts every row this connection inserts, updates or deletes
// (total_changes()) and every commit of any other connection (data_version), so no change — an
// assessment completed or reopened, past audits imported, a service renamed, a script's write —
// can leave a dashboard out of date, and no list of them has to be kept up to date by hand.
// A change anywhere forgets everything, which is right for one trust's server, where reading
// dashboards is far more common than changing what they count.

import type Database from 'better-sqlite3';
import type { Person } from '../access/policy';
import type { Db } from '../db/client';

/** Enough for many people's dashboards; each is at most a few hundred kilobytes. */
const MAX_KEPT = 100;

interface Kept {
	stamp: string;
	value: unknown;
	/** When it was kept (Date.now()). */
	at: number;
}

interface Store {
	kept: Map<string, Kept>;
	changes: Database.Statement<[], { changes: number; version: number }>;
}

const stores = new WeakMap<Database.Database, Store>();

function storeOf(db: Db): Store {
	let store = stores.get(db.$client);
	if (!store) {
		store = {
			kept: new Map(),
			changes: db.$client.prepare(
				'select total_changes() as changes, (select data_version from pragma_data_version) as version'
			)
		};
		stores.set(db.$client, store);
	}
	return store;
}

/** Where the database's changes stand: what is kept is good while this is the same. */
export function changeStamp(db: Db): string {
	const { changes, version } = storeOf(db).changes.get()!;
	return `${changes}:${version}`;
}

/** What is kept for `key`, unless the database changed since (or it is older than maxAgeMs). */
export function findKept<T>(db: Db, key: string, maxAgeMs = Infinity): T | undefined {
	const { kept } = storeOf(db);
	const found = kept.get(key);
	if (!found) return undefined;
	kept.delete(key);
	if (found.stamp !== changeStamp(db) || Date.now() - found.at > maxAgeMs) return undefined;
	kept.set(key, found); // the most recently used is kept longest
	return found.value as T;
}

/**
 * Keeps `value` for `key`. `stamp` is changeStamp from before the value was worked out, so a
 * change made meanwhile leaves it already out of date.
 */
export function keep(db: Db, key: string, value: unknown, stamp: string): void {
	const { kept } = storeOf(db);
	kept.delete(key);
	kept.set(key, { stamp, value, at: Date.now() });
	if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value!);
}

/**
 * The figures kept for `key`, or else `work()`'s, kept for next time. `key` must hold everything
 * the figures depend on other than stored data: what they are, the person looking, the filters.
 */
export function keptFigures<T>(db: Db, key: string, work: () => T): T {
	const found = findKept<T>(db, key);
	if (found !== undefined) return found;
	const stamp = changeStamp(db);
	const value = work();
	keep(db, key, value, stamp);
	return value;
}

/** Forgets everything kept (the benchmark times the work a change leaves to the next request). */
export function forgetKept(db: Db): void {
	storeOf(db).kept.clear();
}

/** What of a person the figures they see depend on: who they are and every role they hold. */
export function personKey(person: Person): unknown[] {
	return [person.id, person.isPlatformAdmin, person.memberships];
}
