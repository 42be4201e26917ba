import { z } from 'zod';
import { requirePermission } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import {
	importPack,
	listFrameworkVersions,
	MAX_PACK_BYTES,
	setRetired
} from '$lib/server/frameworks/import';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load = ((event) => {
	const { db } = requirePermission(event, 'frameworks.manage');
	return { frameworks: listFrameworkVersions(db) };
}) satisfies PageServerLoad;

const retireSchema = z.object({ id: z.string().min(1).max(64) });

/** The problems of a refused import, one line each, for the page to list. */
const problems = (list: string[] = []) => ({ problems: list });

async function changeRetired(event: RequestEvent, retired: boolean) {
	const { db, person } = requirePermission(event, 'frameworks.manage');
	const posted = await event.request.formData();
	const parsed = retireSchema.safeParse({ id: posted.get('id') });
	if (!parsed.success || !setRetired(db, person, parsed.data.id, retired)) {
		const message = 'That framework was not found.';
		return formFailure(event, 404, posted, { message }, problems());
	}
	return { changed: true };
}

export const actions = {
	import: async (event) => {
		const { db, person } = requirePermission(event, 'frameworks.manage');
		const posted = await event.request.formData();
		const file = posted.get('pack');
		if (!(file instanceof File) || file.size === 0) {
			const message = 'Choose a framework pack file to import';
			return formFailure(event, 400, posted, { message }, problems());
		}
		if (file.size > MAX_PACK_BYTES) {
			const megabytes = (file.size / 1024 / 1024).toFixed(1);
			const message = `The file is ${megabytes} MB. A framework pack file must be 2 MB or smaller.`;
			return formFailure(event, 413, posted, { message }, problems());
		}
		const result = importPack(db, person, await file.text());
		if (!result.ok) {
			const count = result.problems.length;
			const message = `${file.name} could not be imported, so nothing has changed. Correct ${count === 1 ? 'this problem' : `these ${count} problems`} and try again:`;
			return formFailure(event, 400, posted, { message }, problems(result.problems));
		}
		return { imported: { name: result.name, version: result.version, outcome: result.outcome } };
	},
	retire: (event) => changeRetired(event, true),
	restore: (event) => changeRetired(event, false)
} satisfies Actions;
