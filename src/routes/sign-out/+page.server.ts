import { redirect } from '@sveltejs/kit';
import { invalidateSession } from '$lib/server/auth/session';
import { deleteSessionCookie } from '$lib/server/auth/cookies';
import type { Actions, PageServerLoad } from './$types';

export const load = (() => {
	redirect(303, '/');
}) satisfies PageServerLoad;

export const actions = {
	default: ({ locals, cookies, url }) => {
		if (locals.session) invalidateSession(locals.db, locals.session.id);
		deleteSessionCookie(cookies, url.protocol === 'https:');
		redirect(303, '/sign-in');
	}
} satisfies Actions;
