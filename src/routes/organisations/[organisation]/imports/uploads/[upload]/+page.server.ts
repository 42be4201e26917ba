import { error, redirect } from '@sveltejs/kit';
import { requireOrganisation } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { getFramework } from '$lib/server/frameworks/queries';
import { importPastAudits, previewPastAudits } from '$lib/server/import/past-audits';
import {
	deleteUpload,
	findUpload,
	saveUploadChoices,
	uploadInput
} from '$lib/server/import/uploads';
import { readPreviewChoices, previewForPage } from '$lib/server/import/preview-page';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const GONE =
	'This upload is no longer here. A file waits for its preview for a day, and goes once it is imported, discarded or replaced by another upload. Upload it again from “Bring in past audits”.';

/** The person's own upload, or a 404 that says why it may have gone. */
function requireUpload(event: RequestEvent | Parameters<PageServerLoad>[0]) {
	const found = requireOrganisation(event, 'organisation.manage');
	const upload = findUpload(found.db, found.person, found.organisation.id, event.params.upload);
	if (!upload) error(404, GONE);
	return { ...found, upload };
}

export const load = (async (event) => {
	const { db, organisation, upload } = requireUpload(event);
	const preview = await previewPastAudits(db, uploadInput(upload));
	const framework = getFramework(db, upload.frameworkId);
	return {
		organisation,
		upload: { id: upload.id, fileName: upload.fileName, uploadedAt: upload.uploadedAt },
		framework: framework ? { name: framework.name, version: framework.version } : null,
		...previewForPage(preview)
	};
}) satisfies PageServerLoad;

export const actions = {
	update: async (event) => {
		const { db, organisation, upload } = requireUpload(event);
		const posted = await event.request.formData();
		const choices = readPreviewChoices(posted);
		if (!choices.ok) return formFailure(event, 400, posted, { message: choices.message });
		saveUploadChoices(db, upload.id, choices);
		redirect(303, `/organisations/${organisation.id}/imports/uploads/${upload.id}#preview`);
	},
	confirm: async (event) => {
		const { db, person, organisation, upload } = requireUpload(event);
		const posted = await event.request.formData();
		const result = await importPastAudits(db, person, uploadInput(upload));
		if (!result.ok) {
			const status = result.reason === 'already_imported' ? 409 : 400;
			return formFailure(event, status, posted, { message: result.message });
		}
		deleteUpload(db, upload.id);
		redirect(303, `/organisations/${organisation.id}/imports?imported=${result.importId}#imported`);
	}
} satisfies Actions;
