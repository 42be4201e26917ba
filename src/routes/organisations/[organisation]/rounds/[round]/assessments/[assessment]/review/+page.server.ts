import { fail, redirect } from '@sveltejs/kit';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import { authorise } from '$lib/server/access/guard';
import { may } from '$lib/server/access/policy';
import { requireOrganisation } from '$lib/server/organisations';
import { assessmentFromRoute } from '$lib/server/assessments';
import { formValues, type FieldErrors } from '$lib/server/forms';
import { actionsToReview, parseReviewForm, saveReview } from '$lib/server/action-review';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const organisationId = event.params.organisation;
	const assessment = assessmentFromRoute(event);
	const person = authorise(event, 'assessment.view', {
		organisationId,
		serviceId: assessment.serviceId
	});
	const db = event.locals.db;
	const locked = whyAssessmentIsLocked(assessment.roundStatus, assessment.status);
	return {
		organisation: requireOrganisation(db, organisationId),
		assessment,
		actions: actionsToReview(db, assessment),
		locked,
		canEdit:
			!locked && may(person, 'plan.edit', { organisationId, serviceId: assessment.serviceId })
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const organisationId = event.params.organisation;
		const assessment = assessmentFromRoute(event);
		const person = authorise(event, 'plan.edit', {
			organisationId,
			serviceId: assessment.serviceId
		});
		const db = event.locals.db;
		const form = await event.request.formData();
		const parsed = parseReviewForm(form, actionsToReview(db, assessment));
		if (!parsed.ok)
			return fail(400, { values: formValues(form), errors: parsed.errors, message: undefined });
		const saved = saveReview(db, person, assessment, organisationId, parsed.input);
		if (!saved.ok)
			return fail(409, {
				values: formValues(form),
				errors: {} as FieldErrors,
				message: saved.message
			});
		redirect(
			303,
			`/organisations/${organisationId}/rounds/${assessment.roundId}/assessments/${assessment.id}?reviewed#review`
		);
	}
} satisfies Actions;
