import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { config } from '$lib/server/config';
import { formFailure } from '$lib/server/http/failure';
import {
	releaseSignInAwaitingCode,
	signInAwaitingCode,
	startSession
} from '$lib/server/http/session';
import { checkCode, defaultSignInDeps } from '$lib/server/auth/sign-in';
import { mfaKey } from '$lib/server/auth/secret-box';
import { recordSignedIn, recordSignInRefused } from '$lib/server/audit/security';
import type { Actions, PageServerLoad } from './$types';

// Public by design: it is the second step of signing in. Without a sign-in whose password was
// right moments ago (held on the server, named by a cookie), it sends people back to the first.

const codeSchema = z.object({
	code: z
		.string({ error: 'Enter the code from your authenticator app' })
		.trim()
		.min(1, 'Enter the code from your authenticator app')
		.max(64, 'That code is not right')
});

const WRONG_CODE =
	'That code is not right. Enter the 6-digit code your app shows now, or one of your recovery codes.';

export const load = ((event) => {
	if (!signInAwaitingCode(event)) redirect(303, '/sign-in');
	return {};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const held = signInAwaitingCode(event);
		if (!held) redirect(303, '/sign-in');
		const posted = await event.request.formData();
		const parsed = codeSchema.safeParse({ code: posted.get('code') ?? '' });
		if (!parsed.success)
			return formFailure(event, 400, null, { errors: { code: parsed.error.issues[0].message } });

		const checked = await checkCode(
			event.locals.db,
			mfaKey(config().databasePath),
			{ userId: held.userId, code: parsed.data.code, address: event.getClientAddress() },
			defaultSignInDeps(config().demo)
		);
		if (!checked.ok) {
			recordSignInRefused(event.locals.db, {
				step: 'code',
				userId: held.userId,
				throttled: checked.problem === 'busy'
			});
			if (checked.problem === 'busy') {
				const message = `Too many attempts at once. Wait ${checked.retryAfterSeconds} seconds and try again.`;
				return formFailure(event, 429, null, { message });
			}
			return formFailure(event, 400, null, { errors: { code: WRONG_CODE } });
		}
		releaseSignInAwaitingCode(event);
		recordSignedIn(
			event.locals.db,
			held.userId,
			checked.method === 'recovery' ? 'recovery' : 'code'
		);
		startSession(event, held.userId);
		redirect(
			303,
			checked.method === 'recovery' ? '/account/two-step?recovery=used' : held.redirectTo
		);
	}
} satisfies Actions;
