import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { requirePerson } from '$lib/server/access/guard';
import { Throttle } from '$lib/server/auth/throttle';
import { parseForm, type FieldErrors } from '$lib/server/forms';
import {
	changePassword,
	changePasswordSchema,
	endOtherSessions,
	listActiveSessions
} from '$lib/server/accounts';
import type { Actions, PageServerLoad } from './$types';

// Someone at a computer left signed in could otherwise try passwords here without limit.
const currentPasswordThrottle = new Throttle(2);

const NOTICES = {
	password: 'Your password has been changed. You have been signed out everywhere else.',
	sessions: 'You have been signed out everywhere else.'
} as const;

function signedIn(event: Pick<RequestEvent, 'locals' | 'url' | 'request'>) {
	requirePerson(event);
	const { user, session } = event.locals;
	// The hook sets person, user and session together; this only satisfies the types.
	if (!user || !session) redirect(303, '/sign-in');
	return { user, sessionId: session.id };
}

export const load = ((event) => {
	const { user, sessionId } = signedIn(event);
	const { sessionIdleMs: idleMs, sessionMaxMs: maxMs } = config();
	const done = event.url.searchParams.get('done');
	return {
		account: { name: user.name, email: user.email },
		sessions: listActiveSessions(event.locals.db, user.id, sessionId, { idleMs, maxMs }),
		notice: done === 'password' || done === 'sessions' ? NOTICES[done] : null
	};
}) satisfies PageServerLoad;

export const actions = {
	changePassword: async (event) => {
		const { user, sessionId } = signedIn(event);
		const result = parseForm(changePasswordSchema, await event.request.formData());
		if (!result.ok) return fail(400, { errors: result.errors });

		const wait = currentPasswordThrottle.waitSeconds(user.id);
		if (wait > 0) {
			const errors: FieldErrors = {
				form: `Too many attempts. Wait ${wait} second${wait === 1 ? '' : 's'} and try again.`
			};
			return fail(429, { errors });
		}
		const changed = await changePassword(event.locals.db, {
			userId: user.id,
			currentSessionId: sessionId,
			currentPassword: result.data.currentPassword,
			newPassword: result.data.newPassword
		});
		if (!changed.ok) {
			currentPasswordThrottle.recordFailure(user.id);
			const errors: FieldErrors = { currentPassword: 'Your current password is not right' };
			return fail(400, { errors });
		}
		currentPasswordThrottle.reset(user.id);
		redirect(303, '/account?done=password');
	},

	signOutOthers: (event) => {
		const { user, sessionId } = signedIn(event);
		endOtherSessions(event.locals.db, user.id, sessionId);
		redirect(303, '/account?done=sessions');
	}
} satisfies Actions;
