import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import { authorise, requirePerson } from '$lib/server/access/guard';
import { requireOrganisation } from '$lib/server/organisations';
import { getAssessment } from '$lib/server/assessments';
import { parseForm } from '$lib/server/forms';
import { addRater, listRaters, possibleRaters } from '$lib/server/ratings';
import type { Actions, PageServerLoad, RouteParams } from './$types';

/** The assessment, and the person, who must be able to run it (assessment.edit); 404 otherwise. */
function leadOf(event: RequestEvent<RouteParams>) {
	requirePerson(event);
	const { organisation: organisationId, round: roundId, assessment: assessmentId } = event.params;
	const assessment = getAssessment(event.locals.db, organisationId, roundId, assessmentId);
	if (!assessment) error(404, 'Page not found');
	const person = authorise(event, 'assessment.edit', {
		organisationId,
		serviceId: assessment.serviceId
	});
	return { person, assessment, organisationId };
}

const addRaterSchema = z.object({
	userId: z.string({ error: 'Select a person to add' }).min(1, 'Select a person to add')
});

export const load = ((event) => {
	const { assessment, organisationId } = leadOf(event);
	const db = event.locals.db;
	return {
		organisation: requireOrganisation(db, organisationId),
		assessment,
		raters: listRaters(db, assessment.id),
		candidates: possibleRaters(db, organisationId, assessment),
		locked: whyAssessmentIsLocked(assessment.roundStatus, assessment.status),
		added: event.url.searchParams.get('added')
	};
}) satisfies PageServerLoad;

export const actions = {
	add: async (event) => {
		const { person, assessment, organisationId } = leadOf(event);
		const parsed = parseForm(addRaterSchema, await event.request.formData());
		if (!parsed.ok)
			return fail(400, { values: parsed.values, errors: parsed.errors, message: undefined });
		const db = event.locals.db;
		const result = addRater(db, person, assessment, parsed.data.userId);
		if (!result.ok) {
			const status = result.status === 404 ? 400 : result.status;
			return fail(status, {
				values: { userId: parsed.data.userId },
				errors: result.errors,
				message: Object.keys(result.errors).length ? undefined : result.message
			});
		}
		const name =
			listRaters(db, assessment.id).find((r) => r.userId === parsed.data.userId)?.name ?? '';
		redirect(
			303,
			`/organisations/${organisationId}/rounds/${assessment.roundId}/assessments/${assessment.id}/raters?added=${encodeURIComponent(name)}`
		);
	}
} satisfies Actions;
