import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import { authorise } from '$lib/server/access/guard';
import { may } from '$lib/server/access/policy';
import { requireOrganisation } from '$lib/server/organisations';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { formValues, parseForm } from '$lib/server/forms';
import { addComment, commentInputSchema, listComments } from '$lib/server/comments';
import { ratingSpread, raterOf } from '$lib/server/ratings';
import { seesOthersRatings, seesTeamDraft } from '$lib/domain/ratings';
import { actionsToReview } from '$lib/server/action-review';
import {
	assessmentFromRoute,
	agreedScoresFor,
	parseAssessmentForm,
	previousAgreedScores,
	prioritiesFor,
	saveAssessment,
	scoreFingerprints,
	teamResourcesFor
} from '$lib/server/assessments';
import type { Actions, PageServerLoad, RouteParams } from './$types';

export const load = ((event) => {
	const organisationId = event.params.organisation;
	const assessment = assessmentFromRoute(event);
	const resource = { organisationId, serviceId: assessment.serviceId };
	const person = authorise(event, 'assessment.view', resource);
	const db = event.locals.db;
	const locked = whyAssessmentIsLocked(assessment.roundStatus, assessment.status);
	const framework = frameworkContent(db, assessment.frameworkId);
	const ownRater = raterOf(db, assessment.id, person.id);
	const mayAgree = may(person, 'assessment.edit', resource);
	// What is withheld is never sent, not merely hidden by the page.
	const showDraft = seesTeamDraft(ownRater, mayAgree);
	const toReview = actionsToReview(db, assessment);
	return {
		review: {
			listed: toReview.length,
			reviewed: toReview.filter((a) => a.decision !== null).length,
			justSaved: event.url.searchParams.has('reviewed')
		},
		spread: seesOthersRatings(ownRater) ? ratingSpread(db, assessment.id) : null,
		isRater: !!ownRater,
		raterSubmitted: !!ownRater?.submittedAt,
		draftWithheld: !showDraft,
		organisation: requireOrganisation(db, organisationId),
		assessment,
		framework,
		scores: showDraft ? agreedScoresFor(db, assessment.id) : [],
		teamResources: showDraft ? teamResourcesFor(db, assessment.id) : '',
		priorities: showDraft ? prioritiesFor(db, assessment.id) : [],
		fingerprints: showDraft
			? scoreFingerprints(
					db,
					assessment.id,
					framework.challenges.map((c) => c.id)
				)
			: {},
		// Shown beside each challenge while agreeing, for reference.
		previous: !locked && mayAgree ? previousAgreedScores(db, assessment) : null,
		locked,
		canEdit: !locked && mayAgree,
		comments: showDraft ? listComments(db, assessment.id) : [],
		canComment: showDraft && may(person, 'assessment.comment', resource),
		saved: event.url.searchParams.has('saved')
	};
}) satisfies PageServerLoad;

/** The ticked evidence sources per field, which plain form values (one per name) cannot carry. */
function chosenSources(form: FormData): Record<string, string[]> {
	const chosen: Record<string, string[]> = {};
	for (const [name, value] of form) {
		if (name.startsWith('sources-') && typeof value === 'string') (chosen[name] ??= []).push(value);
	}
	return chosen;
}

async function save(event: RequestEvent<RouteParams>, complete: boolean) {
	const organisationId = event.params.organisation;
	const assessment = assessmentFromRoute(event);
	const person = authorise(event, 'assessment.edit', {
		organisationId,
		serviceId: assessment.serviceId
	});
	const db = event.locals.db;
	const form = await event.request.formData();
	const values = formValues(form);
	const parsed = parseAssessmentForm(form, frameworkContent(db, assessment.frameworkId));
	if (!parsed.ok) {
		return fail(400, {
			values,
			sources: chosenSources(form),
			errors: parsed.errors,
			message: undefined
		});
	}
	const result = saveAssessment(db, person, assessment, organisationId, parsed.input, { complete });
	if (!result.ok) {
		return fail(result.status, {
			values,
			sources: chosenSources(form),
			errors: result.errors,
			message: result.message,
			conflicts: result.conflicts,
			revisions: result.revisions,
			originals: result.originals
		});
	}
	const here = `/organisations/${organisationId}/rounds/${assessment.roundId}/assessments/${assessment.id}`;
	redirect(
		303,
		complete
			? `/organisations/${organisationId}/services/${assessment.serviceId}?completed#completed`
			: `${here}?saved`
	);
}

export const actions = {
	save: (event) => save(event, false),
	complete: (event) => save(event, true),
	comment: async (event) => {
		const organisationId = event.params.organisation;
		const assessment = assessmentFromRoute(event);
		const person = authorise(event, 'assessment.comment', {
			organisationId,
			serviceId: assessment.serviceId
		});
		const mayAgree = may(person, 'assessment.edit', {
			organisationId,
			serviceId: assessment.serviceId
		});
		if (!seesTeamDraft(raterOf(event.locals.db, assessment.id, person.id), mayAgree)) {
			return fail(403, {
				comment: {
					values: { body: '' },
					errors: { body: 'Submit your own ratings first: comments open to you once you have.' }
				}
			});
		}
		const result = parseForm(commentInputSchema, await event.request.formData());
		if (!result.ok) return fail(400, { comment: { values: result.values, errors: result.errors } });
		addComment(event.locals.db, person, assessment, organisationId, result.data.body);
		redirect(
			303,
			`/organisations/${organisationId}/rounds/${assessment.roundId}/assessments/${assessment.id}#comments`
		);
	}
} satisfies Actions;
