import { redirect } from '@sveltejs/kit';
import { requireOrganisation } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { listServices } from '$lib/server/services';
import { listGroupings } from '$lib/server/groupings';
import { listAvailableFrameworks } from '$lib/server/frameworks/queries';
import { createRound, isRoundChoiceField, readRoundForm } from '$lib/server/rounds/form';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, organisation } = requireOrganisation(event, 'organisation.manage');
	return {
		organisation,
		services: listServices(db, organisation.id),
		groupings: listGroupings(db, organisation.id),
		frameworks: listAvailableFrameworks(db)
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { db, person, organisation } = requireOrganisation(event, 'organisation.manage');
		const posted = await event.request.formData();
		const checkboxGroups = isRoundChoiceField;
		const parsed = readRoundForm(db, organisation.id, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, { ...parsed, checkboxGroups });
		const created = createRound(db, person, organisation.id, parsed.data);
		if (!created.ok) {
			const errors = { [created.field]: created.message };
			return formFailure(event, 400, posted, { errors, checkboxGroups });
		}
		redirect(303, `/organisations/${organisation.id}/rounds/${created.id}`);
	}
} satisfies Actions;
