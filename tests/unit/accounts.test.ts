import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
	accountIdSchema,
	changePasswordSchema,
	resetPasswordSchema
} from '$lib/server/accounts/forms';
import { changePassword } from '$lib/server/accounts/own-password';
import { endOtherSessions, listActiveSessions } from '$lib/server/accounts/sessions';
import {
	issuePasswordReset,
	listAccounts,
	setAccountDisabled
} from '$lib/server/accounts/administering';
import { openPasswordReset, resetPassword } from '$lib/server/accounts/reset-links';
import { createSession, validateSessionToken } from '$lib/server/auth/session';
import { hashPassword, verifyPassword } from '$lib/server/auth/password';
import { auditEvents, passwordResets, sessions, users } from '$lib/server/db/schema';
import type { Db } from '$lib/server/db/client';
import { freshDb, insertUser } from './helpers/db';

const HOUR = 60 * 60 * 1000;
const limits = { idleMs: 8 * HOUR, maxMs: 7 * 24 * HOUR };
const start = new Date('2026-11-23T09:00:00Z');
const later = (ms: number) => new Date(start.getTime() + ms);

const OLD_PASSWORD = 'old password for testing';
const NEW_PASSWORD = 'a brand new password here';

let oldHash: string;
beforeAll(async () => {
	oldHash = await hashPassword(OLD_PASSWORD);
});

function auditOf(db: Db, action: string) {
	return db.select().from(auditEvents).where(eq(auditEvents.action, action)).all();
}

function allAudit(db: Db) {
	return db.select().from(auditEvents).all();
}

function passwordHashOf(db: Db, userId: string) {
	return db
		.select({ passwordHash: users.passwordHash })
		.from(users)
		.where(eq(users.id, userId))
		.get()!.passwordHash;
}

function sessionCount(db: Db, userId: string) {
	return db.select().from(sessions).where(eq(sessions.userId, userId)).all().length;
}

describe('changing one’s own password', () => {
	function setup() {
		const db = freshDb();
		const user = insertUser(db, { passwordHash: oldHash });
		const current = createSession(db, user.id, limits, start);
		const other = createSession(db, user.id, limits, start);
		const bystander = insertUser(db);
		const bystanderSession = createSession(db, bystander.id, limits, start);
		return { db, user, current, other, bystanderSession };
	}

	it('sets the new password and ends the person’s other sessions, keeping the current one', async () => {
		const { db, user, current, other, bystanderSession } = setup();
		const result = await changePassword(
			db,
			{
				userId: user.id,
				currentSessionId: current.session.id,
				currentPassword: OLD_PASSWORD,
				newPassword: NEW_PASSWORD
			},
			later(1000)
		);
		expect(result).toEqual({ ok: true, endedSessions: 1 });
		expect(await verifyPassword(passwordHashOf(db, user.id), NEW_PASSWORD)).toBe(true);
		expect(await verifyPassword(passwordHashOf(db, user.id), OLD_PASSWORD)).toBe(false);
		expect(validateSessionToken(db, current.token, limits, later(2000))).not.toBeNull();
		expect(validateSessionToken(db, other.token, limits, later(2000))).toBeNull();
		expect(validateSessionToken(db, bystanderSession.token, limits, later(2000))).not.toBeNull();

		const events = auditOf(db, 'account.password_changed');
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({
			userId: user.id,
			organisationId: null,
			entityType: 'user',
			entityId: user.id
		});
		expect(JSON.stringify(events[0])).not.toContain(passwordHashOf(db, user.id));
	});

	it('refuses a wrong current password and changes nothing', async () => {
		const { db, user, current, other } = setup();
		const result = await changePassword(
			db,
			{
				userId: user.id,
				currentSessionId: current.session.id,
				currentPassword: 'not my password at all',
				newPassword: NEW_PASSWORD
			},
			later(1000)
		);
		expect(result).toEqual({ ok: false, problem: 'wrong-password' });
		expect(passwordHashOf(db, user.id)).toBe(oldHash);
		expect(validateSessionToken(db, other.token, limits, later(2000))).not.toBeNull();
		expect(allAudit(db)).toHaveLength(0);
	});

	it('checks the form: length, confirmation and a current password', () => {
		const short = changePasswordSchema.safeParse({
			currentPassword: 'x',
			newPassword: 'too short',
			confirmPassword: 'too short'
		});
		expect(short.success).toBe(false);
		const mismatch = changePasswordSchema.safeParse({
			currentPassword: 'x',
			newPassword: NEW_PASSWORD,
			confirmPassword: NEW_PASSWORD + '!'
		});
		expect(mismatch.error?.issues[0].path).toEqual(['confirmPassword']);
		const missing = changePasswordSchema.safeParse({
			currentPassword: '',
			newPassword: NEW_PASSWORD,
			confirmPassword: NEW_PASSWORD
		});
		expect(missing.error?.issues[0].path).toEqual(['currentPassword']);
		expect(
			changePasswordSchema.safeParse({
				currentPassword: 'x',
				newPassword: NEW_PASSWORD,
				confirmPassword: NEW_PASSWORD
			}).success
		).toBe(true);
		expect(
			resetPasswordSchema.safeParse({
				newPassword: 'a'.repeat(11),
				confirmPassword: 'a'.repeat(11)
			}).success
		).toBe(false);
		expect(
			resetPasswordSchema.safeParse({
				newPassword: 'a'.repeat(12),
				confirmPassword: 'a'.repeat(12)
			}).success
		).toBe(true);
	});
});

