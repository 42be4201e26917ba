import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { formFailure } from '$lib/server/http/failure';
import { freeText, parseForm } from '$lib/server/forms';
import { displayJoinCode } from '$lib/domain/rating-sessions';
import { MAX_RATING_COMMENT_LENGTH } from '$lib/domain/ratings';
import { frameworkContent } from '$lib/server/frameworks/queries';
import {
	ANSWER_PROBLEMS,
	ownAnswers,
	saveAnswer,
	submitAnswers,
	type AnswerProblem
} from '$lib/server/rating-sessions/answers';
import {
	JOIN_PROBLEM_MESSAGES,
	PARTICIPANT_PROBLEM_MESSAGES,
	participantCookie,
	participantFromCookie,
	type SessionParticipant
} from '$lib/server/rating-sessions/joining';
import {
	revealedChallenges,
	sessionAssessmentOf,
	type RatingSessionRecord
} from '$lib/server/rating-sessions/sessions';
import { sessionSpread } from '$lib/server/rating-sessions/screen';
import { serverJoinLimits, THROTTLED_MESSAGE } from '$lib/server/rating-sessions/limits';
import type { Actions, PageServerLoad, RouteParams } from './$types';

// A participant's own page: public by address, but it answers only the browser holding this
// session's participant cookie. Nobody else's answers are ever read here; after a reveal, the
// room's spread for that challenge, folded, is.

type Here =
	| { ok: false; status: 403 | 404 | 429; message: string; rejoin: string | null }
	| {
			ok: true;
			session: RatingSessionRecord;
			participant: SessionParticipant;
			about: ReturnType<typeof sessionAssessmentOf>;
			here: string;
	  };

function participantHere(event: RequestEvent<RouteParams>): Here {
	const { locals, params, cookies, url } = event;
	const found = serverJoinLimits.checkCode(locals.db, event.getClientAddress(), params.token);
	if (!found.ok) {
		const message =
			found.problem === 'throttled' ? THROTTLED_MESSAGE : JOIN_PROBLEM_MESSAGES[found.problem];
		return { ok: false, status: found.problem === 'throttled' ? 429 : 404, message, rejoin: null };
	}
	const who = participantFromCookie(
		locals.db,
		cookies.get(participantCookie(url.origin).name),
		found.session.id
	);
	if (!who.ok)
		return {
			ok: false,
			status: 403,
			message: PARTICIPANT_PROBLEM_MESSAGES[who.problem],
			rejoin: `/join/${found.session.joinCode}`
		};
	const session = found.session;
	return {
		ok: true,
		session,
		participant: who.participant,
		about: sessionAssessmentOf(locals.db, session.assessmentId),
		here: `/join/${session.joinCode}/rate`
	};
}

export const load = ((event) => {
	const here = participantHere(event);
	if (!here.ok) return { joined: false as const, message: here.message, rejoin: here.rejoin };
	const { db } = event.locals;
	const { session, participant, about } = here;
	const content = frameworkContent(db, about.frameworkId);
	const revealed = revealedChallenges(db, session.id);
	const answers = ownAnswers(db, participant.id);
	const together = session.pace === 'together';
	const asked = event.url.searchParams.get('challenge');
	const checking = event.url.searchParams.get('step') === 'check';
	let index: number;
	if (together) index = content.challenges.findIndex((c) => c.id === session.currentChallengeId);
	else if (asked === null) index = checking ? -1 : 0;
	else {
		index = /^\d{1,3}$/.test(asked) ? Number(asked) - 1 : -1;
		if (index < 0 || index >= content.challenges.length) error(404, 'Page not found');
	}
	const challenge = index >= 0 ? content.challenges[index] : null;
	// When the room moves together, only the challenge on the screen; once submitted, the page
	// lists only the challenges the participant answered.
	const answeredIds = new Set(answers.map((a) => a.challengeId));
	const visible = !together
		? content.challenges
		: participant.submittedAt
			? content.challenges.filter((c) => answeredIds.has(c.id))
			: challenge
				? [challenge]
				: [];
	return {
		joined: true as const,
		displayCode: displayJoinCode(session.joinCode),
		serviceName: about.serviceName,
		order: about.order,
		pace: session.pace,
		perspective: participant.perspective,
		submitted: participant.submittedAt !== null,
		scale: content.scale,
		of: content.challenges.length,
		index,
		challenge,
		/** Only what this participant may see: the current challenge when the room moves together. */
		challenges: visible.map((c) => ({
			id: c.id,
			position: c.position,
			name: c.name,
			shortLabel: c.shortLabel
		})),
		answers: answers.filter((a) => visible.some((c) => c.id === a.challengeId)),
		answeredCount: answers.length,
		spread:
			challenge && revealed.has(challenge.id)
				? sessionSpread(db, session.id, challenge, content.scale)
				: null,
		saved: event.url.searchParams.has('saved')
	};
}) satisfies PageServerLoad;

