import { redirect } from '@sveltejs/kit';
import { mayRevokeTokenOf } from '$lib/server/access/policy';
import { tokenIdSchema } from '$lib/server/api/forms';
import {
	revokeApiToken,
	tokensInOrganisation,
	tokenUsage,
	type PersonToken
} from '$lib/server/api/tokens';
import { parseForm } from '$lib/server/forms';
import { formFailure } from '$lib/server/http/failure';
import { notFound, requireOrganisation } from '$lib/server/http/require';
import { personFor } from '$lib/server/users';
import type { Db } from '$lib/server/db/client';
import type { Person } from '$lib/server/access/policy';
import type { Actions, PageServerLoad } from './$types';

function revocable(db: Db, person: Person, organisationId: string, token: PersonToken) {
	const holder = personFor(db, {
		id: token.userId,
		email: token.personEmail,
		name: token.personName,
		isPlatformAdmin: token.isPlatformAdmin
	});
	return mayRevokeTokenOf(person, holder, organisationId);
}

export const load = ((event) => {
	const { db, person, organisation } = requireOrganisation(event, 'organisation.people');
	const tokens = tokensInOrganisation(db, organisation.id).map((t) => ({
		...t,
		revocable: t.state === 'active' && revocable(db, person, organisation.id, t)
	}));
	return {
		organisation,
		tokens: tokens.map(({ isPlatformAdmin: _, ...t }) => t),
		usage: tokenUsage(
			db,
			tokens.map((t) => t.id)
		),
		revoked: event.url.searchParams.get('done') === 'revoked'
	};
}) satisfies PageServerLoad;

export const actions = {
	revoke: async (event) => {
		const { db, person, organisation } = requireOrganisation(event, 'organisation.people');
		const posted = await event.request.formData();
		const parsed = parseForm(tokenIdSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const token = tokensInOrganisation(db, organisation.id).find(
			(t) => t.id === parsed.data.tokenId
		);
		if (!token || !revocable(db, person, organisation.id, token)) notFound();
		revokeApiToken(db, { tokenId: token.id, byUserId: person.id, organisationId: organisation.id });
		redirect(303, `/organisations/${organisation.id}/people/tokens?done=revoked`);
	}
} satisfies Actions;
