import { redirect } from '@sveltejs/kit';
import { requireService } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import { actionInputSchema } from '$lib/server/actions/form';
import { challengeChoices, possibleOwners } from '$lib/server/actions/plan';
import { createAction } from '$lib/server/actions/changes';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, organisation, service } = requireService(event, 'plan.edit');
	const { latest, choices } = challengeChoices(db, service.id);
	const challenge = event.url.searchParams.get('challenge') ?? '';
	return {
		organisation,
		service: { id: service.id, name: service.name },
		latest: latest ?? null,
		challenges: choices,
		owners: possibleOwners(db, organisation.id, service.id),
		chosenChallenge: choices.some((c) => c.id === challenge) ? challenge : ''
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { db, person, organisation, service } = requireService(event, 'plan.edit');
		const posted = await event.request.formData();
		const parsed = parseForm(actionInputSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const created = createAction(db, person, organisation.id, service.id, parsed.data);
		if (!created.ok) return formFailure(event, created.status, posted, created);
		redirect(303, `/organisations/${organisation.id}/services/${service.id}/actions/${created.id}`);
	}
} satisfies Actions;
