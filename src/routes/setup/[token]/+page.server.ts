import { redirect } from '@sveltejs/kit';
import { notFound } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { startSession } from '$lib/server/http/session';
import { createFirstAdministrator, isValidSetupToken } from '$lib/server/auth/setup';
import { parseForm } from '$lib/server/forms';
import { refuseNewPassword } from '$lib/server/auth/password-rules';
import { newAccountSchema, newUserRow } from '$lib/server/users';
import type { Db } from '$lib/server/db/client';
import type { Actions, PageServerLoad } from './$types';

// Public by design: the unguessable one-time token is the permission, and only while no account exists.
function requireSetupToken(db: Db, token: string) {
	if (!isValidSetupToken(db, token)) notFound();
}

export const load = (({ params, locals }) => {
	requireSetupToken(locals.db, params.token);
	return {};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const db = event.locals.db;
		requireSetupToken(db, event.params.token);
		const posted = await event.request.formData();
		const parsed = parseForm(newAccountSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const weak = refuseNewPassword('password', parsed.data.password, parsed.data);
		if (weak) return formFailure(event, 400, posted, weak);

		const row = await newUserRow({ ...parsed.data, isPlatformAdmin: true });
		if (!createFirstAdministrator(db, row).created) notFound();
		startSession(event, row.id);
		redirect(303, '/organisations');
	}
} satisfies Actions;
