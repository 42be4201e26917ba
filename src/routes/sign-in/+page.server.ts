import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { config } from '$lib/server/config';
import { createSession } from '$lib/server/auth/session';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { verifyAgainstDummy, verifyPassword } from '$lib/server/auth/password';
import { accountThrottle, addressThrottle } from '$lib/server/auth/throttle';
import { safeRedirectTarget } from '$lib/server/auth/redirect';
import { findUserByEmail } from '$lib/server/users';
import type { FieldErrors } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

const WRONG_DETAILS = 'The email address or password is not right. Check them and try again.';

const signInSchema = z.object({
	email: z.string().trim().toLowerCase().max(254),
	password: z.string().max(256)
});

export const load = (({ locals, url }) => {
	if (locals.user) redirect(303, safeRedirectTarget(url.searchParams.get('redirectTo')));
	return { passwordReset: url.searchParams.has('reset') };
}) satisfies PageServerLoad;

export const actions = {
	default: async ({ request, cookies, url, getClientAddress, locals }) => {
		const form = await request.formData();
		const parsed = signInSchema.safeParse({
			email: form.get('email') ?? '',
			password: form.get('password') ?? ''
		});
		const email =
			typeof form.get('email') === 'string' ? String(form.get('email')).slice(0, 254) : '';
		if (!parsed.success)
			return fail(400, { email, message: WRONG_DETAILS, errors: {} as FieldErrors });

		const errors: FieldErrors = {};
		if (!parsed.data.email) errors.email = 'Enter your email address';
		if (!parsed.data.password) errors.password = 'Enter your password';
		if (Object.keys(errors).length > 0) return fail(400, { email, message: undefined, errors });

		const emailKey = parsed.data.email;
		const addressKey = getClientAddress();
		const wait = Math.max(
			accountThrottle.waitSeconds(emailKey),
			addressThrottle.waitSeconds(addressKey)
		);
		if (wait > 0) {
			return fail(429, {
				email,
				message: `Too many attempts to sign in. Wait ${wait} second${wait === 1 ? '' : 's'} and try again.`,
				errors: {} as FieldErrors
			});
		}

		const db = locals.db;
		const user = findUserByEmail(db, parsed.data.email);
		const valid = user
			? !user.disabledAt && (await verifyPassword(user.passwordHash, parsed.data.password))
			: await verifyAgainstDummy(parsed.data.password);
		if (!user || !valid) {
			accountThrottle.recordFailure(emailKey);
			addressThrottle.recordFailure(addressKey);
			return fail(400, { email, message: WRONG_DETAILS, errors: {} as FieldErrors });
		}

		accountThrottle.reset(emailKey);
		const { token, session } = createSession(db, user.id, {
			idleMs: config().sessionIdleMs,
			maxMs: config().sessionMaxMs
		});
		setSessionCookie(cookies, token, session.expiresAt, url.protocol === 'https:');
		redirect(303, safeRedirectTarget(url.searchParams.get('redirectTo')));
	}
} satisfies Actions;
