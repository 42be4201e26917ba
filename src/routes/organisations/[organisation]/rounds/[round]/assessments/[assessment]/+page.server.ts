import { redirect, type RequestEvent } from '@sveltejs/kit';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import { seesOthersRatings, seesTeamDraft } from '$lib/domain/ratings';
import { requireAssessment } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { may } from '$lib/server/access/policy';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { parseForm } from '$lib/server/forms';
import { addComment, commentInputSchema, listComments } from '$lib/server/comments';
import { ratingSpread } from '$lib/server/ratings/spread';
import { raterOf } from '$lib/server/ratings/raters';
import { actionsToReview } from '$lib/server/actions/review';
import {
	agreedScoresFor,
	previousAgreedScores,
	prioritiesFor,
	scoreFingerprints,
	teamResourcesFor
} from '$lib/server/assessments/queries';
import { parseAssessmentForm } from '$lib/server/assessments/form';
import { saveAssessment } from '$lib/server/assessments/save';
import type { Actions, PageServerLoad, RouteParams } from './$types';

export const load = ((event) => {
	const { db, person, organisation, assessment } = requireAssessment(event, 'assessment.view');
	const resource = { organisationId: organisation.id, serviceId: assessment.serviceId };
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
		organisation,
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

/** The evidence sources are checkbox groups, one per challenge. */
const isSourcesField = (name: string) => name.startsWith('sources-');

async function save(event: RequestEvent<RouteParams>, complete: boolean) {
	const { db, person, organisation, assessment } = requireAssessment(event, 'assessment.edit');
	const posted = await event.request.formData();
	const parsed = parseAssessmentForm(posted, frameworkContent(db, assessment.frameworkId));
	const result = parsed.ok
		? saveAssessment(db, person, assessment, organisation.id, parsed.input, { complete })
		: ({ ...parsed, status: 400, message: undefined } as const);
	if (!result.ok) {
		const { status, errors, message } = result;
		const conflicts = 'conflicts' in result ? result.conflicts : undefined;
		const revisions = 'revisions' in result ? result.revisions : undefined;
		const originals = 'originals' in result ? result.originals : undefined;
		return formFailure(
			event,
			status,
			posted,
			{ errors, message, checkboxGroups: isSourcesField },
			{ conflicts, revisions, originals }
		);
	}
	const base = `/organisations/${organisation.id}`;
	redirect(
		303,
		complete
			? `${base}/services/${assessment.serviceId}?completed#completed`
			: `${base}/rounds/${assessment.roundId}/assessments/${assessment.id}?saved`
	);
}

export const actions = {
	save: (event) => save(event, false),
	complete: (event) => save(event, true),
	comment: async (event) => {
		const { db, person, organisation, assessment } = requireAssessment(event, 'assessment.comment');
		const posted = await event.request.formData();
		const mayAgree = may(person, 'assessment.edit', {
			organisationId: organisation.id,
			serviceId: assessment.serviceId
		});
		if (!seesTeamDraft(raterOf(db, assessment.id, person.id), mayAgree)) {
			const errors = { body: 'Submit your own ratings first: comments open to you once you have.' };
			return formFailure(event, 403, posted, { errors });
		}
		const parsed = parseForm(commentInputSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		addComment(db, person, assessment, organisation.id, parsed.data.body);
		redirect(
			303,
			`/organisations/${organisation.id}/rounds/${assessment.roundId}/assessments/${assessment.id}#comments`
		);
	}
} satisfies Actions;
