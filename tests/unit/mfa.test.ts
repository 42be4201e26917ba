import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
	checkSignInCode,
	confirmEnrolment,
	enrolmentFor,
	mfaRequiredFor,
	mfaState,
	secretFromText,
	totpCodeAt,
	totpStep,
	turnOffMfa
} from '$lib/server/auth/mfa';
import { open, seal } from '$lib/server/auth/secret-box';
import { cookieSettings } from '$lib/server/auth/cookies';
import {
	auditEvents,
	memberships,
	organisations,
	recoveryCodes,
	totpCredentials
} from '$lib/server/db/schema';
import { newId } from '$lib/server/ids';
import { freshDb, insertUser } from './helpers/db';

const KEY = Buffer.alloc(32, 3);
const T0 = new Date('2026-11-23T09:00:10Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function enrolled() {
	const db = freshDb();
	const user = insertUser(db);
	const enrolment = enrolmentFor(db, KEY, user, T0)!;
	const secret = secretFromText(enrolment.secretText);
	const confirmed = confirmEnrolment(db, KEY, user.id, totpCodeAt(secret, totpStep(T0)), T0);
	if (!confirmed.ok) throw new Error('not confirmed');
	return { db, user, secret, enrolment, recoveryCodes: confirmed.recoveryCodes };
}

describe('setting up two-step sign-in', () => {
	it('offers a secret as text and as an otpauth QR code, and keeps it until confirmed', () => {
		const db = freshDb();
		const user = insertUser(db);
		const first = enrolmentFor(db, KEY, user, T0)!;
		expect(first.uri).toMatch(/^otpauth:\/\/totp\/ImROC%20self-assessment:.*secret=[A-Z2-7]+/);
		expect(first.qrSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
		expect(first.secretText.replace(/ /g, '')).toMatch(/^[A-Z2-7]{32}$/);
		expect(enrolmentFor(db, KEY, user, at(60))!.secretText).toBe(first.secretText);
		expect(mfaState(db, user.id).enabled).toBe(false);
	});

	it('stores the secret encrypted, so the database alone does not give it away', () => {
		const db = freshDb();
		const user = insertUser(db);
		const { secretText } = enrolmentFor(db, KEY, user, T0)!;
		const secret = Buffer.from(secretFromText(secretText));
		const row = db.select().from(totpCredentials).where(eq(totpCredentials.userId, user.id)).get()!;
		expect(row.encryptedSecret.includes(secret)).toBe(false);
		expect(Buffer.from(open(row.encryptedSecret, KEY)!).equals(secret)).toBe(true);
		expect(open(row.encryptedSecret, Buffer.alloc(32, 4))).toBeNull();
		expect(open(seal(secret, KEY).fill(0, 20, 21), KEY)).toBeNull();
	});

	it('turns on with a first code from the app and gives ten recovery codes, stored hashed', () => {
		const { db, user, recoveryCodes: codes } = enrolled();
		expect(mfaState(db, user.id)).toEqual({ enabled: true, recoveryCodesLeft: 10 });
		expect(new Set(codes).size).toBe(10);
		// 24 base32 characters: 120 random bits, enough for a plain SHA-256 at rest (ASVS V6.5.2).
		for (const code of codes) expect(code).toMatch(/^[a-z2-7]{6}(-[a-z2-7]{6}){3}$/);
		const stored = db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id)).all();
		for (const code of codes) expect(stored.some((r) => r.codeHash.includes(code))).toBe(false);
		const events = db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'account.mfa_enabled'))
			.all();
		expect(events).toHaveLength(1);
	});

	it('refuses a wrong first code and stays off', () => {
		const db = freshDb();
		const user = insertUser(db);
		enrolmentFor(db, KEY, user, T0);
		expect(confirmEnrolment(db, KEY, user.id, '123456', T0).ok).toBe(false);
		expect(mfaState(db, user.id).enabled).toBe(false);
	});
});