describe('sessions', () => {
	it('lists active sessions with the current one marked, leaving out expired ones and ids', () => {
		const db = freshDb();
		const user = insertUser(db);
		createSession(db, user.id, limits, start);
		const current = createSession(db, user.id, limits, later(9 * HOUR));
		createSession(db, user.id, limits, later(10 * HOUR));
		const listed = listActiveSessions(db, user.id, current.session.id, limits, later(11 * HOUR));
		expect(listed).toHaveLength(2);
		expect(listed[0]).toEqual({
			createdAt: later(9 * HOUR),
			lastActiveAt: later(9 * HOUR),
			current: true
		});
		expect(listed[1].current).toBe(false);
		expect(Object.keys(listed[1])).not.toContain('id');
	});

	it('“sign out everywhere else” ends the other sessions only, and records it', () => {
		const db = freshDb();
		const user = insertUser(db);
		const current = createSession(db, user.id, limits, start);
		const others = [
			createSession(db, user.id, limits, start),
			createSession(db, user.id, limits, start)
		];
		expect(endOtherSessions(db, user.id, current.session.id, later(1000))).toBe(2);
		expect(validateSessionToken(db, current.token, limits, later(2000))).not.toBeNull();
		for (const other of others)
			expect(validateSessionToken(db, other.token, limits, later(2000))).toBeNull();
		expect(auditOf(db, 'account.sessions_ended')).toHaveLength(1);
	});
});

