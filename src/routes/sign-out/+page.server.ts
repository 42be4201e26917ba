import { redirect } from '@sveltejs/kit';
import { endSession } from '$lib/server/http/session';
import type { Actions, PageServerLoad } from './$types';

export const load = (() => {
	redirect(303, '/');
}) satisfies PageServerLoad;

export const actions = {
	default: (event) => {
		endSession(event);
		redirect(303, '/sign-in');
	}
} satisfies Actions;
