import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { requireOrganisation } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { listAvailableFrameworks } from '$lib/server/frameworks/queries';
import { listImports, previewPastAudits } from '$lib/server/import/past-audits';
import {
	deleteUpload,
	findUpload,
	MAX_UPLOAD_BYTES,
	saveUpload,
	waitingUpload
} from '$lib/server/import/uploads';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, person, organisation } = requireOrganisation(event, 'organisation.manage');
	const imports = listImports(db, organisation.id);
	// Set by the redirects after an import and an undo; names one only if it is so.
	const importedId = event.url.searchParams.get('imported');
	const undoneId = event.url.searchParams.get('undone');
	return {
		organisation,
		frameworks: listAvailableFrameworks(db),
		imports,
		waiting: waitingUpload(db, person, organisation.id),
		discarded: event.url.searchParams.has('discarded'),
		imported: imports.find((i) => i.id === importedId && !i.undoneAt) ?? null,
		undone: imports.find((i) => i.id === undoneId && i.undoneAt) ?? null
	};
}) satisfies PageServerLoad;

const uploadSchema = z.object({ framework: z.string().min(1).max(64) });
const discardSchema = z.object({ upload: z.string().min(1).max(64) });

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

export const actions = {
	upload: async (event) => {
		const { db, person, organisation } = requireOrganisation(event, 'organisation.manage');
		const posted = await event.request.formData();
		const parsed = uploadSchema.safeParse({ framework: posted.get('framework') ?? undefined });
		const framework = parsed.success
			? listAvailableFrameworks(db).find((f) => f.id === parsed.data.framework)
			: undefined;
		if (!framework) {
			const errors = { framework: 'Choose the framework the scores are on' };
			return formFailure(event, 400, posted, { errors });
		}
		const file = posted.get('file');
		if (!(file instanceof File) || file.size === 0) {
			const errors = {
				file:
					file instanceof File && file.name
						? `“${file.name}” is empty. Choose a filled-in spreadsheet.`
						: 'Choose the spreadsheet of past audits to upload'
			};
			return formFailure(event, 400, posted, { errors });
		}
		if (file.size > MAX_UPLOAD_BYTES) {
			const errors = {
				file: `“${file.name}” is ${megabytes(file.size)} MB. A file must be ${MAX_UPLOAD_BYTES / 1024 / 1024} MB or smaller: split it into smaller files.`
			};
			return formFailure(event, 413, posted, { errors });
		}
		const fileName = file.name.slice(0, 255) || 'upload';
		const content = new Uint8Array(await file.arrayBuffer());
		const input = { organisationId: organisation.id, frameworkId: framework.id, fileName };
		// A file that cannot be read at all is refused here; anything else waits on its preview.
		const preview = await previewPastAudits(db, { ...input, bytes: content });
		if (!preview.ok) {
			const errors = { file: `${preview.problem} Nothing has been imported.` };
			return formFailure(event, 400, posted, { errors });
		}
		const uploadId = saveUpload(db, person, { ...input, content });
		redirect(303, `/organisations/${organisation.id}/imports/uploads/${uploadId}`);
	},
	discard: async (event) => {
		const { db, person, organisation } = requireOrganisation(event, 'organisation.manage');
		const posted = await event.request.formData();
		const parsed = discardSchema.safeParse({ upload: posted.get('upload') ?? undefined });
		const upload = parsed.success
			? findUpload(db, person, organisation.id, parsed.data.upload)
			: null;
		if (!upload) {
			const message =
				'That file is no longer waiting to be imported, so there is nothing to discard.';
			return formFailure(event, parsed.success ? 404 : 400, posted, { message });
		}
		deleteUpload(db, upload.id);
		redirect(303, `/organisations/${organisation.id}/imports?discarded=1#discarded`);
	}
} satisfies Actions;
