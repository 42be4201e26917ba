import { redirect } from '@sveltejs/kit';
import { requireOrganisation } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import {
	countUngroupedServices,
	createGrouping,
	groupingInputSchema,
	listGroupings
} from '$lib/server/groupings';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, organisation } = requireOrganisation(event, 'organisation.manage');
	return {
		organisation,
		groupings: listGroupings(db, organisation.id),
		ungroupedServices: countUngroupedServices(db, organisation.id)
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { db, person, organisation } = requireOrganisation(event, 'organisation.manage');
		const posted = await event.request.formData();
		const parsed = parseForm(groupingInputSchema(organisation.groupingLabel), posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const created = createGrouping(
			db,
			person,
			organisation.id,
			organisation.groupingLabel,
			parsed.data
		);
		if (!created.ok)
			return formFailure(event, 400, posted, { errors: { [created.field]: created.message } });
		redirect(303, `/organisations/${organisation.id}/groupings`);
	}
} satisfies Actions;