describe('codes at sign-in', () => {
	it('accepts the current code and those one step either side, but not two steps away', () => {
		const { db, user, secret } = enrolled();
		const now = at(300);
		const step = totpStep(now);
		expect(checkSignInCode(db, KEY, user.id, totpCodeAt(secret, step - 2), now).ok).toBe(false);
		expect(checkSignInCode(db, KEY, user.id, totpCodeAt(secret, step - 1), now).ok).toBe(true);
		expect(checkSignInCode(db, KEY, user.id, totpCodeAt(secret, step + 1), now).ok).toBe(true);
		expect(checkSignInCode(db, KEY, user.id, totpCodeAt(secret, step + 3), now).ok).toBe(false);
	});

	it('refuses a code used once already, and any older one, within its window', () => {
		const { db, user, secret } = enrolled();
		const now = at(300);
		const code = totpCodeAt(secret, totpStep(now));
		expect(checkSignInCode(db, KEY, user.id, code, now)).toMatchObject({ ok: true, method: 'app' });
		expect(checkSignInCode(db, KEY, user.id, code, at(305)).ok).toBe(false);
		expect(
			checkSignInCode(db, KEY, user.id, totpCodeAt(secret, totpStep(now) - 1), at(305)).ok
		).toBe(false);
		// the first code of enrolment cannot be used to sign in either
		expect(checkSignInCode(db, KEY, user.id, totpCodeAt(secret, totpStep(T0)), at(1)).ok).toBe(
			false
		);
	});

	it('accepts a recovery code once, however it is typed, and counts what is left', () => {
		const { db, user, recoveryCodes: codes } = enrolled();
		const typed = ` ${codes[0].toUpperCase().replace(/-/g, ' ')} `;
		expect(checkSignInCode(db, KEY, user.id, typed, at(60))).toEqual({
			ok: true,
			method: 'recovery',
			recoveryCodesLeft: 9
		});
		expect(checkSignInCode(db, KEY, user.id, codes[0], at(61)).ok).toBe(false);
		expect(mfaState(db, user.id).recoveryCodesLeft).toBe(9);
	});

	it("never accepts another person's recovery code", () => {
		const { db, recoveryCodes: codes } = enrolled();
		const other = insertUser(db);
		const secret = secretFromText(enrolmentFor(db, KEY, other, T0)!.secretText);
		confirmEnrolment(db, KEY, other.id, totpCodeAt(secret, totpStep(T0)), T0);
		expect(checkSignInCode(db, KEY, other.id, codes[1], at(60)).ok).toBe(false);
	});

	it('turning it off deletes the secret and the recovery codes, and is recorded', () => {
		const { db, user } = enrolled();
		turnOffMfa(db, user.id, user.id, at(60));
		expect(mfaState(db, user.id)).toEqual({ enabled: false, recoveryCodesLeft: 0 });
		expect(db.select().from(totpCredentials).all()).toHaveLength(0);
		expect(
			db.select().from(auditEvents).where(eq(auditEvents.action, 'account.mfa_disabled')).all()
		).toHaveLength(1);
	});
});

describe('who must use two-step sign-in', () => {
	function withOrganisation(mfaRequired: boolean) {
		const db = freshDb();
		const organisationId = newId();
		db.insert(organisations)
			.values({ id: organisationId, name: 'Trust', createdAt: T0, mfaRequired })
			.run();
		return { db, organisationId };
	}
	const join = (
		db: ReturnType<typeof freshDb>,
		userId: string,
		organisationId: string,
		role: 'organisation_admin' | 'viewer'
	) =>
		db
			.insert(memberships)
			.values({ id: newId(), userId, organisationId, serviceId: null, role, createdAt: T0 })
			.run();

	it('platform and organisation administrators; others only where their organisation requires it', () => {
		const { db, organisationId } = withOrganisation(false);
		const admin = insertUser(db, { isPlatformAdmin: true });
		const orgAdmin = insertUser(db);
		const viewer = insertUser(db);
		join(db, orgAdmin.id, organisationId, 'organisation_admin');
		join(db, viewer.id, organisationId, 'viewer');
		expect(mfaRequiredFor(db, admin)).toBe(true);
		expect(mfaRequiredFor(db, orgAdmin)).toBe(true);
		expect(mfaRequiredFor(db, viewer)).toBe(false);

		const strict = withOrganisation(true);
		const strictViewer = insertUser(strict.db);
		join(strict.db, strictViewer.id, strict.organisationId, 'viewer');
		expect(mfaRequiredFor(strict.db, strictViewer)).toBe(true);
	});
});

describe('the session cookie', () => {
	it('is __Host- prefixed and Secure when ORIGIN is https', () => {
		expect(cookieSettings('https://imroc.example.nhs.uk')).toEqual({
			session: '__Host-imroc_session',
			pendingSignIn: '__Host-imroc_sign_in',
			options: { httpOnly: true, sameSite: 'lax', secure: true, path: '/' }
		});
	});

	it('has a plain name and no Secure flag on http, where browsers would drop a Secure cookie', () => {
		expect(cookieSettings('http://localhost:3000')).toMatchObject({
			session: 'imroc_session',
			options: { secure: false, path: '/' }
		});
	});
});