describe('disabling and enabling accounts', () => {
	it('disabling ends the account’s sessions at once, and enabling lets it sign in again', () => {
		const db = freshDb();
		const admin = insertUser(db, { isPlatformAdmin: true });
		const person = insertUser(db, { name: 'Martin Lloyd' });
		const session = createSession(db, person.id, limits, start);

		const disabled = setAccountDisabled(db, admin.id, person.id, true, later(1000));
		expect(disabled).toEqual({ ok: true, name: 'Martin Lloyd', changed: true });
		expect(sessionCount(db, person.id)).toBe(0);
		expect(validateSessionToken(db, session.token, limits, later(2000))).toBeNull();
		const fresh = createSession(db, person.id, limits, later(3000));
		expect(
			validateSessionToken(db, fresh.token, limits, later(4000)),
			'a disabled account has no sessions'
		).toBeNull();
		expect(
			listAccounts(db, limits, later(5000)).find((a) => a.id === person.id)?.disabledAt
		).toEqual(later(1000));

		expect(setAccountDisabled(db, admin.id, person.id, false, later(6000))).toEqual({
			ok: true,
			name: 'Martin Lloyd',
			changed: true
		});
		const again = createSession(db, person.id, limits, later(7000));
		expect(validateSessionToken(db, again.token, limits, later(8000))?.user.id).toBe(person.id);

		const events = allAudit(db);
		expect(events.map((e) => e.action)).toEqual(['account.disabled', 'account.enabled']);
		expect(events[0]).toMatchObject({
			userId: admin.id,
			entityType: 'user',
			entityId: person.id,
			organisationId: null
		});
		expect(events[0].after).toMatchObject({ endedSessions: 1 });
	});

	it('refuses to let administrators disable themselves, and unknown accounts, writing nothing', () => {
		const db = freshDb();
		const admin = insertUser(db, { isPlatformAdmin: true });
		const session = createSession(db, admin.id, limits, start);
		expect(setAccountDisabled(db, admin.id, admin.id, true, later(1000))).toEqual({
			ok: false,
			problem: 'self'
		});
		expect(setAccountDisabled(db, admin.id, 'nosuchaccount', true, later(1000))).toEqual({
			ok: false,
			problem: 'not-found'
		});
		expect(validateSessionToken(db, session.token, limits, later(2000))).not.toBeNull();
		expect(allAudit(db)).toHaveLength(0);
	});

	it('lists accounts with their counts of active sessions', () => {
		const db = freshDb();
		const admin = insertUser(db, { name: 'Alex Morgan', isPlatformAdmin: true });
		const person = insertUser(db, { name: 'Martin Lloyd' });
		createSession(db, person.id, limits, start);
		createSession(db, person.id, limits, later(9 * HOUR));
		createSession(db, admin.id, limits, later(9 * HOUR));
		const accounts = listAccounts(db, limits, later(10 * HOUR));
		expect(
			accounts.map((a) => [
				a.name,
				a.isPlatformAdmin,
				a.activeSessions,
				a.disabledAt,
				a.resetLinkExpiresAt
			])
		).toEqual([
			['Alex Morgan', true, 1, null, null],
			['Martin Lloyd', false, 1, null, null]
		]);
		expect(Object.keys(accounts[0])).not.toContain('passwordHash');
	});

	it('checks the hidden account field', () => {
		expect(accountIdSchema.safeParse({ accountId: 'abc123' }).success).toBe(true);
		expect(accountIdSchema.safeParse({ accountId: '' }).success).toBe(false);
		expect(accountIdSchema.safeParse({ accountId: '../x' }).success).toBe(false);
	});
});

