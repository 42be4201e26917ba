import { redirect } from '@sveltejs/kit';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import { requireAssessment } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { may } from '$lib/server/access/policy';
import { actionsToReview, parseReviewForm, saveReview } from '$lib/server/actions/review';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, person, organisation, assessment } = requireAssessment(event, 'assessment.view');
	const locked = whyAssessmentIsLocked(assessment.roundStatus, assessment.status);
	const resource = { organisationId: organisation.id, serviceId: assessment.serviceId };
	return {
		organisation,
		assessment,
		actions: actionsToReview(db, assessment),
		locked,
		canEdit: !locked && may(person, 'plan.edit', resource)
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { db, person, organisation, assessment } = requireAssessment(event, 'plan.edit');
		const posted = await event.request.formData();
		const parsed = parseReviewForm(posted, actionsToReview(db, assessment));
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const saved = saveReview(db, person, assessment, organisation.id, parsed.input);
		if (!saved.ok) return formFailure(event, 409, posted, { message: saved.message });
		redirect(
			303,
			`/organisations/${organisation.id}/rounds/${assessment.roundId}/assessments/${assessment.id}?reviewed#review`
		);
	}
} satisfies Actions;
