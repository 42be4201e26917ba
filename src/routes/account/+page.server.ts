import { redirect, type RequestEvent } from '@sveltejs/kit';
import { sessionLimits } from '$lib/server/config';
import { requirePerson } from '$lib/server/http/require';
import { rotateSession } from '$lib/server/http/session';
import { notifyAccountChange } from '$lib/server/accounts/notices';
import { formFailure } from '$lib/server/http/failure';
import { clientKey, isBusy, Throttle, throttledCheck } from '$lib/server/auth/throttle';
import { parseForm } from '$lib/server/forms';
import { mfaState } from '$lib/server/auth/mfa';
import { refuseNewPassword } from '$lib/server/auth/password-rules';
import { changePassword } from '$lib/server/accounts/own-password';
import { changePasswordSchema } from '$lib/server/accounts/forms';
import { endOtherSessions, listActiveSessions } from '$lib/server/accounts/sessions';
import type { Actions, PageServerLoad } from './$types';

// Someone at a computer left signed in could otherwise try passwords here without limit.
const currentPasswordThrottle = new Throttle({ forgiven: 2 });
const currentPasswordAddressThrottle = new Throttle({ forgiven: 20 });

const NOTICES = {
	password: 'Your password has been changed. You have been signed out everywhere else.',
	sessions: 'You have been signed out everywhere else.',
	'two-step-off': 'Two-step sign-in is off. You now sign in with your password alone.'
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
		twoStep: { enabled: mfaState(db, user.id).enabled },
		notice: done && done in NOTICES ? NOTICES[done as keyof typeof NOTICES] : null
	};
}) satisfies PageServerLoad;

export const actions = {
	changePassword: async (event) => {
		const { db, user, sessionId } = signedIn(event);
		const posted = await event.request.formData();
		const parsed = parseForm(changePasswordSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const weak = refuseNewPassword('newPassword', parsed.data.newPassword, user);
		if (weak) return formFailure(event, 400, posted, weak);

		const changed = await throttledCheck(
			[
				{ throttle: currentPasswordThrottle, key: user.id },
				{ throttle: currentPasswordAddressThrottle, key: clientKey(event.getClientAddress()) }
			],
			() =>
				changePassword(db, {
					userId: user.id,
					currentSessionId: sessionId,
					currentPassword: parsed.data.currentPassword,
					newPassword: parsed.data.newPassword
				})
		);
		if (isBusy(changed)) {
			const form = `Too many attempts at once. Wait ${changed.retryAfterSeconds} seconds and try again.`;
			return formFailure(event, 429, posted, { errors: { form } });
		}
		if (!changed.ok) {
			const errors = { currentPassword: 'Your current password is not right' };
			return formFailure(event, 400, posted, { errors });
		}
		currentPasswordThrottle.reset(user.id);
		// This browser keeps the person signed in, under a new session id.
		rotateSession(event);
		notifyAccountChange(user, 'password-changed');
		redirect(303, '/account?done=password');
	},

	signOutOthers: (event) => {
		const { db, user, sessionId } = signedIn(event);
		endOtherSessions(db, user.id, sessionId);
		redirect(303, '/account?done=sessions');
	}
} satisfies Actions;
