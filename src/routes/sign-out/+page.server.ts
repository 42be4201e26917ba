import { redirect } from '@sveltejs/kit';
import { endSession } from '$lib/server/http/session';
import { recordSignedOut } from '$lib/server/audit/security';
import type { Actions, PageServerLoad } from './$types';

export const load = (() => {
	redirect(303, '/');
}) satisfies PageServerLoad;

export const actions = {
	default: (event) => {
		if (event.locals.user) recordSignedOut(event.locals.db, event.locals.user.id);
		endSession(event);
		redirect(303, '/sign-in');
	}
} satisfies Actions;
