import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { config } from '$lib/server/config';
import { formFailure } from '$lib/server/http/failure';
import { holdSignInForCode, startSession } from '$lib/server/http/session';
import { checkPassword, defaultSignInDeps } from '$lib/server/auth/sign-in';
import { safeRedirectTarget } from '$lib/server/auth/redirect';
import type { FieldErrors } from '$lib/server/forms';
import { recordSignedIn, recordSignInRefused } from '$lib/server/audit/security';
import type { Actions, PageServerLoad } from './$types';

const WRONG_DETAILS = 'The email address or password is not right. Check them and try again.';

const signInSchema = z.object({
	email: z.string().trim().toLowerCase().max(254),
	password: z.string().max(256)
});

export const load = (({ locals, url }) => {
	if (locals.user)
		redirect(303, safeRedirectTarget(url.searchParams.get('redirectTo'), url.origin));
	return { passwordReset: url.searchParams.has('reset'), demo: config().demo };
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		// Decided first, so that a target that cannot be used never leaves a session half made.
		const target = safeRedirectTarget(event.url.searchParams.get('redirectTo'), event.url.origin);
		const posted = await event.request.formData();
		const parsed = signInSchema.safeParse({
			email: posted.get('email') ?? '',
			password: posted.get('password') ?? ''
		});
		if (!parsed.success) return formFailure(event, 400, posted, { message: WRONG_DETAILS });

		const errors: FieldErrors = {};
		if (!parsed.data.email) errors.email = 'Enter your email address';
		if (!parsed.data.password) errors.password = 'Enter your password';
		if (Object.keys(errors).length > 0) return formFailure(event, 400, posted, { errors });

		const step = await checkPassword(
			event.locals.db,
			{ ...parsed.data, address: event.getClientAddress() },
			defaultSignInDeps(config().demo)
		);
		if (!step.ok) {
			recordSignInRefused(event.locals.db, {
				step: 'password',
				email: parsed.data.email,
				throttled: step.problem === 'busy'
			});
			if (step.problem === 'busy') {
				const message = `Too many attempts to sign in at once. Wait ${step.retryAfterSeconds} seconds and try again.`;
				return formFailure(event, 429, posted, { message });
			}
			return formFailure(event, 400, posted, { message: WRONG_DETAILS });
		}
		if (step.next === 'code') {
			holdSignInForCode(event, step.userId, target);
			redirect(303, '/sign-in/code');
		}
		recordSignedIn(event.locals.db, step.userId, 'password');
		startSession(event, step.userId);
		redirect(303, target);
	}
} satisfies Actions;
