import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { authorise } from '$lib/server/access/guard';
import {
	importPack,
	listFrameworkVersions,
	MAX_PACK_BYTES,
	setRetired
} from '$lib/server/frameworks/import';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load = ((event) => {
	authorise(event, 'frameworks.manage');
	return { frameworks: listFrameworkVersions(event.locals.db) };
}) satisfies PageServerLoad;

const retireSchema = z.object({ id: z.string().min(1).max(64) });

async function changeRetired(event: RequestEvent, retired: boolean) {
	const person = authorise(event, 'frameworks.manage');
	const parsed = retireSchema.safeParse({ id: (await event.request.formData()).get('id') });
	if (!parsed.success || !setRetired(event.locals.db, person, parsed.data.id, retired)) {
		return fail(404, { message: 'That framework was not found.', problems: [] as string[] });
	}
	return { changed: true };
}

export const actions = {
	import: async (event) => {
		const person = authorise(event, 'frameworks.manage');
		const file = (await event.request.formData()).get('pack');
		if (!(file instanceof File) || file.size === 0) {
			return fail(400, {
				message: 'Choose a framework pack file to import',
				problems: [] as string[]
			});
		}
		if (file.size > MAX_PACK_BYTES) {
			const megabytes = (file.size / 1024 / 1024).toFixed(1);
			return fail(413, {
				message: `The file is ${megabytes} MB. A framework pack file must be 2 MB or smaller.`,
				problems: [] as string[]
			});
		}
		const result = importPack(event.locals.db, person, await file.text());
		if (!result.ok) {
			return fail(400, {
				message: `${file.name} could not be imported, so nothing has changed. Correct ${result.problems.length === 1 ? 'this problem' : `these ${result.problems.length} problems`} and try again:`,
				problems: result.problems
			});
		}
		return { imported: { name: result.name, version: result.version, outcome: result.outcome } };
	},
	retire: (event) => changeRetired(event, true),
	restore: (event) => changeRetired(event, false)
} satisfies Actions;
