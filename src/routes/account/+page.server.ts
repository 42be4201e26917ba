import { redirect, type RequestEvent } from '@sveltejs/kit';
import { sessionLimits } from '$lib/server/config';
import { requirePerson } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { Throttle } from '$lib/server/auth/throttle';
import { parseForm } from '$lib/server/forms';
import { changePassword } from '$lib/server/accounts/own-password';
import { changePasswordSchema } from '$lib/server/accounts/forms';
import { endOtherSessions, listActiveSessions } from '$lib/server/accounts/sessions';
import type { Actions, PageServerLoad } from './$types';

// Someone at a computer left signed in could otherwise try passwords here without limit.
const currentPasswordThrottle = new Throttle(2);

const NOTICES = {
	password: 'Your password has been changed. You have been signed out everywhere else.',
	sessions: 'You have been signed out everywhere else.'
} as const;

function signedIn(event: Pick<RequestEvent, 'locals' | 'url' | 'request'>) {
	requirePerson(event);
	const { user, session, db } = event.locals;
	// The hook sets person, user and session together; this only satisfies the types.
	if (!user || !session) redirect(303, '/sign-in');
	return { db, user, sessionId: session.id };
}

export const load = ((event) => {
	const { db, user, sessionId } = signedIn(event);
	const done = event.url.searchParams.get('done');
	return {
		account: { name: user.name, email: user.email },
		sessions: listActiveSessions(db, user.id, sessionId, sessionLimits()),
		notice: done === 'password' || done === 'sessions' ? NOTICES[done] : null
	};
}) satisfies PageServerLoad;

export const actions = {
	changePassword: async (event) => {
		const { db, user, sessionId } = signedIn(event);
		const posted = await event.request.formData();
		const parsed = parseForm(changePasswordSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);

		const wait = currentPasswordThrottle.waitSeconds(user.id);
		if (wait > 0) {
			const form = `Too many attempts. Wait ${wait} second${wait === 1 ? '' : 's'} and try again.`;
			return formFailure(event, 429, posted, { errors: { form } });
		}
		const changed = await changePassword(db, {
			userId: user.id,
			currentSessionId: sessionId,
			currentPassword: parsed.data.currentPassword,
			newPassword: parsed.data.newPassword
		});
		if (!changed.ok) {
			currentPasswordThrottle.recordFailure(user.id);
			const errors = { currentPassword: 'Your current password is not right' };
			return formFailure(event, 400, posted, { errors });
		}
		currentPasswordThrottle.reset(user.id);
		redirect(303, '/account?done=password');
	},

	signOutOthers: (event) => {
		const { db, user, sessionId } = signedIn(event);
		endOtherSessions(db, user.id, sessionId);
		redirect(303, '/account?done=sessions');
	}
} satisfies Actions;
