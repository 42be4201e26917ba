import { error, redirect } from '@sveltejs/kit';
import { formFailure } from '$lib/server/http/failure';
import { clientKey, isBusy, Throttle, throttledCheck } from '$lib/server/auth/throttle';
import { parseForm } from '$lib/server/forms';
import { refuseNewPassword } from '$lib/server/auth/password-rules';
import { notifyAccountChange } from '$lib/server/accounts/notices';
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
const linkThrottle = new Throttle({ forgiven: 20 });

/** Opens the link through the throttle: every link that cannot be used counts as a failure. */
async function openOrRefuse(event: {
	params: { token: string };
	locals: App.Locals;
	getClientAddress: () => string;
}) {
	const checked = await throttledCheck(
		[{ throttle: linkThrottle, key: clientKey(event.getClientAddress()) }],
		() => openPasswordReset(event.locals.db, event.params.token)
	);
	if (isBusy(checked))
		error(
			429,
			`Too many attempts at once. Wait ${checked.retryAfterSeconds} seconds and try again.`
		);
	if (!checked.ok) refuse(checked.problem);
	return checked.link;
}

function refuse(problem: ResetLinkProblem): never {
	error(RESET_LINK_PROBLEM_STATUS[problem], RESET_LINK_PROBLEM_MESSAGES[problem]);
}

export const load = (async (event) => {
	const link = await openOrRefuse(event);
	event.setHeaders({ 'cache-control': 'no-store' });
	return { email: link.email };
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { params, locals } = event;
		const link = await openOrRefuse(event);

		const posted = await event.request.formData();
		const parsed = parseForm(resetPasswordSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const weak = refuseNewPassword('newPassword', parsed.data.newPassword, link);
		if (weak) return formFailure(event, 400, posted, weak);

		const reset = await resetPassword(locals.db, params.token, parsed.data.newPassword);
		if (!reset.ok) refuse(reset.problem);
		notifyAccountChange(link, 'reset-used');
		redirect(303, '/sign-in?reset=1');
	}
} satisfies Actions;
