import { fail, redirect } from '@sveltejs/kit';
import { authorise } from '$lib/server/access/guard';
import { parseForm } from '$lib/server/forms';
import { createOrganisation, organisationInputSchema } from '$lib/server/organisations';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	authorise(event, 'organisation.create');
	return {};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const person = authorise(event, 'organisation.create');
		const result = parseForm(organisationInputSchema, await event.request.formData());
		if (!result.ok) return fail(400, { values: result.values, errors: result.errors });
		const id = createOrganisation(event.locals.db, person, result.data);
		redirect(303, `/organisations/${id}`);
	}
} satisfies Actions;
