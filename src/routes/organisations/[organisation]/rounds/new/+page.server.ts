import { fail, redirect } from '@sveltejs/kit';
import { authorise } from '$lib/server/access/guard';
import { formValues, parseForm, type FieldErrors } from '$lib/server/forms';
import { requireOrganisation } from '$lib/server/organisations';
import { listServices } from '$lib/server/services';
import { listGroupings } from '$lib/server/groupings';
import { listAvailableFrameworks } from '$lib/server/frameworks/queries';
import { createRound, roundInputSchema, tickedChoices } from '$lib/server/rounds';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const organisationId = event.params.organisation;
	authorise(event, 'organisation.manage', { organisationId });
	const db = event.locals.db;
	return {
		organisation: requireOrganisation(db, organisationId),
		services: listServices(db, organisationId),
		groupings: listGroupings(db, organisationId),
		frameworks: listAvailableFrameworks(db)
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const organisationId = event.params.organisation;
		const person = authorise(event, 'organisation.manage', { organisationId });
		const form = await event.request.formData();
		const selected = tickedChoices(form);
		const result = parseForm(roundInputSchema, form);
		if (!result.ok) return fail(400, { values: result.values, selected, errors: result.errors });
		const created = createRound(event.locals.db, person, organisationId, result.data);
		if (!created.ok) {
			return fail(400, {
				values: formValues(form),
				selected,
				errors: { [created.field]: created.message } as FieldErrors
			});
		}
		redirect(303, `/organisations/${organisationId}/rounds/${created.id}`);
	}
} satisfies Actions;
