import { error, fail, redirect } from '@sveltejs/kit';
import { Throttle } from '$lib/server/auth/throttle';
import { parseForm } from '$lib/server/forms';
import {
	openPasswordReset,
	resetPassword,
	resetPasswordSchema,
	RESET_LINK_PROBLEM_MESSAGES,
	RESET_LINK_PROBLEM_STATUS,
	type ResetLinkProblem
} from '$lib/server/accounts';
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
	default: async ({ params, request, getClientAddress, locals }) => {
		const address = getClientAddress();
		refuseWhileThrottled(address);
		const db = locals.db;
		const opened = openPasswordReset(db, params.token);
		if (!opened.ok) refuse(address, opened.problem);

		const result = parseForm(resetPasswordSchema, await request.formData());
		if (!result.ok) return fail(400, { errors: result.errors });

		const reset = await resetPassword(db, params.token, result.data.newPassword);
		if (!reset.ok) refuse(address, reset.problem);
		redirect(303, '/sign-in?reset=1');
	}
} satisfies Actions;
