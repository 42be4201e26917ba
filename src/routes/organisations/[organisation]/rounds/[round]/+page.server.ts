import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { authorise } from '$lib/server/access/guard';
import { may } from '$lib/server/access/policy';
import { parseForm } from '$lib/server/forms';
import { requireOrganisation } from '$lib/server/organisations';
import { getFramework } from '$lib/server/frameworks/queries';
import {
	challengeCount,
	closeRound,
	getRound,
	openRound,
	reopenInputSchema,
	reopenRound,
	roundProgress
} from '$lib/server/rounds';
import type { Actions, PageServerLoad, RouteParams } from './$types';

export const load = ((event) => {
	const { organisation: organisationId, round: roundId } = event.params;
	const person = authorise(event, 'organisation.view', { organisationId });
	const db = event.locals.db;
	const round = getRound(db, organisationId, roundId);
	if (!round) error(404, 'Page not found');
	const progress = roundProgress(db, round, {
		shows: (serviceId) => may(person, 'service.view', { organisationId, serviceId })
	});
	return {
		organisation: requireOrganisation(db, organisationId),
		round: {
			id: round.id,
			title: round.title,
			status: round.status,
			periodStart: round.periodStart,
			periodEnd: round.periodEnd,
			frameworkName: getFramework(db, round.frameworkId)?.name ?? '',
			challenges: challengeCount(db, round.frameworkId)
		},
		participants: progress.participants,
		summary: progress.summary,
		canManage: may(person, 'organisation.manage', { organisationId })
	};
}) satisfies PageServerLoad;

function changeStatus(event: RequestEvent<RouteParams>, change: typeof openRound) {
	const { organisation: organisationId, round: roundId } = event.params;
	const person = authorise(event, 'organisation.manage', { organisationId });
	const result = change(event.locals.db, person, organisationId, roundId);
	if (!result.ok) return fail(result.status, { message: result.message });
	redirect(303, `/organisations/${organisationId}/rounds/${roundId}`);
}

export const actions = {
	open: (event) => changeStatus(event, openRound),
	close: (event) => changeStatus(event, closeRound),
	reopen: async (event) => {
		const { organisation: organisationId, round: roundId } = event.params;
		const person = authorise(event, 'organisation.manage', { organisationId });
		const result = parseForm(reopenInputSchema, await event.request.formData());
		if (!result.ok) return fail(400, { values: result.values, errors: result.errors });
		const reopened = reopenRound(
			event.locals.db,
			person,
			organisationId,
			roundId,
			result.data.reason
		);
		if (!reopened.ok && reopened.status === 400) {
			return fail(400, {
				values: { reason: result.data.reason } as Record<string, string>,
				errors: { reason: reopened.message } as Record<string, string>
			});
		}
		if (!reopened.ok) return fail(reopened.status, { message: reopened.message });
		redirect(303, `/organisations/${organisationId}/rounds/${roundId}`);
	}
} satisfies Actions;
