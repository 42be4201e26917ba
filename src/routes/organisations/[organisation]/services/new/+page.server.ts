import { redirect } from '@sveltejs/kit';
import { SERVICE_TYPES } from '$lib/domain/services';
import { requireOrganisation } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import { createService, serviceInputSchema } from '$lib/server/services';
import { listGroupings } from '$lib/server/groupings';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, organisation } = requireOrganisation(event, 'organisation.manage');
	return {
		organisation,
		groupings: listGroupings(db, organisation.id).map((g) => ({ id: g.id, name: g.name })),
		serviceTypes: SERVICE_TYPES
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { db, person, organisation } = requireOrganisation(event, 'organisation.manage');
		const posted = await event.request.formData();
		const parsed = parseForm(serviceInputSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const created = createService(db, person, organisation.id, parsed.data);
		if (!created.ok)
			return formFailure(event, 400, posted, { errors: { [created.field]: created.message } });
		redirect(303, `/organisations/${organisation.id}/services/${created.id}`);
	}
} satisfies Actions;
