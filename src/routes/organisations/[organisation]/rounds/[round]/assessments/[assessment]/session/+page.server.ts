import { redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import { RATING_ORDERS, SESSION_PACES } from '$lib/domain/rating-sessions';
import { requireAssessment } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import { frameworkContent } from '$lib/server/frameworks/queries';
import {
	changeRatingOrder,
	closeSession,
	joinLink,
	lastClosedSession,
	moveChallenge,
	openSessionOf,
	qrSvg,
	ratingOrderOf,
	revealChallenge,
	screenState,
	sessionTotals,
	startSession
} from '$lib/server/rating-sessions';
import type { Actions, PageServerLoad, RouteParams } from './$types';

// Whoever runs the assessment (assessment.edit, as for inviting raters) runs its sessions.

function runnerHere(event: RequestEvent<RouteParams>) {
	const context = requireAssessment(event, 'assessment.edit');
	const { organisation, assessment } = context;
	const here = `/organisations/${organisation.id}/rounds/${assessment.roundId}/assessments/${assessment.id}/session`;
	return { ...context, here };
}

export const load = ((event) => {
	const { db, organisation, assessment } = runnerHere(event);
	const session = openSessionOf(db, assessment.id);
	const last = session ? null : lastClosedSession(db, assessment.id);
	const link = session ? joinLink(event.url.origin, session.joinCode) : null;
	return {
		organisation,
		assessment,
		locked: whyAssessmentIsLocked(assessment.roundStatus, assessment.status),
		order: ratingOrderOf(db, assessment.id),
		state: session ? screenState(db, session, assessment.frameworkId) : null,
		link,
		qr: link ? qrSvg(link) : null,
		lastClosed: last ? { closedAt: last.closedAt!, ...sessionTotals(db, last.id) } : null,
		confirmingClose: event.url.searchParams.has('close')
	};
}) satisfies PageServerLoad;

const startSchema = z.object({
	pace: z.enum(SESSION_PACES, { error: 'Choose how the room moves through the challenges' }),
	order: z.enum(RATING_ORDERS, { error: 'Choose whether the room rates first or talks first' })
});
const orderSchema = z.object({
	order: z.enum(RATING_ORDERS, { error: 'Choose whether the room rates first or talks first' })
});
const moveSchema = z.object({ to: z.enum(['next', 'previous']) });
const revealSchema = z.object({ challenge: z.string().min(1).max(100) });
const closeSchema = z.object({
	confirm: z.literal('yes', { error: 'Confirm that you want to close the session' })
});

const NO_SESSION = 'No rating session is open for this assessment. Start one first.';

export const actions = {
	start: async (event) => {
		const { db, person, assessment, here } = runnerHere(event);
		const posted = await event.request.formData();
		const parsed = parseForm(startSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const result = startSession(db, person, assessment, parsed.data);
		if (!result.ok) return formFailure(event, result.status, posted, { message: result.message });
		redirect(303, here);
	},
	order: async (event) => {
		const { db, person, assessment, here } = runnerHere(event);
		const posted = await event.request.formData();
		const parsed = parseForm(orderSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const result = changeRatingOrder(db, person, assessment, parsed.data.order);
		if (!result.ok) return formFailure(event, result.status, posted, { message: result.message });
		redirect(303, here);
	},
	move: async (event) => {
		const { db, assessment, here } = runnerHere(event);
		const posted = await event.request.formData();
		const parsed = parseForm(moveSchema, posted);
		if (!parsed.ok)
			return formFailure(event, 400, posted, {
				message: 'Choose the next or the previous challenge'
			});
		const session = openSessionOf(db, assessment.id);
		if (!session) return formFailure(event, 409, posted, { message: NO_SESSION });
		const result = moveChallenge(db, session, assessment.frameworkId, parsed.data.to);
		if (!result.ok) return formFailure(event, result.status, posted, { message: result.message });
		redirect(303, here);
	},
	reveal: async (event) => {
		const { db, assessment, here } = runnerHere(event);
		const posted = await event.request.formData();
		const parsed = parseForm(revealSchema, posted);
		if (!parsed.ok)
			return formFailure(event, 400, posted, { message: 'Choose a challenge to reveal' });
		const session = openSessionOf(db, assessment.id);
		if (!session) return formFailure(event, 409, posted, { message: NO_SESSION });
		const content = frameworkContent(db, assessment.frameworkId);
		const result = revealChallenge(db, session, assessment.frameworkId, parsed.data.challenge);
		if (!result.ok) return formFailure(event, result.status, posted, { message: result.message });
		// Revealing a challenge also puts it on the screen.
		if (content.challenges.some((c) => c.id === parsed.data.challenge))
			moveChallenge(db, session, assessment.frameworkId, { challengeId: parsed.data.challenge });
		redirect(303, here);
	},
	close: async (event) => {
		const { db, person, assessment, here } = runnerHere(event);
		const posted = await event.request.formData();
		const parsed = parseForm(closeSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const session = openSessionOf(db, assessment.id);
		if (!session) return formFailure(event, 409, posted, { message: NO_SESSION });
		const result = closeSession(db, person, session);
		if (!result.ok) return formFailure(event, result.status, posted, { message: result.message });
		redirect(303, `${here}?closed`);
	}
} satisfies Actions;
