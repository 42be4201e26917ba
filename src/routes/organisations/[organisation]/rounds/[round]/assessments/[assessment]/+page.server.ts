import { redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { completionReadiness } from '$lib/domain/completion';
import { whyAssessmentIsLocked, whyTeamPlanIsLocked } from '$lib/domain/rounds';
import { seesOthersRatings, seesTeamDraft } from '$lib/domain/ratings';
import { agreedScoreField } from '$lib/forms/field-names';
import { requireAssessment } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { may } from '$lib/server/access/policy';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { parseForm } from '$lib/server/forms';
import { addComment, commentInputSchema, listComments } from '$lib/server/comments';
import { COMMENT_PAGING, pagingFrom } from '$lib/domain/paging';
import { tooManyPostsMessage } from '$lib/domain/posting-limits';
import { ratingSpread } from '$lib/server/ratings/spread';
import { raterOf } from '$lib/server/ratings/raters';
import { paperSheetsByEnterer } from '$lib/server/ratings/paper-sheets';
import { actionsToReview } from '$lib/server/actions/review';
import { standingOf } from '$lib/server/rounds/progress';
import { importProvenance } from '$lib/server/import/past-audits';
import {
	agreedScoresFor,
	previousAgreedScores,
	scoreFingerprints
} from '$lib/server/assessments/queries';
import { parseAssessmentForm, parseTeamPlanForm } from '$lib/server/assessments/form';
import { saveAssessment } from '$lib/server/assessments/save';
import { saveTeamPlan, savedTeamPlan, teamPlanOriginals } from '$lib/server/assessments/team-plan';
import { undoCompletion, undoCompletionInputSchema } from '$lib/server/assessments/completion';
import {
	addStrength,
	changeStrength,
	confirmStrength,
	dropStrength,
	parseStrengthForm,
	parseStrengthId,
	removeStrength,
	strengthsOf,
	strengthsToOffer,
	type StrengthResult
} from '$lib/server/assessments/strengths';
import { strengthField } from '$lib/forms/field-names';
import type { Actions, PageServerLoad, RouteParams } from './$types';

/** Where a save button takes the person back to: the challenge it belongs to, or the team's plan. */
const TEAM_PLAN = 'team-plan';
/** Where the strengths' forms take the person back to. */
const STRENGTHS = 'strengths';

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
	const reviewed = toReview.filter((a) => a.decision !== null).length;
	const scores = showDraft ? agreedScoresFor(db, assessment.id) : [];
	const plan = showDraft ? savedTeamPlan(db, assessment.id) : { teamResources: '', priorities: [] };
	// The plan stays the team's after completion, until the round closes.
	const canEditPlan = showDraft && mayAgree && !whyTeamPlanIsLocked(assessment.roundStatus);
	const strengths = showDraft ? strengthsOf(db, assessment.id) : [];
	return {
		review: {
			listed: toReview.length,
			reviewed,
			justSaved: event.url.searchParams.has('reviewed')
		},
		spread: seesOthersRatings(ownRater)
			? // Participants' comments go to those who run the discussion, anonymous.
				ratingSpread(db, assessment.id, { agreesLevels: mayAgree, withComments: mayAgree })
			: null,
		/** "3 sheets entered from paper by Sam Lead", beside the spread. */
		paperSheets: seesOthersRatings(ownRater) ? paperSheetsByEnterer(db, assessment.id) : [],
		/** Those who run the assessment print rating sheets and enter them, as they choose raters. */
		runsAssessment: mayAgree,
		isRater: !!ownRater,
		raterSubmitted: !!ownRater?.submittedAt,
		draftWithheld: !showDraft,
		organisation,
		assessment,
		provenance: assessment.importId ? importProvenance(db, assessment.importId) : null,
		standing: standingOf(db, assessment),
		framework,
		scores,
		readiness: completionReadiness(framework.challenges, scores, toReview.length - reviewed),
		teamResources: plan.teamResources,
		priorities: plan.priorities,
		planOriginals: teamPlanOriginals(plan),
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
		canEditPlan,
		strengths,
		/** The previous round's strengths still waiting for the team to confirm or drop them. */
		strengthOffer: canEditPlan ? strengthsToOffer(db, assessment) : null,
		/** The strength the person chose to change, by its "Change" link. */
		changingStrength: canEditPlan
			? (strengths.find((s) => s.id === event.url.searchParams.get('strength')) ?? null)
			: null,
		canUndoCompletion:
			assessment.status === 'complete' &&
			assessment.roundStatus === 'open' &&
			may(person, 'organisation.manage', resource),
		comments: showDraft
			? listComments(
					db,
					assessment.id,
					pagingFrom(event.url.searchParams, COMMENT_PAGING, 'oldest')
				)
			: null,
		canComment: !locked && showDraft && may(person, 'assessment.comment', resource),
		/** Which save brought the person back: '' for the whole form, a challenge's id, or the plan. */
		saved: event.url.searchParams.get('saved'),
		undone: event.url.searchParams.has('undone')
	};
}) satisfies PageServerLoad;

