import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { count } from 'drizzle-orm';
import type { Db } from '../db/client';
import { users } from '../db/schema';
import { recordSecurityEvent } from '../audit/security';

// The first administrator is created through a one-time link printed to the server log, so
// there is never a default password. The token lives only in this process's memory.

let setupToken: string | null = null;

function hasUsers(db: Db): boolean {
	return (db.select({ n: count() }).from(users).get()?.n ?? 0) > 0;
}

/** Makes a new setup token when the database has no users; returns it, or null when not needed. */
export function prepareFirstRunSetup(db: Db): string | null {
	if (hasUsers(db)) {
		setupToken = null;
		return null;
	}
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	setupToken = encodeBase32LowerCaseNoPadding(bytes);
	return setupToken;
}

export function isValidSetupToken(db: Db, candidate: string): boolean {
	if (!setupToken || hasUsers(db)) return false;
	const a = new TextEncoder().encode(candidate);
	const b = new TextEncoder().encode(setupToken);
	return a.length === b.length && constantTimeEqual(a, b);
}

function consumeSetupToken(): void {
	setupToken = null;
}

/**
 * Creates the first platform administrator. The "no users yet" check and the insert share one
 * transaction, so two people racing through the link cannot both become administrators.
 */
export function createFirstAdministrator(
	db: Db,
	row: typeof users.$inferInsert
): { created: true } | { created: false } {
	const created = db.transaction((tx) => {
		if ((tx.select({ n: count() }).from(users).get()?.n ?? 0) > 0) return false;
		tx.insert(users)
			.values({
				id: row.id,
				name: row.name,
				email: row.email,
				passwordHash: row.passwordHash,
				createdAt: row.createdAt,
				isPlatformAdmin: true
			})
			.run();
		recordSecurityEvent(tx, {
			action: 'setup.completed',
			actorId: row.id!,
			entityType: 'user',
			entityId: row.id!
		});
		return true;
	});
	if (created) consumeSetupToken();
	return { created };
}
