import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { requirePerson } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { rotateSession, startSession } from '$lib/server/http/session';
import { ROLE_LABELS } from '$lib/server/access/policy';
import { clientKey, isBusy, linkThrottle, throttledCheck } from '$lib/server/auth/throttle';
import { parseForm } from '$lib/server/forms';
import { refuseNewPassword } from '$lib/server/auth/password-rules';
import {
	acceptInvitation,
	LINK_PROBLEM_MESSAGES,
	openInvitation,
	type AcceptResult
} from '$lib/server/invitations';
import { findUserByEmail, newAccountForKnownEmailSchema, newUserRow } from '$lib/server/users';
import type { Actions, PageServerLoad, RouteParams } from './$types';

// Public by design: the link's secret is the permission. Guessing links is slowed per address.

async function openOrRefuse(event: RequestEvent<RouteParams>) {
	// Only a link that does not exist counts as a guess; one used or expired is a real link.
	const checked = await throttledCheck(
		[{ throttle: linkThrottle, key: clientKey(event.getClientAddress()) }],
		() => {
			const opened = openInvitation(event.locals.db, event.params.token);
			return { ok: opened.ok || opened.problem !== 'unknown', opened };
		}
	);
	if (isBusy(checked))
		error(
			429,
			`Too many attempts at once. Wait ${checked.retryAfterSeconds} seconds and try again.`
		);
	const { opened } = checked;
	if (!opened.ok)
		error(opened.problem === 'unknown' ? 404 : 410, LINK_PROBLEM_MESSAGES[opened.problem]);
	return opened.invitation;
}

const ACCEPT_PROBLEMS: Record<Exclude<AcceptResult, { ok: true }>['problem'], string> = {
	...LINK_PROBLEM_MESSAGES,
	'wrong-account':
		'This invitation was sent to a different email address from the account you are signed in with. Sign out, then open the link again.',
	'account-exists':
		'An account with this email address already exists. Sign in, then open the link again to add the role to it.'
};

export const load = (async (event) => {
	const invitation = await openOrRefuse(event);
	const user = event.locals.user;
	return {
		invitation: {
			email: invitation.email,
			roleLabel: ROLE_LABELS[invitation.role],
			organisationName: invitation.organisationName,
			serviceName: invitation.serviceName
		},
		signedInAs: user ? { email: user.email, matches: user.email === invitation.email } : null,
		accountExists: !user && !!findUserByEmail(event.locals.db, invitation.email),
		signInHref: `/sign-in?redirectTo=${encodeURIComponent(event.url.pathname)}`
	};
}) satisfies PageServerLoad;

export const actions = {
	accept: async (event) => {
		await openOrRefuse(event);
		const person = requirePerson(event);
		const result = acceptInvitation(event.locals.db, event.params.token, {
			existingUserId: person.id
		});
		if (!result.ok) {
			const status = result.problem === 'wrong-account' ? 403 : 410;
			return formFailure(event, status, null, { message: ACCEPT_PROBLEMS[result.problem] });
		}
		// A new role: this browser's session gets a new id (the person's other sessions carry on,
		// and pick the role up on their next request, as roles are read afresh on every request).
		rotateSession(event);
		redirect(303, `/organisations/${result.organisationId}`);
	},
	create: async (event) => {
		const invitation = await openOrRefuse(event);
		const posted = await event.request.formData();
		if (event.locals.user) {
			const message = 'You are already signed in. Accept the invitation for your account instead.';
			return formFailure(event, 400, posted, { message });
		}
		const parsed = parseForm(newAccountForKnownEmailSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const weak = refuseNewPassword('password', parsed.data.password, {
			name: parsed.data.name,
			email: invitation.email
		});
		if (weak) return formFailure(event, 400, posted, weak);
		const row = await newUserRow({
			name: parsed.data.name,
			email: invitation.email,
			password: parsed.data.password
		});
		const result = acceptInvitation(event.locals.db, event.params.token, { newAccount: row });
		if (!result.ok) {
			const status = result.problem === 'account-exists' ? 409 : 410;
			return formFailure(event, status, posted, { message: ACCEPT_PROBLEMS[result.problem] });
		}
		startSession(event, result.userId);
		redirect(303, `/organisations/${result.organisationId}`);
	}
} satisfies Actions;