/** The evidence sources are checkbox groups, one per challenge. */
const isSourcesField = (name: string) => name.startsWith('sources-');

/** Refusals of the agreeing form, with the other person's changes when a save conflicted. */
function refused(
	event: RequestEvent<RouteParams>,
	posted: FormData,
	result: { status: number; errors: Record<string, string>; message?: string } & object
) {
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

/**
 * Saves the agreeing form. Every save button posts all of it, so whichever one is pressed, nothing
 * typed anywhere on the page is left behind; only what this person changed is written. With
 * `toCompletion`, the assessment must be ready to complete, and the person goes on to confirm.
 */
async function save(event: RequestEvent<RouteParams>, toCompletion: boolean) {
	const { db, person, organisation, assessment } = requireAssessment(event, 'assessment.edit');
	const posted = await event.request.formData();
	const content = frameworkContent(db, assessment.frameworkId);
	const parsed = parseAssessmentForm(posted, content);
	if (!parsed.ok) return refused(event, posted, { status: 400, errors: parsed.errors });
	const result = saveAssessment(db, person, assessment, organisation.id, parsed.input, {
		mustBeComplete: toCompletion
	});
	if (!result.ok) return refused(event, posted, result);

	const here = `/organisations/${organisation.id}/rounds/${assessment.roundId}/assessments/${assessment.id}`;
	if (toCompletion) redirect(303, `${here}/complete`);
	const places: [string, ...string[]] = [TEAM_PLAN, ...content.challenges.map((c) => c.id)];
	const backTo = z.enum(places).safeParse(posted.get(agreedScoreField.backTo));
	redirect(
		303,
		backTo.success ? `${here}?saved=${backTo.data}#saved-${backTo.data}` : `${here}?saved`
	);
}

/**
 * One of the strengths' small forms: the person must be able to change the team's plan, and comes
 * back to the strengths once the change is made.
 */
async function strengthAction(
	event: RequestEvent<RouteParams>,
	act: (
		context: ReturnType<typeof requireAssessment> & { posted: FormData }
	) => StrengthResult | { ok: false; status: 400; errors: Record<string, string> }
) {
	const context = requireAssessment(event, 'assessment.edit');
	const posted = await event.request.formData();
	const result = act({ ...context, posted });
	if (!result.ok) {
		const original = 'original' in result ? result.original : undefined;
		return formFailure(event, result.status, posted, result, { original });
	}
	const { organisation, assessment } = context;
	redirect(
		303,
		`/organisations/${organisation.id}/rounds/${assessment.roundId}/assessments/${assessment.id}?saved=${STRENGTHS}#saved-${STRENGTHS}`
	);
}

/** A strength's text and challenge, checked against the assessment's framework. */
function strengthInput(
	db: Parameters<typeof frameworkContent>[0],
	frameworkId: string,
	posted: FormData
) {
	const challengeIds = frameworkContent(db, frameworkId).challenges.map((c) => c.id);
	return parseStrengthForm(posted, challengeIds);
}

const invalid = (errors: Record<string, string>) => ({
	ok: false as const,
	status: 400 as const,
	errors
});

export const actions = {
	save: (event) => save(event, false),
	saveAndContinue: (event) => save(event, true),
	teamPlan: async (event) => {
		const { db, person, organisation, assessment } = requireAssessment(event, 'assessment.edit');
		const posted = await event.request.formData();
		const parsed = parseTeamPlanForm(posted, frameworkContent(db, assessment.frameworkId));
		if (!parsed.ok) return refused(event, posted, { status: 400, errors: parsed.errors });
		const result = saveTeamPlan(db, person, assessment, organisation.id, parsed.input);
		if (!result.ok) return refused(event, posted, result);
		redirect(
			303,
			`/organisations/${organisation.id}/rounds/${assessment.roundId}/assessments/${assessment.id}?saved=${TEAM_PLAN}#saved-${TEAM_PLAN}`
		);
	},
	addStrength: (event) =>
		strengthAction(event, ({ db, person, organisation, assessment, posted }) => {
			const input = strengthInput(db, assessment.frameworkId, posted);
			if (!input.ok) return invalid(input.errors);
			return addStrength(db, { person, organisationId: organisation.id }, assessment, input.data);
		}),
	changeStrength: (event) =>
		strengthAction(event, ({ db, person, organisation, assessment, posted }) => {
			const id = parseStrengthId(posted, strengthField.strength);
			const input = strengthInput(db, assessment.frameworkId, posted);
			if (!id.ok || !input.ok)
				return invalid({ ...(id.ok ? {} : id.errors), ...(input.ok ? {} : input.errors) });
			const who = { person, organisationId: organisation.id };
			return changeStrength(db, who, assessment, id.data, input.data);
		}),
	removeStrength: (event) =>
		strengthAction(event, ({ db, person, organisation, assessment, posted }) => {
			const id = parseStrengthId(posted, strengthField.strength);
			if (!id.ok) return invalid(id.errors);
			return removeStrength(db, { person, organisationId: organisation.id }, assessment, id.data);
		}),
	confirmStrength: (event) =>
		strengthAction(event, ({ db, person, organisation, assessment, posted }) => {
			const id = parseStrengthId(posted, strengthField.previous);
			if (!id.ok) return invalid(id.errors);
			return confirmStrength(db, { person, organisationId: organisation.id }, assessment, id.data);
		}),
	dropStrength: (event) =>
		strengthAction(event, ({ db, person, organisation, assessment, posted }) => {
			const id = parseStrengthId(posted, strengthField.previous);
			if (!id.ok) return invalid(id.errors);
			return dropStrength(db, { person, organisationId: organisation.id }, assessment, id.data);
		}),
	undoCompletion: async (event) => {
		const { db, person, organisation, assessment } = requireAssessment(
			event,
			'organisation.manage'
		);
		const posted = await event.request.formData();
		const parsed = parseForm(undoCompletionInputSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const undone = undoCompletion(db, person, assessment, organisation.id, parsed.data.reason);
		if (!undone.ok && undone.status === 400)
			return formFailure(event, 400, posted, { errors: { reason: undone.message } });
		if (!undone.ok) return formFailure(event, undone.status, posted, { message: undone.message });
		redirect(
			303,
			`/organisations/${organisation.id}/rounds/${assessment.roundId}/assessments/${assessment.id}?undone#undone`
		);
	},
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
		const added = addComment(db, person, assessment, organisation.id, parsed.data.body);
		if (!added.ok && added.reason === 'locked') {
			const errors = { body: `${added.message} No more comments can be added.` };
			return formFailure(event, 409, posted, { errors });
		}
		if (!added.ok) {
			const errors = { body: tooManyPostsMessage('comments', added.minutesToWait) };
			return formFailure(event, 429, posted, { errors });
		}
		// Oldest first, the new comment is on the last page.
		const { pages } = listComments(db, assessment.id);
		redirect(
			303,
			`/organisations/${organisation.id}/rounds/${assessment.roundId}/assessments/${assessment.id}?${COMMENT_PAGING.page}=${pages}#comments`
		);
	}
} satisfies Actions;