describe('password reset links', () => {
	function setup() {
		const db = freshDb();
		const admin = insertUser(db, { isPlatformAdmin: true });
		const person = insertUser(db, { name: 'Martin Lloyd', passwordHash: oldHash });
		const session = createSession(db, person.id, limits, start);
		return { db, admin, person, session };
	}

	function issue(db: Db, adminId: string, personId: string, at: Date) {
		const issued = issuePasswordReset(db, adminId, personId, at);
		if (!issued.ok) throw new Error(issued.problem);
		return issued;
	}

	it('stores only a hash of the token, and the link lasts 24 hours', () => {
		const { db, admin, person } = setup();
		const issued = issue(db, admin.id, person.id, start);
		const row = db.select().from(passwordResets).get()!;
		expect(row.tokenHash).not.toContain(issued.token);
		expect(issued.expiresAt).toEqual(later(24 * HOUR));
		expect(
			listAccounts(db, limits, later(1000)).find((a) => a.id === person.id)?.resetLinkExpiresAt
		).toEqual(later(24 * HOUR));
		const event = auditOf(db, 'account.password_reset_issued');
		expect(event).toHaveLength(1);
		expect(event[0]).toMatchObject({
			userId: admin.id,
			entityId: person.id,
			entityType: 'user',
			organisationId: null
		});
		expect(JSON.stringify(event[0])).not.toContain(issued.token);
		expect(JSON.stringify(event[0])).not.toContain(row.tokenHash);
	});

	it('works once: sets the password, ends every session, and refuses a second use', async () => {
		const { db, admin, person, session } = setup();
		const { token } = issue(db, admin.id, person.id, start);
		expect(openPasswordReset(db, token, later(HOUR))).toMatchObject({
			ok: true,
			link: { userId: person.id }
		});

		expect(await resetPassword(db, token, NEW_PASSWORD, later(HOUR))).toEqual({
			ok: true,
			userId: person.id
		});
		expect(await verifyPassword(passwordHashOf(db, person.id), NEW_PASSWORD)).toBe(true);
		expect(validateSessionToken(db, session.token, limits, later(HOUR + 1000))).toBeNull();
		expect(sessionCount(db, person.id)).toBe(0);
		const used = auditOf(db, 'account.password_reset_used');
		expect(used).toHaveLength(1);
		expect(used[0]).toMatchObject({ userId: person.id, entityId: person.id, entityType: 'user' });
		expect(JSON.stringify(used[0])).not.toContain(token);

		const auditCount = allAudit(db).length;
		const hashAfterFirstUse = passwordHashOf(db, person.id);
		expect(openPasswordReset(db, token, later(2 * HOUR))).toEqual({ ok: false, problem: 'used' });
		expect(await resetPassword(db, token, 'yet another new password', later(2 * HOUR))).toEqual({
			ok: false,
			problem: 'used'
		});
		expect(passwordHashOf(db, person.id)).toBe(hashAfterFirstUse);
		expect(allAudit(db)).toHaveLength(auditCount);
	});

	it('refuses a link after 24 hours', async () => {
		const { db, admin, person, session } = setup();
		const { token } = issue(db, admin.id, person.id, start);
		expect(openPasswordReset(db, token, later(24 * HOUR - 1)).ok).toBe(true);
		expect(await resetPassword(db, token, NEW_PASSWORD, later(24 * HOUR))).toEqual({
			ok: false,
			problem: 'expired'
		});
		expect(passwordHashOf(db, person.id)).toBe(oldHash);
		expect(validateSessionToken(db, session.token, limits, later(60 * 1000))).not.toBeNull();
		expect(auditOf(db, 'account.password_reset_used')).toHaveLength(0);
	});

	it('refuses a link once a newer one has been issued, and the newer one works', async () => {
		const { db, admin, person } = setup();
		const first = issue(db, admin.id, person.id, start);
		const second = issue(db, admin.id, person.id, later(HOUR));
		expect(openPasswordReset(db, first.token, later(2 * HOUR))).toEqual({
			ok: false,
			problem: 'superseded'
		});
		expect(await resetPassword(db, first.token, NEW_PASSWORD, later(2 * HOUR))).toEqual({
			ok: false,
			problem: 'superseded'
		});
		expect(passwordHashOf(db, person.id)).toBe(oldHash);
		expect(auditOf(db, 'account.password_reset_used')).toHaveLength(0);
		expect((await resetPassword(db, second.token, NEW_PASSWORD, later(2 * HOUR))).ok).toBe(true);
	});

	it('refuses a link issued in the same instant as a newer one', () => {
		const { db, admin, person } = setup();
		const first = issue(db, admin.id, person.id, start);
		const second = issue(db, admin.id, person.id, start);
		expect(openPasswordReset(db, first.token, start)).toEqual({ ok: false, problem: 'superseded' });
		expect(openPasswordReset(db, second.token, start).ok).toBe(true);
	});

	it('refuses a tampered or made-up token', async () => {
		const { db, admin, person } = setup();
		const { token } = issue(db, admin.id, person.id, start);
		const tampered = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
		expect(await resetPassword(db, tampered, NEW_PASSWORD, later(HOUR))).toEqual({
			ok: false,
			problem: 'unknown'
		});
		expect(openPasswordReset(db, '', later(HOUR))).toEqual({ ok: false, problem: 'unknown' });
		expect(openPasswordReset(db, 'x'.repeat(500), later(HOUR))).toEqual({
			ok: false,
			problem: 'unknown'
		});
		expect(passwordHashOf(db, person.id)).toBe(oldHash);
		expect(auditOf(db, 'account.password_reset_used')).toHaveLength(0);
	});

	it('cannot be issued for, or used by, a disabled account', async () => {
		const { db, admin, person } = setup();
		const { token } = issue(db, admin.id, person.id, start);
		setAccountDisabled(db, admin.id, person.id, true, later(1000));
		expect(await resetPassword(db, token, NEW_PASSWORD, later(HOUR))).toEqual({
			ok: false,
			problem: 'disabled'
		});
		expect(passwordHashOf(db, person.id)).toBe(oldHash);
		const auditCount = allAudit(db).length;
		expect(issuePasswordReset(db, admin.id, person.id, later(HOUR))).toEqual({
			ok: false,
			problem: 'disabled'
		});
		expect(issuePasswordReset(db, admin.id, 'nosuchaccount', later(HOUR))).toEqual({
			ok: false,
			problem: 'not-found'
		});
		expect(allAudit(db)).toHaveLength(auditCount);
		expect(
			db.select().from(passwordResets).where(eq(passwordResets.userId, person.id)).all()
		).toHaveLength(1);
	});
});
