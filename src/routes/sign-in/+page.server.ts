import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { formFailure } from '$lib/server/http/failure';
import { startSession } from '$lib/server/http/session';
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
	default: async (event) => {
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

		const emailKey = parsed.data.email;
		const addressKey = event.getClientAddress();
		const wait = Math.max(
			accountThrottle.waitSeconds(emailKey),
			addressThrottle.waitSeconds(addressKey)
		);
		if (wait > 0) {
			const message = `Too many attempts to sign in. Wait ${wait} second${wait === 1 ? '' : 's'} and try again.`;
			return formFailure(event, 429, posted, { message });
		}

		const user = findUserByEmail(event.locals.db, parsed.data.email);
		const valid = user
			? !user.disabledAt && (await verifyPassword(user.passwordHash, parsed.data.password))
			: await verifyAgainstDummy(parsed.data.password);
		if (!user || !valid) {
			accountThrottle.recordFailure(emailKey);
			addressThrottle.recordFailure(addressKey);
			return formFailure(event, 400, posted, { message: WRONG_DETAILS });
		}

		accountThrottle.reset(emailKey);
		startSession(event, user.id);
		redirect(303, safeRedirectTarget(event.url.searchParams.get('redirectTo')));
	}
} satisfies Actions;
