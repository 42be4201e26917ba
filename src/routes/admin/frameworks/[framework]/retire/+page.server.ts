import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { requireFramework } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { listFrameworkVersions, setRetired } from '$lib/server/frameworks/import';
import type { Actions, PageServerLoad } from './$types';

// Retiring a version asks first: this page says what retiring does, and only its own button,
// which sends `confirm`, retires.

export const load = ((event) => {
	const { db, framework } = requireFramework(event);
	const listed = listFrameworkVersions(db).find((f) => f.id === framework.id)!;
	return {
		framework: {
			id: framework.id,
			name: framework.name,
			version: framework.version,
			retired: framework.retiredAt !== null,
			roundCount: listed.roundCount
		}
	};
}) satisfies PageServerLoad;

const confirmSchema = z.object({ confirm: z.literal('retire') });

export const actions = {
	default: async (event) => {
		const { db, person, framework } = requireFramework(event);
		const posted = await event.request.formData();
		if (!confirmSchema.safeParse({ confirm: posted.get('confirm') }).success) {
			const message = 'To retire this version, use the “Retire this version” button.';
			return formFailure(event, 400, posted, { message });
		}
		if (framework.retiredAt === null) setRetired(db, person, framework.id, true);
		redirect(303, `/admin/frameworks?retired=${framework.id}#retired`);
	}
} satisfies Actions;
