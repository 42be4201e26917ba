import { describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createSession, invalidateSession, validateSessionToken } from '$lib/server/auth/session';
import { sessions, users } from '$lib/server/db/schema';
import { freshDb, insertUser } from './helpers/db';

const HOUR = 60 * 60 * 1000;
const limits = { idleMs: 8 * HOUR, maxMs: 7 * 24 * HOUR };
const start = new Date('2026-11-23T09:00:00Z');
const later = (ms: number) => new Date(start.getTime() + ms);

function setup() {
	const db = freshDb();
	const user = insertUser(db);
	const { token, session } = createSession(db, user.id, limits, start);
	return { db, user, token, session };
}

describe('sessions', () => {
	it('issues an id.secret token and stores only a hash of the secret', () => {
		const { db, token, session } = setup();
		const [id, secret] = token.split('.');
		expect(id).toBe(session.id);
		expect(secret.length).toBeGreaterThanOrEqual(24);
		const row = db.select().from(sessions).where(eq(sessions.id, id)).get();
		expect(row).toBeDefined();
		expect(Buffer.from(row!.secretHash).toString('utf8')).not.toContain(secret);
		expect(row!.secretHash.length).toBe(32);
	});

	it('accepts the token it issued and returns the user', () => {
		const { db, user, token } = setup();
		const result = validateSessionToken(db, token, limits, later(1000));
		expect(result?.user.id).toBe(user.id);
	});

	it('refuses tampered, malformed and unknown tokens', () => {
		const { db, token } = setup();
		const [id, secret] = token.split('.');
		const flipped = secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a');
		for (const bad of [
			`${id}.${flipped}`,
			id,
			`${id}.`,
			`.${secret}`,
			`${id}.${secret}.x`,
			`nosuchid.${secret}`,
			''
		]) {
			expect(validateSessionToken(db, bad, limits, later(1000)), bad).toBeNull();
		}
	});

	it('ends a session after the idle limit and deletes it', () => {
		const { db, token, session } = setup();
		expect(validateSessionToken(db, token, limits, later(8 * HOUR - 1))).not.toBeNull();
		// the check above renewed the session, so idle time counts from then
		expect(validateSessionToken(db, token, limits, later(16 * HOUR - 2))).not.toBeNull();
		expect(validateSessionToken(db, token, limits, later(24 * HOUR))).toBeNull();
		expect(db.select().from(sessions).where(eq(sessions.id, session.id)).get()).toBeUndefined();
	});

	it('renews an active session but never beyond the absolute limit', () => {
		const { db, token } = setup();
		let t = 0;
		while (t < 7 * 24 * HOUR - 4 * HOUR) {
			t += 4 * HOUR;
			expect(
				validateSessionToken(db, token, limits, later(t)),
				`after ${t / HOUR} h`
			).not.toBeNull();
		}
		expect(validateSessionToken(db, token, limits, later(7 * 24 * HOUR))).toBeNull();
	});

	it('reports an expiry that moves forward with activity', () => {
		const { db, token, session } = setup();
		const renewed = validateSessionToken(db, token, limits, later(2 * HOUR));
		expect(session.expiresAt.getTime()).toBe(start.getTime() + 8 * HOUR);
		expect(renewed?.session.expiresAt.getTime()).toBe(start.getTime() + 10 * HOUR);
	});

	it('refuses the session of a disabled account', () => {
		const { db, user, token } = setup();
		db.update(users)
			.set({ disabledAt: later(10) })
			.where(eq(users.id, user.id))
			.run();
		expect(validateSessionToken(db, token, limits, later(1000))).toBeNull();
	});

	it('ends the session on the server when signing out', () => {
		const { db, token, session } = setup();
		invalidateSession(db, session.id);
		expect(validateSessionToken(db, token, limits, later(1000))).toBeNull();
		expect(db.select({ n: count() }).from(sessions).get()?.n).toBe(0);
	});
});