const RELOAD_THE_PAGE = 'Something on this page went wrong: reload it and answer again';

const answerSchema = z.object({
	// Hidden fields the page fills in: missing or changed only when the page was tampered with.
	challenge: z.string({ error: RELOAD_THE_PAGE }).min(1, RELOAD_THE_PAGE).max(100, RELOAD_THE_PAGE),
	level: z.string().max(20).optional(),
	comment: freeText('your comment', MAX_RATING_COMMENT_LENGTH, { kind: 'long' }).optional(),
	then: z.enum(['next', 'previous', 'stay', 'check'], { error: RELOAD_THE_PAGE }).optional()
});

/** No open session at this address (404, as for any made-up link), or not its participant. */
function refuseVisitor(
	event: RequestEvent<RouteParams>,
	posted: FormData,
	here: Extract<Here, { ok: false }>
) {
	if (here.status === 404) error(404, here.message);
	return formFailure(event, here.status, posted, { message: here.message });
}

function refuse(event: RequestEvent<RouteParams>, posted: FormData, problem: AnswerProblem) {
	const { status, message } = ANSWER_PROBLEMS[problem];
	if (problem === 'off-scale')
		return formFailure(event, status, posted, { errors: { level: message } });
	return formFailure(event, status, posted, { message });
}

export const actions = {
	save: async (event) => {
		const posted = await event.request.formData();
		const here = participantHere(event);
		if (!here.ok) return refuseVisitor(event, posted, here);
		const parsed = parseForm(answerSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const raw = parsed.data.level ?? '';
		if (raw === '')
			return formFailure(event, 400, posted, {
				errors: { level: 'Select a level, or ‘Don’t know’' }
			});
		let choice: number | 'dont-know';
		if (raw === 'dont-know') choice = 'dont-know';
		else if (/^-?\d{1,6}$/.test(raw)) choice = Number(raw);
		else return refuse(event, posted, 'off-scale');
		const { db } = event.locals;
		const result = saveAnswer(db, here.session, here.participant, here.about.frameworkId, {
			challengeId: parsed.data.challenge,
			choice,
			comment: parsed.data.comment ?? ''
		});
		if (!result.ok) return refuse(event, posted, result.problem);
		if (here.session.pace === 'together') redirect(303, `${here.here}?saved`);
		const ids = frameworkContent(db, here.about.frameworkId).challenges.map((c) => c.id);
		const at = ids.indexOf(parsed.data.challenge);
		const then = parsed.data.then ?? 'next';
		if (then === 'check' || (then === 'next' && at === ids.length - 1))
			redirect(303, `${here.here}?step=check`);
		const to = then === 'previous' ? Math.max(0, at - 1) : then === 'next' ? at + 1 : at;
		redirect(303, `${here.here}?challenge=${to + 1}${then === 'stay' ? '&saved' : ''}`);
	},
	submit: async (event) => {
		const posted = await event.request.formData();
		const here = participantHere(event);
		if (!here.ok) return refuseVisitor(event, posted, here);
		const result = submitAnswers(event.locals.db, here.session, here.participant);
		if (!result.ok) return refuse(event, posted, result.problem);
		redirect(303, here.here);
	}
} satisfies Actions;
