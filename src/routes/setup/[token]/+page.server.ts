import { error, fail, redirect } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import type { Db } from '$lib/server/db';
import { createFirstAdministrator, isValidSetupToken } from '$lib/server/auth/setup';
import { createSession } from '$lib/server/auth/session';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { parseForm } from '$lib/server/forms';
import { newAccountSchema, newUserRow } from '$lib/server/users';
import type { Actions, PageServerLoad } from './$types';

// Public by design: the unguessable one-time token is the permission, and only while no account exists.
function requireSetupToken(db: Db, token: string) {
	if (!isValidSetupToken(db, token)) error(404, 'Page not found');
}

export const load = (({ params, locals }) => {
	requireSetupToken(locals.db, params.token);
	return {};
}) satisfies PageServerLoad;

export const actions = {
	default: async ({ params, request, cookies, url, locals }) => {
		requireSetupToken(locals.db, params.token);
		const result = parseForm(newAccountSchema, await request.formData(), {
			omitFromValues: ['password', 'confirmPassword']
		});
		if (!result.ok) return fail(400, { values: result.values, errors: result.errors });

		const db = locals.db;
		const row = await newUserRow({ ...result.data, isPlatformAdmin: true });
		if (!createFirstAdministrator(db, row).created) error(404, 'Page not found');

		const { token, session } = createSession(db, row.id, {
			idleMs: config().sessionIdleMs,
			maxMs: config().sessionMaxMs
		});
		setSessionCookie(cookies, token, session.expiresAt, url.protocol === 'https:');
		redirect(303, '/organisations');
	}
} satisfies Actions;
