import { redirect } from '@sveltejs/kit';
import { notFound, requireOrganisation } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { listImports, undoImport } from '$lib/server/import/past-audits';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, organisation } = requireOrganisation(event, 'organisation.manage');
	const found = listImports(db, organisation.id).find((i) => i.id === event.params.import);
	if (!found) notFound();
	return { organisation, pastImport: found };
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { db, person, organisation } = requireOrganisation(event, 'organisation.manage');
		const posted = await event.request.formData();
		const undone = undoImport(db, person, organisation.id, event.params.import);
		if (!undone.ok) {
			if (undone.status === 404) notFound();
			return formFailure(event, undone.status, posted, { message: undone.message });
		}
		redirect(303, `/organisations/${organisation.id}/imports?undone=${event.params.import}#undone`);
	}
} satisfies Actions;
