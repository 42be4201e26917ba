import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { openDatabase } from '$lib/server/db/client';
import { auditEvents } from '$lib/server/db/schema';
import { recordAuditEvent } from '$lib/server/audit/record';
import { loadBuiltInPacks } from '$lib/server/frameworks/loader';
import { seedDemo } from '$lib/server/demo/seed';
import { freshDb, insertUser } from './helpers/db';

// The trail is append-only in the database itself (migration 0009), not only by convention.
describe('the audit table', () => {
	function withOneEvent() {
		const db = freshDb();
		const user = insertUser(db);
		recordAuditEvent(db, {
			userId: user.id,
			organisationId: null,
			action: 'user.password_changed',
			entityType: 'user',
			entityId: user.id
		});
		const before = db.select().from(auditEvents).all();
		return { db, user, before };
	}

	it('refuses an UPDATE, through drizzle or plain SQL, and the event is unchanged', () => {
		const { db, before } = withOneEvent();
		expect(() => db.update(auditEvents).set({ action: 'something.else' }).run()).toThrow(
			/audit events cannot be changed/
		);
		expect(() => db.$client.exec(`UPDATE audit_event SET user_id = NULL`)).toThrow(
			/audit events cannot be changed/
		);
		expect(db.select().from(auditEvents).all()).toEqual(before);
	});

	it('refuses a DELETE, and the event is still there', () => {
		const { db, before } = withOneEvent();
		expect(() => db.delete(auditEvents).where(eq(auditEvents.id, before[0].id)).run()).toThrow(
			/audit events cannot be deleted/
		);
		expect(() => db.$client.exec('DELETE FROM audit_event')).toThrow(
			/audit events cannot be deleted/
		);
		expect(db.select().from(auditEvents).all()).toEqual(before);
	});

	it('refuses to lose its events through a person being deleted (ON DELETE SET NULL is an update)', () => {
		const { db, user, before } = withOneEvent();
		expect(() => db.$client.prepare('DELETE FROM user WHERE id = ?').run(user.id)).toThrow(
			/audit events cannot be changed/
		);
		expect(db.select().from(auditEvents).all()).toEqual(before);
	});

	it('still takes new events, and a populated database reopens with its trail whole', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'imroc-append-only-'));
		try {
			const path = join(dir, 'db.sqlite');
			const first = openDatabase(path);
			loadBuiltInPacks(first);
			await seedDemo(first, new Date('2026-11-23T09:00:00Z'));
			const count = () =>
				(first.$client.prepare('SELECT count(*) AS n FROM audit_event').get() as { n: number }).n;
			const seeded = count();
			expect(seeded).toBeGreaterThan(0);
			first.$client.close();

			const again = openDatabase(path);
			const n = (
				again.$client.prepare('SELECT count(*) AS n FROM audit_event').get() as {
					n: number;
				}
			).n;
			expect(n).toBe(seeded);
			expect(() => again.$client.exec('DELETE FROM audit_event')).toThrow(/cannot be deleted/);
			again.$client.close();
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
