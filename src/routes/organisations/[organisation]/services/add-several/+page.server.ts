import { redirect } from '@sveltejs/kit';
import { SERVICE_TYPES } from '$lib/domain/services';
import { serviceListProblems, type ServiceListPreview } from '$lib/domain/service-list';
import { requireOrganisation } from '$lib/server/http/require';
import { formFailure, type Refusal } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import { listGroupings } from '$lib/server/groupings';
import {
	isReadyToSave,
	previewServiceList,
	saveServiceList,
	serviceListInputSchema
} from '$lib/server/service-list';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, organisation } = requireOrganisation(event, 'organisation.manage');
	return {
		organisation,
		groupings: listGroupings(db, organisation.id).map((g) => g.name),
		serviceTypes: SERVICE_TYPES
	};
}) satisfies PageServerLoad;

/** Every problem of a list that cannot be saved: one for the list itself, one for each line. */
function refusal(preview: ServiceListPreview): Refusal {
	if (preview.listProblem) return { errors: { services: preview.listProblem } };
	const problems = serviceListProblems(preview);
	const n = problems.length;
	return {
		errors: {
			services: `Correct ${n === 1 ? 'the problem' : `the ${n} problems`} in the list, then preview it again`,
			...Object.fromEntries(problems.map((p) => [`line-${p.line}`, p.message]))
		}
	};
}

export const actions = {
	preview: async (event) => {
		const { db, organisation } = requireOrganisation(event, 'organisation.manage');
		const posted = await event.request.formData();
		const parsed = parseForm(serviceListInputSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const preview = previewServiceList(db, organisation, parsed.data.services);
		if (!isReadyToSave(preview))
			return formFailure(event, 400, posted, refusal(preview), { preview });
		return { preview, services: parsed.data.services };
	},
	save: async (event) => {
		const { db, person, organisation } = requireOrganisation(event, 'organisation.manage');
		const posted = await event.request.formData();
		const parsed = parseForm(serviceListInputSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const saved = saveServiceList(db, person, organisation, parsed.data.services);
		if (!saved.ok)
			return formFailure(event, 400, posted, refusal(saved.preview), { preview: saved.preview });
		redirect(303, `/organisations/${organisation.id}?added=${saved.added}#added`);
	}
} satisfies Actions;
