import { openDatabase, type Db } from '$lib/server/db/client';
import { loadBuiltInPacks } from '$lib/server/frameworks/loader';
import { users } from '$lib/server/db/schema';
import { newId } from '$lib/server/ids';
import type { Person } from '$lib/server/access/policy';

/** A fresh in-memory database with the migrations applied and the built-in packs loaded. */
export function freshDb(): Db {
	const db = openDatabase(':memory:');
	loadBuiltInPacks(db);
	return db;
}

/** Inserts a user without hashing a real password (tests that need one hash it themselves). */
export function insertUser(db: Db, overrides: Partial<typeof users.$inferInsert> = {}) {
	const row = {
		id: newId(),
		email: `${newId()}@test.example`,
		name: 'Test Person',
		passwordHash: 'not-a-hash',
		isPlatformAdmin: false,
		createdAt: new Date('2026-01-01T00:00:00Z'),
		...overrides
	};
	db.insert(users).values(row).run();
	return row;
}

export function platformAdmin(db: Db): Person {
	const user = insertUser(db, { isPlatformAdmin: true });
	return { id: user.id, isPlatformAdmin: true, memberships: [] };
}
