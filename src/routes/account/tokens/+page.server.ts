import { redirect } from '@sveltejs/kit';
import { newTokenSchema, tokenIdSchema } from '$lib/server/api/forms';
import {
	createApiToken,
	ownToken,
	revokeApiToken,
	tokensOf,
	tokenUsage
} from '$lib/server/api/tokens';
import { parseForm } from '$lib/server/forms';
import { formFailure } from '$lib/server/http/failure';
import { notFound, requirePerson } from '$lib/server/http/require';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const person = requirePerson(event);
	const db = event.locals.db;
	const tokens = tokensOf(db, person.id);
	return {
		tokens,
		usage: tokenUsage(
			db,
			tokens.map((t) => t.id)
		),
		revoked: event.url.searchParams.get('done') === 'revoked'
	};
}) satisfies PageServerLoad;

export const actions = {
	create: async (event) => {
		const person = requirePerson(event);
		const posted = await event.request.formData();
		const parsed = parseForm(newTokenSchema(), posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const { token, expiresAt } = createApiToken(event.locals.db, {
			userId: person.id,
			...parsed.data
		});
		// Shown on this answer only: the secret is not stored, so it can never be shown again.
		return { created: { name: parsed.data.name, token, expiresAt } };
	},

	revoke: async (event) => {
		const person = requirePerson(event);
		const posted = await event.request.formData();
		const parsed = parseForm(tokenIdSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		if (!ownToken(event.locals.db, person.id, parsed.data.tokenId)) notFound();
		revokeApiToken(event.locals.db, { tokenId: parsed.data.tokenId, byUserId: person.id });
		redirect(303, '/account/tokens?done=revoked');
	}
} satisfies Actions;
