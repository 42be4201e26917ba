import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { sessions, users } from '../db/schema';

// Sessions as Lucia's guide teaches: the token is "<id>.<secret>"; only a SHA-256 hash of the
// secret is stored, so a leaked database cannot be used to sign in.

/** How often a session's last-seen time is written back; fewer writes, same idle rule. */
const ACTIVITY_WRITE_INTERVAL_MS = 60 * 1000;

export interface SessionLimits {
	idleMs: number;
	maxMs: number;
}

export interface SessionUser {
	id: string;
	email: string;
	name: string;
	isPlatformAdmin: boolean;
}

export interface ValidSession {
	id: string;
	userId: string;
	createdAt: Date;
	lastVerifiedAt: Date;
	expiresAt: Date;
}

function randomSecret(): string {
	const bytes = new Uint8Array(18);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

function hashSecret(secret: string): Uint8Array {
	return sha256(new TextEncoder().encode(secret));
}

function sessionExpiry(
	session: { createdAt: Date; lastVerifiedAt: Date },
	limits: SessionLimits
): Date {
	return new Date(
		Math.min(
			session.lastVerifiedAt.getTime() + limits.idleMs,
			session.createdAt.getTime() + limits.maxMs
		)
	);
}

export function createSession(
	db: Db,
	userId: string,
	limits: SessionLimits,
	now = new Date()
): { token: string; session: ValidSession } {
	const id = randomSecret();
	const secret = randomSecret();
	db.insert(sessions)
		.values({
			id,
			userId,
			secretHash: Buffer.from(hashSecret(secret)),
			createdAt: now,
			lastVerifiedAt: now
		})
		.run();
	const session = { id, userId, createdAt: now, lastVerifiedAt: now };
	return {
		token: `${id}.${secret}`,
		session: { ...session, expiresAt: sessionExpiry(session, limits) }
	};
}

/**
 * Returns the session and its user, or null for a malformed, unknown, tampered, expired or
 * disabled one. Expired sessions are deleted as they are found; active ones are renewed.
 */
export function validateSessionToken(
	db: Db,
	token: string,
	limits: SessionLimits,
	now = new Date()
): { session: ValidSession; user: SessionUser } | null {
	const parts = token.split('.');
	if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
	const [id, secret] = parts;

	const row = db
		.select({
			id: sessions.id,
			userId: sessions.userId,
			secretHash: sessions.secretHash,
			createdAt: sessions.createdAt,
			lastVerifiedAt: sessions.lastVerifiedAt,
			email: users.email,
			name: users.name,
			isPlatformAdmin: users.isPlatformAdmin,
			disabledAt: users.disabledAt
		})
		.from(sessions)
		.innerJoin(users, eq(users.id, sessions.userId))
		.where(eq(sessions.id, id))
		.get();
	if (!row) return null;
	if (!constantTimeEqual(hashSecret(secret), new Uint8Array(row.secretHash))) return null;

	if (row.disabledAt || sessionExpiry(row, limits).getTime() <= now.getTime()) {
		invalidateSession(db, row.id);
		return null;
	}

	let lastVerifiedAt = row.lastVerifiedAt;
	if (now.getTime() - lastVerifiedAt.getTime() >= ACTIVITY_WRITE_INTERVAL_MS) {
		lastVerifiedAt = now;
		db.update(sessions).set({ lastVerifiedAt }).where(eq(sessions.id, row.id)).run();
	}
	const session = { id: row.id, userId: row.userId, createdAt: row.createdAt, lastVerifiedAt };
	return {
		session: { ...session, expiresAt: sessionExpiry(session, limits) },
		user: { id: row.userId, email: row.email, name: row.name, isPlatformAdmin: row.isPlatformAdmin }
	};
}

export function invalidateSession(db: Db, sessionId: string): void {
	db.delete(sessions).where(eq(sessions.id, sessionId)).run();
}
