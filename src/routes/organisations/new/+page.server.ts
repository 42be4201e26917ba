import { redirect } from '@sveltejs/kit';
import { requirePermission } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import { createOrganisation, organisationInputSchema } from '$lib/server/organisations';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	requirePermission(event, 'organisation.create');
	return {};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { db, person } = requirePermission(event, 'organisation.create');
		const posted = await event.request.formData();
		const parsed = parseForm(organisationInputSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const id = createOrganisation(db, person, parsed.data);
		redirect(303, `/organisations/${id}`);
	}
} satisfies Actions;
