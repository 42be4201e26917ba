import { redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { config } from '$lib/server/config';
import { formFailure } from '$lib/server/http/failure';
import { requirePerson } from '$lib/server/http/require';
import { rotateSession } from '$lib/server/http/session';
import { parseForm, type FieldErrors } from '$lib/server/forms';
import { verifyPassword } from '$lib/server/auth/password';
import { mfaKey } from '$lib/server/auth/secret-box';
import { defaultSignInDeps, throttled } from '$lib/server/auth/sign-in';
import {
	checkSignInCode,
	confirmEnrolment,
	enrolmentFor,
	mfaRequiredFor,
	mfaState,
	turnOffMfa
} from '$lib/server/auth/mfa';
import { findUserByEmail } from '$lib/server/users';
import { notifyAccountChange } from '$lib/server/accounts/notices';
import type { Db } from '$lib/server/db/client';
import type { Actions, PageServerLoad } from './$types';

// One's own two-step sign-in: setting it up, and turning it off. Someone who must use it and has
// not set it up yet is sent here from every other page (requirePerson), and may use this one.

function signedIn(event: Pick<RequestEvent, 'locals' | 'url' | 'request'>) {
	const person = requirePerson(event, { enrolling: true });
	const { user, db } = event.locals;
	if (!user) redirect(303, '/sign-in');
	return { db, user, person, key: mfaKey(config().databasePath) };
}

const codeField = z
	.string({ error: 'Enter the code from your authenticator app' })
	.trim()
	.min(1, 'Enter the code from your authenticator app')
	.max(64, 'That code is not right');

const passwordField = z
	.string({ error: 'Enter your password' })
	.min(1, 'Enter your password')
	.max(256, 'Your password is not right');
// Turning two-step sign-in on or off changes how the account is proved, so both ask for the
// password again (ASVS V7.5.1): a session left open on a ward computer is not enough.
const confirmSchema = z.object({ password: passwordField, code: codeField });
const turnOffSchema = z.object({ password: passwordField, code: codeField });

const WRONG_CODE =
	'That code is not right. Enter the 6-digit code your app shows now. If it is still refused, check the time on your phone is set automatically.';

/** Why a password-and-code check was refused: too many at once, or which of the two is wrong. */
function refusal(
	event: RequestEvent,
	result: { problem: 'busy'; retryAfterSeconds: number } | { passwordRight: boolean }
) {
	if ('problem' in result)
		return formFailure(event, 429, null, {
			message: `Too many attempts at once. Wait ${result.retryAfterSeconds} seconds and try again.`
		});
	const errors: FieldErrors = result.passwordRight
		? { code: WRONG_CODE }
		: { password: 'Your password is not right' };
	return formFailure(event, 400, null, { errors });
}

async function passwordIsRight(db: Db, email: string, password: string) {
	const account = findUserByEmail(db, email);
	return !!account && (await verifyPassword(account.passwordHash, password));
}

export const load = ((event) => {
	const { db, user, person, key } = signedIn(event);
	const state = mfaState(db, user.id);
	const enrolment = state.enabled ? null : enrolmentFor(db, key, user);
	return {
		demo: config().demo,
		required: !config().demo && mfaRequiredFor(db, person),
		mustEnrol: event.locals.mustEnrolInMfa,
		state,
		// Only what the page shows: the key to type and the QR code as an image (our CSP allows data: images).
		enrolment: enrolment && {
			secretText: enrolment.secretText,
			qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(enrolment.qrSvg).toString('base64')}`
		},
		recoveryCodeUsed: event.url.searchParams.get('recovery') === 'used'
	};
}) satisfies PageServerLoad;

export const actions = {
	confirm: async (event) => {
		const { db, user, key } = signedIn(event);
		const posted = await event.request.formData();
		const parsed = parseForm(confirmSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, null, parsed);
		const deps = defaultSignInDeps(config().demo);
		const confirmed = await throttled(
			deps,
			{ email: user.email, address: event.getClientAddress() },
			async () => {
				const passwordRight = await passwordIsRight(db, user.email, parsed.data.password);
				if (!passwordRight) return { ok: false, passwordRight } as const;
				return { ...confirmEnrolment(db, key, user.id, parsed.data.code), passwordRight };
			}
		);
		if (!confirmed.ok) return refusal(event, confirmed);
		rotateSession(event);
		return { form: 'confirm', recoveryCodes: confirmed.recoveryCodes };
	},

	turnOff: async (event) => {
		const { db, user, person, key } = signedIn(event);
		const posted = await event.request.formData();
		const parsed = parseForm(turnOffSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, null, parsed);
		if (!config().demo && mfaRequiredFor(db, person)) {
			const message =
				'Your role needs two-step sign-in, so it cannot be turned off. You can set it up again on a new phone by asking a platform administrator to reset it.';
			return formFailure(event, 400, null, { message });
		}
		const deps = defaultSignInDeps(config().demo);
		const checked = await throttled(
			deps,
			{ email: user.email, address: event.getClientAddress() },
			async () => {
				const passwordRight = await passwordIsRight(db, user.email, parsed.data.password);
				// The code is checked (and used up) only with the right password.
				const codeRight = passwordRight && checkSignInCode(db, key, user.id, parsed.data.code).ok;
				return { ok: passwordRight && codeRight, passwordRight };
			}
		);
		if (!checked.ok) return refusal(event, checked);
		turnOffMfa(db, user.id, user.id);
		notifyAccountChange(user, 'mfa-off');
		redirect(303, '/account?done=two-step-off');
	}
} satisfies Actions;
