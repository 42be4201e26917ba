import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { authorise } from '$lib/server/access/guard';
import { may } from '$lib/server/access/policy';
import { requireOrganisation } from '$lib/server/organisations';
import { getFramework } from '$lib/server/frameworks/queries';
import { closeRound, getRound, openRound, roundParticipants } from '$lib/server/rounds';
import type { Actions, PageServerLoad, RouteParams } from './$types';

export const load = ((event) => {
	const { organisation: organisationId, round: roundId } = event.params;
	const person = authorise(event, 'organisation.view', { organisationId });
	const db = getDb();
	const round = getRound(db, organisationId, roundId);
	if (!round) error(404, 'Page not found');
	return {
		organisation: requireOrganisation(db, organisationId),
		round: {
			id: round.id,
			title: round.title,
			status: round.status,
			periodStart: round.periodStart,
			periodEnd: round.periodEnd,
			frameworkName: getFramework(db, round.frameworkId)?.name ?? ''
		},
		participants: roundParticipants(db, roundId).filter((p) =>
			may(person, 'service.view', { organisationId, serviceId: p.serviceId })
		),
		canManage: may(person, 'organisation.manage', { organisationId })
	};
}) satisfies PageServerLoad;

function changeStatus(event: RequestEvent<RouteParams>, change: typeof openRound) {
	const { organisation: organisationId, round: roundId } = event.params;
	const person = authorise(event, 'organisation.manage', { organisationId });
	const result = change(getDb(), person, organisationId, roundId);
	if (!result.ok) return fail(result.status, { message: result.message });
	redirect(303, `/organisations/${organisationId}/rounds/${roundId}`);
}

export const actions = {
	open: (event) => changeStatus(event, openRound),
	close: (event) => changeStatus(event, closeRound)
} satisfies Actions;
