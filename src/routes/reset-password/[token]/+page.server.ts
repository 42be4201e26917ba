import { error, redirect } from '@sveltejs/kit';
import { formFailure } from '$lib/server/http/failure';
import { Throttle } from '$lib/server/auth/throttle';
import { parseForm } from '$lib/server/forms';
import {
	openPasswordReset,
	resetPassword,
	RESET_LINK_PROBLEM_MESSAGES,
	RESET_LINK_PROBLEM_STATUS,
	type ResetLinkProblem
} from '$lib/server/accounts/reset-links';
import { resetPasswordSchema } from '$lib/server/accounts/forms';
import type { Actions, PageServerLoad } from './$types';

// Public by design: the unguessable single-use token is the permission. Many staff can share one
// NHS network address, so the throttle forgives a good number of mistakes before slowing down.
const linkThrottle = new Throttle(20);

function refuseWhileThrottled(address: string): void {
	const wait = linkThrottle.waitSeconds(address);
	if (wait > 0)
		error(429, `Too many attempts. Wait ${wait} second${wait === 1 ? '' : 's'} and try again.`);
}

function refuse(address: string, problem: ResetLinkProblem): never {
	linkThrottle.recordFailure(address);
	error(RESET_LINK_PROBLEM_STATUS[problem], RESET_LINK_PROBLEM_MESSAGES[problem]);
}

export const load = (({ params, getClientAddress, setHeaders, locals }) => {
	const address = getClientAddress();
	refuseWhileThrottled(address);
	const opened = openPasswordReset(locals.db, params.token);
	if (!opened.ok) refuse(address, opened.problem);
	setHeaders({ 'cache-control': 'no-store' });
	return { email: opened.link.email };
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { params, locals } = event;
		const address = event.getClientAddress();
		refuseWhileThrottled(address);
		const opened = openPasswordReset(locals.db, params.token);
		if (!opened.ok) refuse(address, opened.problem);

		const posted = await event.request.formData();
		const parsed = parseForm(resetPasswordSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);

		const reset = await resetPassword(locals.db, params.token, parsed.data.newPassword);
		if (!reset.ok) refuse(address, reset.problem);
		redirect(303, '/sign-in?reset=1');
	}
} satisfies Actions;
