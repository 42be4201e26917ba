import { z } from 'zod';
import { requirePermission } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import {
	importPackFile,
	listFrameworkVersions,
	MAX_PACK_BYTES,
	setRetired
} from '$lib/server/frameworks/import';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const { db } = requirePermission(event, 'frameworks.manage');
	const frameworks = listFrameworkVersions(db);
	// Set by the retiring page's redirect; names a version only if it is indeed retired.
	const retired = frameworks.find(
		(f) => f.id === event.url.searchParams.get('retired') && f.retiredAt
	);
	return {
		frameworks,
		retired: retired ? { name: retired.name, version: retired.version } : null
	};
}) satisfies PageServerLoad;

const restoreSchema = z.object({ id: z.string().min(1).max(64) });

/** The problems found in a refused file, one sentence each, for the error summary to list. */
const problems = (list: string[] = []) => ({ problems: list });

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const actions = {
	import: async (event) => {
		const { db, person } = requirePermission(event, 'frameworks.manage');
		const posted = await event.request.formData();
		const file = posted.get('pack');
		if (!(file instanceof File) || file.size === 0) {
			const errors = { pack: 'Choose a framework pack file to import' };
			return formFailure(event, 400, posted, { errors }, problems());
		}
		if (file.size > MAX_PACK_BYTES) {
			const megabytes = (file.size / 1024 / 1024).toFixed(1);
			const errors = {
				pack: `The file is ${megabytes} MB. A framework pack file must be 2 MB or smaller.`
			};
			return formFailure(event, 413, posted, { errors }, problems());
		}
		const bytes = new Uint8Array(await file.arrayBuffer());
		const result = await importPackFile(db, person, bytes, file.name);
		if (!result.ok) {
			const count = plural(result.problems.length, 'problem');
			const message = `${file.name} could not be imported, so nothing has changed. It has ${count}:`;
			const errors = {
				pack: `Correct the ${count} in ${file.name} listed above, then choose the file again`
			};
			return formFailure(event, 400, posted, { message, errors }, problems(result.problems));
		}
		return { imported: { name: result.name, version: result.version, outcome: result.outcome } };
	},
	restore: async (event) => {
		const { db, person } = requirePermission(event, 'frameworks.manage');
		const posted = await event.request.formData();
		const parsed = restoreSchema.safeParse({ id: posted.get('id') });
		if (!parsed.success || !setRetired(db, person, parsed.data.id, false)) {
			const message = 'That framework was not found.';
			return formFailure(event, 404, posted, { message }, problems());
		}
		return { changed: true };
	}
} satisfies Actions;
