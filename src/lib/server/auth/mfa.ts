// Two-step sign-in (TOTP, RFC 6238): enrolling an authenticator app, checking its codes and the
// recovery codes, and turning it off. Who must use it is decided here too.

import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { decodeBase32IgnorePadding, encodeBase32NoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { renderSVG } from 'uqr';
import { recordSecurityEvent } from '../audit/security';
import type { Db, Tx } from '../db/client';
import { memberships, organisations, recoveryCodes, totpCredentials } from '../db/schema';
import { newId } from '../ids';
import { hashLinkToken } from './tokens';
import { open, seal } from './secret-box';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Codes from one step either side of now are accepted, for a phone's clock that is a little out. */
const DRIFT_STEPS = 1;
const RECOVERY_CODE_COUNT = 10;
const ISSUER = 'ImROC self-assessment';

/** The 30-second step an instant falls in. */
export const totpStep = (now: Date) => Math.floor(now.getTime() / (TOTP_PERIOD_SECONDS * 1000));

/** A code as the app would show it at a step; for tests and nothing else on the server. */
export const totpCodeAt = (secret: Uint8Array, step: number) =>
	generateHOTP(secret, BigInt(step), TOTP_DIGITS);

/**
 * Letters and digits a person can read back without confusion, in four groups of six. 120 random
 * bits: ASVS 5.0 (V6.5.2) asks for at least 112 for a code kept only as a plain SHA-256.
 */
function newRecoveryCode(): string {
	const bytes = new Uint8Array(15);
	crypto.getRandomValues(bytes);
	const text = encodeBase32NoPadding(bytes).toLowerCase(); // 24 characters
	return text.match(/.{6}/g)!.join('-');
}

/** What is compared: a code without spaces or hyphens, in lower case. */
const normaliseCode = (typed: string) => typed.replace(/[\s-]/g, '').toLowerCase();

/** Recovery codes have 120 random bits, so a plain SHA-256 keeps them safe at rest. */
const hashRecoveryCode = (code: string) => hashLinkToken(normaliseCode(code));

export interface MfaState {
	enabled: boolean;
	/** Recovery codes not yet used. */
	recoveryCodesLeft: number;
}

export function mfaState(db: Db | Tx, userId: string): MfaState {
	const credential = db
		.select({ confirmedAt: totpCredentials.confirmedAt })
		.from(totpCredentials)
		.where(eq(totpCredentials.userId, userId))
		.get();
	const left = db
		.select({ id: recoveryCodes.id })
		.from(recoveryCodes)
		.where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
		.all().length;
	return { enabled: !!credential?.confirmedAt, recoveryCodesLeft: left };
}

/**
 * Whether the person must sign in with a code: platform administrators, organisation
 * administrators, and everyone with a role in an organisation that requires it.
 */
export function mfaRequiredFor(db: Db, person: { id: string; isPlatformAdmin: boolean }): boolean {
	if (person.isPlatformAdmin) return true;
	const rows = db
		.select({ role: memberships.role, required: organisations.mfaRequired })
		.from(memberships)
		.innerJoin(organisations, eq(organisations.id, memberships.organisationId))
		.where(eq(memberships.userId, person.id))
		.all();
	return rows.some((r) => r.role === 'organisation_admin' || r.required);
}

export interface Enrolment {
	/** The secret as people type it into an app: base32, in groups of four. */
	secretText: string;
	/** The otpauth:// address the QR code holds. */
	uri: string;
	/** The QR code, as an SVG document. */
	qrSvg: string;
}

/**
 * The authenticator secret being set up: a new one, or the one already offered and not yet
 * confirmed (so that reloading the page does not change the code a person has just scanned).
 */
export function enrolmentFor(
	db: Db,
	key: Buffer,
	user: { id: string; email: string },
	now = new Date()
): Enrolment | null {
	const existing = db
		.select()
		.from(totpCredentials)
		.where(eq(totpCredentials.userId, user.id))
		.get();
	if (existing?.confirmedAt) return null;
	let secret = existing ? open(existing.encryptedSecret, key) : null;
	if (!secret) {
		const fresh = new Uint8Array(20);
		crypto.getRandomValues(fresh);
		secret = fresh;
		const encryptedSecret = seal(secret, key);
		db.insert(totpCredentials)
			.values({ userId: user.id, encryptedSecret, createdAt: now })
			.onConflictDoUpdate({
				target: totpCredentials.userId,
				set: { encryptedSecret, createdAt: now, confirmedAt: null, lastUsedStep: null }
			})
			.run();
	}
	const uri = createTOTPKeyURI(ISSUER, user.email, secret, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
	return {
		secretText: encodeBase32NoPadding(secret)
			.match(/.{1,4}/g)!
			.join(' '),
		uri,
		qrSvg: renderSVG(uri, { ecc: 'M', border: 2 })
	};
}

/** The step a code matches (now, or one either side), or null. */
function matchingStep(secret: Uint8Array, typed: string, now: Date): number | null {
	const code = normaliseCode(typed);
	if (!/^\d{6}$/.test(code)) return null;
	const current = totpStep(now);
	let matched: number | null = null;
	for (let step = current - DRIFT_STEPS; step <= current + DRIFT_STEPS; step++) {
		const expected = new TextEncoder().encode(totpCodeAt(secret, step));
		// Every step is compared, so the time taken does not say which one matched.
		if (constantTimeEqual(expected, new TextEncoder().encode(code)) && matched === null)
			matched = step;
	}
	return matched;
}

/**
 * Accepts a code for the step it belongs to, once: the step is stored in the same statement that
 * checks it is newer than the last one used, so a code (or an older one) cannot be used again,
 * even by two requests at once.
 */
function useStep(tx: Db | Tx, userId: string, step: number): boolean {
	return (
		tx
			.update(totpCredentials)
			.set({ lastUsedStep: step })
			.where(
				and(
					eq(totpCredentials.userId, userId),
					or(isNull(totpCredentials.lastUsedStep), lt(totpCredentials.lastUsedStep, step))
				)
			)
			.run().changes === 1
	);
}

export type ConfirmResult = { ok: true; recoveryCodes: string[] } | { ok: false };

/** Turns two-step sign-in on with a first code from the app, and makes the recovery codes. */
export function confirmEnrolment(
	db: Db,
	key: Buffer,
	userId: string,
	typed: string,
	now = new Date()
): ConfirmResult {
	return db.transaction((tx) => {
		const pending = tx
			.select()
			.from(totpCredentials)
			.where(eq(totpCredentials.userId, userId))
			.get();
		if (!pending || pending.confirmedAt) return { ok: false } as const;
		const secret = open(pending.encryptedSecret, key);
		const step = secret ? matchingStep(secret, typed, now) : null;
		if (step === null || !useStep(tx, userId, step)) return { ok: false } as const;

		tx.update(totpCredentials)
			.set({ confirmedAt: now })
			.where(eq(totpCredentials.userId, userId))
			.run();
		const codes = replaceRecoveryCodes(tx, userId, now);
		recordSecurityEvent(
			tx,
			{
				actorId: userId,
				account: userId,
				action: 'account.mfa_enabled',
				entityType: 'user',
				entityId: userId
			},
			now
		);
		return { ok: true, recoveryCodes: codes } as const;
	});
}

function replaceRecoveryCodes(tx: Tx, userId: string, now: Date): string[] {
	tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run();
	const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
	tx.insert(recoveryCodes)
		.values(
			codes.map((code) => ({
				id: newId(),
				userId,
				codeHash: hashRecoveryCode(code),
				createdAt: now
			}))
		)
		.run();
	return codes;
}

export type CodeCheck =
	{ ok: true; method: 'app' | 'recovery'; recoveryCodesLeft: number } | { ok: false };

/** Checks a code from the app, or a recovery code, at the second step of signing in. */
export function checkSignInCode(
	db: Db,
	key: Buffer,
	userId: string,
	typed: string,
	now = new Date()
): CodeCheck {
	return db.transaction((tx) => {
		const credential = tx
			.select()
			.from(totpCredentials)
			.where(eq(totpCredentials.userId, userId))
			.get();
		if (!credential?.confirmedAt) return { ok: false } as const;
		const code = normaliseCode(typed);
		if (code.length > 64) return { ok: false } as const;

		if (/^\d{6}$/.test(code)) {
			const secret = open(credential.encryptedSecret, key);
			const step = secret ? matchingStep(secret, code, now) : null;
			if (step === null || !useStep(tx, userId, step)) return { ok: false } as const;
			return {
				ok: true,
				method: 'app',
				recoveryCodesLeft: mfaState(tx, userId).recoveryCodesLeft
			} as const;
		}

		const used = tx
			.update(recoveryCodes)
			.set({ usedAt: now })
			.where(
				and(
					eq(recoveryCodes.userId, userId),
					eq(recoveryCodes.codeHash, hashRecoveryCode(code)),
					isNull(recoveryCodes.usedAt)
				)
			)
			.run().changes;
		if (used !== 1) return { ok: false } as const;
		const left = mfaState(tx, userId).recoveryCodesLeft;
		recordSecurityEvent(
			tx,
			{
				actorId: userId,
				account: userId,
				action: 'account.mfa_recovery_code_used',
				entityType: 'user',
				entityId: userId,
				after: { recoveryCodesLeft: left }
			},
			now
		);
		return { ok: true, method: 'recovery', recoveryCodesLeft: left } as const;
	});
}

/** Turns two-step sign-in off: the app's secret and every recovery code are deleted. */
export function turnOffMfa(db: Db, actorId: string, userId: string, now = new Date()): void {
	db.transaction((tx) => {
		tx.delete(totpCredentials).where(eq(totpCredentials.userId, userId)).run();
		tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run();
		recordSecurityEvent(
			tx,
			{
				actorId,
				account: userId,
				action: 'account.mfa_disabled',
				entityType: 'user',
				entityId: userId
			},
			now
		);
	});
}

/** For tests: the secret a person would type from the page, as bytes. */
export const secretFromText = (text: string) => decodeBase32IgnorePadding(text.replace(/\s/g, ''));
