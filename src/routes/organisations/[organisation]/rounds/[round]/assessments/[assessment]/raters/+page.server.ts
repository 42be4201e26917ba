import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import { requireAssessment } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import { addRater, listRaters, possibleRaters } from '$lib/server/ratings/raters';
import type { Actions, PageServerLoad } from './$types';

// Only those who run the assessment (assessment.edit) choose who rates it.

const addRaterSchema = z.object({
	userId: z.string({ error: 'Select a person to add' }).min(1, 'Select a person to add')
});

export const load = ((event) => {
	const { db, organisation, assessment } = requireAssessment(event, 'assessment.edit');
	return {
		organisation,
		assessment,
		raters: listRaters(db, assessment.id),
		candidates: possibleRaters(db, organisation.id, assessment),
		locked: whyAssessmentIsLocked(assessment.roundStatus, assessment.status),
		added: event.url.searchParams.get('added')
	};
}) satisfies PageServerLoad;

export const actions = {
	add: async (event) => {
		const { db, person, organisation, assessment } = requireAssessment(event, 'assessment.edit');
		const posted = await event.request.formData();
		const parsed = parseForm(addRaterSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const result = addRater(db, person, assessment, parsed.data.userId);
		if (!result.ok) {
			const status = result.status === 404 ? 400 : result.status;
			const message = Object.keys(result.errors).length ? undefined : result.message;
			return formFailure(event, status, posted, { errors: result.errors, message });
		}
		const name =
			listRaters(db, assessment.id).find((r) => r.userId === parsed.data.userId)?.name ?? '';
		redirect(
			303,
			`/organisations/${organisation.id}/rounds/${assessment.roundId}/assessments/${assessment.id}/raters?added=${encodeURIComponent(name)}`
		);
	}
} satisfies Actions;
