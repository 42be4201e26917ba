import { fail, redirect } from '@sveltejs/kit';
import { SERVICE_TYPES } from '$lib/domain/services';
import { authorise } from '$lib/server/access/guard';
import { parseForm, type FieldErrors } from '$lib/server/forms';
import { requireOrganisation } from '$lib/server/organisations';
import { createService, serviceInputSchema } from '$lib/server/services';
import { listGroupings } from '$lib/server/groupings';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const organisationId = event.params.organisation;
	authorise(event, 'organisation.manage', { organisationId });
	const db = event.locals.db;
	return {
		organisation: requireOrganisation(db, organisationId),
		groupings: listGroupings(db, organisationId).map((g) => ({ id: g.id, name: g.name })),
		serviceTypes: SERVICE_TYPES
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const organisationId = event.params.organisation;
		const person = authorise(event, 'organisation.manage', { organisationId });
		const result = parseForm(serviceInputSchema, await event.request.formData());
		if (!result.ok) return fail(400, { values: result.values, errors: result.errors });
		const created = createService(event.locals.db, person, organisationId, result.data);
		if (!created.ok) {
			const values: Record<string, string> = {
				name: result.data.name,
				type: result.data.type,
				groupingId: result.data.groupingId ?? ''
			};
			return fail(400, { values, errors: { [created.field]: created.message } as FieldErrors });
		}
		redirect(303, `/organisations/${organisationId}/services/${created.id}`);
	}
} satisfies Actions;
