import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import { MAX_RATING_COMMENT_LENGTH, seesOthersRatings } from '$lib/domain/ratings';
import {
	ratingStep,
	ratingStepQuery,
	stepAfterAnswer,
	type RatingStep
} from '$lib/domain/rating-steps';
import { requireRater } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { freeText, parseForm } from '$lib/server/forms';
import { may } from '$lib/server/access/policy';
import { ownRatings, saveRatings, type RatingAnswer } from '$lib/server/ratings/answers';
import { ratingSpread } from '$lib/server/ratings/spread';
import type { Actions, PageServerLoad, RouteParams } from './$types';

/** Only a person invited to rate this assessment reaches this page; anyone else gets 404. */
function raterHere(event: RequestEvent<RouteParams>) {
	const context = requireRater(event);
	const { organisation, assessment } = context;
	const here = `/organisations/${organisation.id}/rounds/${assessment.roundId}/assessments/${assessment.id}/rating`;
	return { ...context, here };
}

export const load = ((event) => {
	const { db, assessment, rater, organisation, person } = raterHere(event);
	const framework = frameworkContent(db, assessment.frameworkId);
	const common = {
		organisation,
		assessment,
		scale: framework.scale,
		challenges: framework.challenges,
		rater,
		answers: ownRatings(db, assessment.id, person.id),
		locked: whyAssessmentIsLocked(assessment.roundStatus, assessment.status)
	};
	if (seesOthersRatings(rater)) {
		return {
			...common,
			step: { kind: 'summary' } as RatingStep,
			spread: ratingSpread(db, assessment.id, {
				agreesLevels: may(person, 'assessment.edit', {
					organisationId: organisation.id,
					serviceId: assessment.serviceId
				})
			}),
			saved: false
		};
	}
	const asked = {
		step: event.url.searchParams.get('step'),
		challenge: event.url.searchParams.get('challenge')
	};
	const step = ratingStep(asked, framework.challenges.length, rater.perspective !== null);
	if (!step) error(404, 'Page not found');
	return { ...common, step, spread: null, saved: event.url.searchParams.has('saved') };
}) satisfies PageServerLoad;

const perspectiveSchema = z.object({
	perspective: z
		.string({ error: 'Select the perspective you are rating from' })
		.min(1, 'Select the perspective you are rating from'),
	returnTo: z.string().optional()
});

const answerSchema = z.object({
	challenge: z.string().min(1),
	level: z.string().optional(),
	comment: freeText('your comment', MAX_RATING_COMMENT_LENGTH, { kind: 'long' }).optional(),
	then: z.enum(['continue', 'later']).optional(),
	returnTo: z.string().optional()
});

export const actions = {
	perspective: async (event) => {
		const { db, person, assessment, here } = raterHere(event);
		const posted = await event.request.formData();
		const parsed = parseForm(perspectiveSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const result = saveRatings(db, person, assessment, {
			perspective: parsed.data.perspective,
			answers: []
		});
		if (!result.ok) return formFailure(event, result.status, posted, result);
		redirect(
			303,
			here +
				ratingStepQuery(
					parsed.data.returnTo === 'summary' ? { kind: 'summary' } : { kind: 'challenge', index: 0 }
				)
		);
	},
	save: async (event) => {
		const { db, person, assessment, here } = raterHere(event);
		const posted = await event.request.formData();
		const parsed = parseForm(answerSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const content = frameworkContent(db, assessment.frameworkId);
		const challenge = content.challenges.find((c) => c.id === parsed.data.challenge);
		if (!challenge) error(404, 'Page not found');
		const raw = parsed.data.level ?? '';
		let choice: RatingAnswer['choice'];
		if (raw === '') choice = null;
		else if (raw === 'dont-know') choice = 'dont-know';
		else if (/^-?\d{1,6}$/.test(raw)) choice = Number(raw);
		else {
			const level = 'Select one of the levels shown, or ‘Don’t know’';
			return formFailure(event, 400, posted, { errors: { level } });
		}
		const goOn = parsed.data.then !== 'later';
		if (goOn && choice === null)
			return formFailure(event, 400, posted, {
				errors: { level: 'Select a level, or ‘Don’t know’' }
			});
		const result = saveRatings(db, person, assessment, {
			answers: [{ challengeId: challenge.id, choice, comment: parsed.data.comment ?? '' }]
		});
		if (!result.ok) return formFailure(event, result.status, posted, result);
		const index = content.challenges.indexOf(challenge);
		const backToSummary = parsed.data.returnTo === 'summary';
		const next = stepAfterAnswer(index, content.challenges.length, backToSummary);
		const again = ratingStepQuery({ kind: 'challenge', index });
		redirect(303, goOn ? here + ratingStepQuery(next) : `${here}${again}&saved`);
	},
	submit: async (event) => {
		const { db, person, assessment, here } = raterHere(event);
		const posted = await event.request.formData();
		const result = saveRatings(db, person, assessment, { answers: [] }, { submit: true });
		if (!result.ok) return formFailure(event, result.status, posted, result);
		redirect(303, here);
	}
} satisfies Actions;
