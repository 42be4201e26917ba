import { fail, redirect } from '@sveltejs/kit';
import { authorise } from '$lib/server/access/guard';
import { requireOrganisation } from '$lib/server/organisations';
import { requireService } from '$lib/server/services';
import { formValues, parseForm } from '$lib/server/forms';
import {
	actionInputSchema,
	challengeChoices,
	createAction,
	possibleOwners
} from '$lib/server/actions';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const { organisation: organisationId, service: serviceId } = event.params;
	authorise(event, 'plan.edit', { organisationId, serviceId });
	const db = event.locals.db;
	const service = requireService(db, organisationId, serviceId);
	const { latest, choices } = challengeChoices(db, serviceId);
	const challenge = event.url.searchParams.get('challenge') ?? '';
	return {
		organisation: requireOrganisation(db, organisationId),
		service: { id: service.id, name: service.name },
		latest: latest ?? null,
		challenges: choices,
		owners: possibleOwners(db, organisationId, serviceId),
		chosenChallenge: choices.some((c) => c.id === challenge) ? challenge : ''
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { organisation: organisationId, service: serviceId } = event.params;
		const person = authorise(event, 'plan.edit', { organisationId, serviceId });
		const db = event.locals.db;
		requireService(db, organisationId, serviceId);
		const form = await event.request.formData();
		const result = parseForm(actionInputSchema, form);
		if (!result.ok) return fail(400, { values: result.values, errors: result.errors });
		const created = createAction(db, person, organisationId, serviceId, result.data);
		if (!created.ok)
			return fail(created.status, { values: formValues(form), errors: created.errors });
		redirect(303, `/organisations/${organisationId}/services/${serviceId}/actions/${created.id}`);
	}
} satisfies Actions;
