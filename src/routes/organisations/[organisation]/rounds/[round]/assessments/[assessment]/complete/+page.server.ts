import { redirect } from '@sveltejs/kit';
import { completionReadiness } from '$lib/domain/completion';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import { savedScoresFingerprint } from '$lib/domain/score-fingerprint';
import { requireAssessment } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { unreviewedActionCount } from '$lib/server/actions/review';
import { agreedScoresFor } from '$lib/server/assessments/queries';
import {
	completeSavedAssessment,
	confirmCompletionInputSchema
} from '$lib/server/assessments/completion';
import type { Actions, PageServerLoad } from './$types';

// The confirmation step before an assessment is marked complete: what will be locked, what still
// stops it, and which challenges were agreed without evidence.

export const load = ((event) => {
	const { db, organisation, assessment } = requireAssessment(event, 'assessment.edit');
	const framework = frameworkContent(db, assessment.frameworkId);
	const scores = agreedScoresFor(db, assessment.id);
	return {
		organisation,
		assessment,
		framework,
		scores,
		readiness: completionReadiness(
			framework.challenges,
			scores,
			unreviewedActionCount(db, assessment)
		),
		confirmed: savedScoresFingerprint(scores),
		locked: whyAssessmentIsLocked(assessment.roundStatus, assessment.status)
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { db, person, organisation, assessment } = requireAssessment(event, 'assessment.edit');
		const posted = await event.request.formData();
		const parsed = parseForm(confirmCompletionInputSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, { message: parsed.errors.confirmed });
		const result = completeSavedAssessment(
			db,
			person,
			assessment,
			organisation.id,
			parsed.data.confirmed
		);
		if (!result.ok) return formFailure(event, result.status, posted, { message: result.message });
		redirect(
			303,
			`/organisations/${organisation.id}/services/${assessment.serviceId}?completed#completed`
		);
	}
} satisfies Actions;
