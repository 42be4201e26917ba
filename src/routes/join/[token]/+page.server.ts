import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import { displayJoinCode } from '$lib/domain/rating-sessions';
import {
	JOIN_PROBLEM_MESSAGES,
	joinSession,
	PARTICIPANT_PERSPECTIVES,
	PARTICIPANT_PROBLEM_MESSAGES,
	participantCookie,
	participantFromCookie
} from '$lib/server/rating-sessions/joining';
import { sessionAssessmentOf } from '$lib/server/rating-sessions/sessions';
import {
	serverJoinLimits,
	THROTTLED_MESSAGE,
	TOO_MANY_JOINS_MESSAGE
} from '$lib/server/rating-sessions/limits';
import type { Actions, PageServerLoad } from './$types';

// Public: the join link and QR code open this page; the code in the address is the permission.
// Joining is choosing a perspective: that makes the participant, and their cookie is their key.

export const load = (({ locals, params, cookies, url, getClientAddress }) => {
	const found = serverJoinLimits.checkCode(locals.db, getClientAddress(), params.token);
	if (!found.ok) {
		// A page, not an error: it says what to do (the form posts answer 429 and 400).
		const message =
			found.problem === 'throttled' ? THROTTLED_MESSAGE : JOIN_PROBLEM_MESSAGES[found.problem];
		return { open: false as const, message };
	}
	const session = found.session;
	if (params.token !== session.joinCode) redirect(303, `/join/${session.joinCode}`);
	const cookie = participantCookie(url.origin);
	const who = participantFromCookie(locals.db, cookies.get(cookie.name), session.id);
	if (who.ok) redirect(303, `/join/${session.joinCode}/rate`);
	const about = sessionAssessmentOf(locals.db, session.assessmentId);
	return {
		open: true as const,
		code: session.joinCode,
		displayCode: displayJoinCode(session.joinCode),
		serviceName: about.serviceName,
		order: about.order,
		pace: session.pace,
		notice: who.problem === 'none' ? null : PARTICIPANT_PROBLEM_MESSAGES[who.problem]
	};
}) satisfies PageServerLoad;

const joinSchema = z.object({
	perspective: z.enum(PARTICIPANT_PERSPECTIVES, {
		error: 'Select the perspective you are rating from'
	})
});

export const actions = {
	join: async (event) => {
		const { locals, params, cookies, url } = event;
		const posted = await event.request.formData();
		const address = event.getClientAddress();
		const found = serverJoinLimits.checkCode(locals.db, address, params.token);
		if (!found.ok) {
			if (found.problem === 'throttled')
				return formFailure(event, 429, posted, { message: THROTTLED_MESSAGE });
			// As any made-up link: 404, with the words a person needs.
			error(404, JOIN_PROBLEM_MESSAGES[found.problem]);
		}
		const parsed = parseForm(joinSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		if (!serverJoinLimits.takeJoin(address))
			return formFailure(event, 429, posted, { message: TOO_MANY_JOINS_MESSAGE });
		const joined = joinSession(locals.db, found.session, parsed.data.perspective);
		if (!joined.ok)
			return formFailure(event, 409, posted, { message: JOIN_PROBLEM_MESSAGES[joined.problem] });
		const cookie = participantCookie(url.origin);
		cookies.set(cookie.name, joined.cookieValue, cookie.options);
		redirect(303, `/join/${found.session.joinCode}/rate`);
	}
} satisfies Actions;
