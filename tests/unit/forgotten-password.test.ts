import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { emailResetLink, issueResetLinkForEmail } from '$lib/server/accounts/forgotten-password';
import { setAccountDisabled } from '$lib/server/accounts/administering';
import { resetPassword } from '$lib/server/accounts/reset-links';
import { verifyPassword } from '$lib/server/auth/password';
import { auditEvents, passwordResets, users } from '$lib/server/db/schema';
import type { Db } from '$lib/server/db/client';
import { freshDb, insertUser } from './helpers/db';
import { startSmtpCatcher, type SmtpCatcher } from '../smtp-catcher';

const ORIGIN = 'https://imroc.example.nhs.uk';
const NEW_PASSWORD = 'a brand new password here';
const start = new Date('2026-11-23T09:00:00Z');

function setup() {
	const db = freshDb();
	const admin = insertUser(db, { isPlatformAdmin: true });
	const person = insertUser(db, { name: 'Martin Lloyd', email: 'martin.lloyd@trust.example' });
	return { db, admin, person };
}

const resetRows = (db: Db) => db.select().from(passwordResets).all();
const auditRows = (db: Db) => db.select().from(auditEvents).all();

function tokenIn(text: string): string {
	const token = text.match(new RegExp(`${ORIGIN}/reset-password/([a-z0-9]+)`))?.[1];
	if (!token) throw new Error(`no reset link in:\n${text}`);
	return token;
}

async function passwordIs(db: Db, userId: string, password: string) {
	const row = db.select().from(users).where(eq(users.id, userId)).get()!;
	return verifyPassword(row.passwordHash, password);
}

describe('a reset link made on the server, for an email address', () => {
	it('is the same kind of link, recorded as made on the server by no one signed in', async () => {
		const { db, person } = setup();
		const issued = issueResetLinkForEmail(db, ' Martin.Lloyd@Trust.example ', 'command', start);
		if (!issued.ok) throw new Error(issued.problem);
		expect(issued).toMatchObject({ name: 'Martin Lloyd', email: 'martin.lloyd@trust.example' });

		const [event] = auditRows(db);
		expect(event).toMatchObject({
			action: 'account.password_reset_issued_on_server',
			userId: null,
			entityType: 'user',
			entityId: person.id,
			organisationId: null
		});
		expect(JSON.stringify(event)).not.toContain(issued.token);
		expect(resetRows(db)[0]).toMatchObject({ userId: person.id, issuedBy: null });

		expect(await resetPassword(db, issued.token, NEW_PASSWORD, start)).toEqual({
			ok: true,
			userId: person.id
		});
		expect(await passwordIs(db, person.id, NEW_PASSWORD)).toBe(true);
	});

	it('is refused for an unknown address and a disabled account, writing nothing', () => {
		const { db, admin, person } = setup();
		setAccountDisabled(db, admin.id, person.id, true, start);
		const before = auditRows(db).length;

		expect(issueResetLinkForEmail(db, 'nobody@trust.example', 'command', start)).toEqual({
			ok: false,
			problem: 'unknown'
		});
		expect(issueResetLinkForEmail(db, person.email, 'command', start)).toEqual({
			ok: false,
			problem: 'disabled'
		});
		expect(resetRows(db)).toHaveLength(0);
		expect(auditRows(db)).toHaveLength(before);
	});
});

describe('a reset link emailed to whoever asks on the sign-in page', () => {
	let catcher: SmtpCatcher;
	beforeEach(async () => {
		catcher = await startSmtpCatcher();
		process.env.SMTP_URL = catcher.url;
		process.env.MAIL_FROM = 'ImROC test <imroc@trust.example>';
	});
	afterEach(async () => {
		delete process.env.SMTP_URL;
		delete process.env.MAIL_FROM;
		await catcher.stop();
	});

	it('reaches the account’s address with a link that sets a new password', async () => {
		const { db, person } = setup();
		expect(await emailResetLink(db, 'MARTIN.LLOYD@trust.example', ORIGIN, start)).toBe('sent');

		expect(catcher.emails).toHaveLength(1);
		const [email] = catcher.emails;
		expect(email.to).toEqual(['martin.lloyd@trust.example']);
		expect(email.from).toBe('imroc@trust.example');
		expect(email.headers.subject).toBe('Set a new password for the ImROC self-assessment');
		expect(email.text).toContain('Hello Martin Lloyd,');
		expect(email.text).toContain('until 24 November 2026 at 09:00');

		expect(auditRows(db)).toMatchObject([
			{ action: 'account.password_reset_emailed', userId: null, entityId: person.id }
		]);
		const token = tokenIn(email.text);
		expect((await resetPassword(db, token, NEW_PASSWORD, start)).ok).toBe(true);
		expect(await passwordIs(db, person.id, NEW_PASSWORD)).toBe(true);
	});

	it('sends nothing, and writes nothing, for an unknown address or a disabled account', async () => {
		const { db, admin, person } = setup();
		setAccountDisabled(db, admin.id, person.id, true, start);
		const before = auditRows(db).length;

		expect(await emailResetLink(db, 'nobody@trust.example', ORIGIN, start)).toBe('no-account');
		expect(await emailResetLink(db, person.email, ORIGIN, start)).toBe('no-account');
		expect(catcher.emails).toHaveLength(0);
		expect(resetRows(db)).toHaveLength(0);
		expect(auditRows(db)).toHaveLength(before);
	});

	it('makes no link at all when the server sends no email', async () => {
		delete process.env.SMTP_URL;
		const { db } = setup();
		expect(await emailResetLink(db, 'martin.lloyd@trust.example', ORIGIN, start)).toBe(
			'not-configured'
		);
		expect(resetRows(db)).toHaveLength(0);
	});
});
