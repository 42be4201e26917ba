import { fail, redirect } from '@sveltejs/kit';
import { authorise } from '$lib/server/access/guard';
import { parseForm, type FieldErrors } from '$lib/server/forms';
import { requireOrganisation } from '$lib/server/organisations';
import {
	countUngroupedServices,
	createGrouping,
	groupingInputSchema,
	listGroupings
} from '$lib/server/groupings';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const organisationId = event.params.organisation;
	authorise(event, 'organisation.manage', { organisationId });
	const db = event.locals.db;
	return {
		organisation: requireOrganisation(db, organisationId),
		groupings: listGroupings(db, organisationId),
		ungroupedServices: countUngroupedServices(db, organisationId)
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const organisationId = event.params.organisation;
		const person = authorise(event, 'organisation.manage', { organisationId });
		const db = event.locals.db;
		const organisation = requireOrganisation(db, organisationId);
		const result = parseForm(
			groupingInputSchema(organisation.groupingLabel),
			await event.request.formData()
		);
		if (!result.ok) return fail(400, { values: result.values, errors: result.errors });
		const created = createGrouping(
			db,
			person,
			organisationId,
			organisation.groupingLabel,
			result.data
		);
		if (!created.ok) {
			return fail(400, {
				values: { name: result.data.name } as Record<string, string>,
				errors: { [created.field]: created.message } as FieldErrors
			});
		}
		redirect(303, `/organisations/${organisationId}/groupings`);
	}
} satisfies Actions;
