import { redirect, type RequestEvent } from '@sveltejs/kit';
import { requireRound } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { may } from '$lib/server/access/policy';
import { parseForm } from '$lib/server/forms';
import { getFramework } from '$lib/server/frameworks/queries';
import { importProvenance } from '$lib/server/import/past-audits';
import { challengeCount, roundProgress } from '$lib/server/rounds/progress';
import {
	closeRound,
	openRound,
	reopenInputSchema,
	reopenRound
} from '$lib/server/rounds/transitions';
import type { Actions, PageServerLoad, RouteParams } from './$types';

export const load = ((event) => {
	const { db, person, organisation, round } = requireRound(event, 'organisation.view');
	const organisationId = organisation.id;
	const progress = roundProgress(db, round, {
		shows: (serviceId) => may(person, 'service.view', { organisationId, serviceId })
	});
	return {
		organisation,
		round: {
			id: round.id,
			title: round.title,
			status: round.status,
			periodStart: round.periodStart,
			periodEnd: round.periodEnd,
			frameworkName: getFramework(db, round.frameworkId)?.name ?? '',
			challenges: challengeCount(db, round.frameworkId),
			provenance: round.importId ? importProvenance(db, round.importId) : null
		},
		participants: progress.participants,
		summary: progress.summary,
		canManage: may(person, 'organisation.manage', { organisationId }),
		canSeeReport: may(person, 'organisation.overview', { organisationId })
	};
}) satisfies PageServerLoad;

async function changeStatus(event: RequestEvent<RouteParams>, change: typeof openRound) {
	const { db, person, organisation, round } = requireRound(event, 'organisation.manage');
	const posted = await event.request.formData();
	const result = change(db, person, organisation.id, round.id);
	if (!result.ok) return formFailure(event, result.status, posted, { message: result.message });
	redirect(303, `/organisations/${organisation.id}/rounds/${round.id}`);
}

export const actions = {
	open: (event) => changeStatus(event, openRound),
	close: (event) => changeStatus(event, closeRound),
	reopen: async (event) => {
		const { db, person, organisation, round } = requireRound(event, 'organisation.manage');
		const posted = await event.request.formData();
		const parsed = parseForm(reopenInputSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const reopened = reopenRound(db, person, organisation.id, round.id, parsed.data.reason);
		if (!reopened.ok && reopened.status === 400)
			return formFailure(event, 400, posted, { errors: { reason: reopened.message } });
		if (!reopened.ok)
			return formFailure(event, reopened.status, posted, { message: reopened.message });
		redirect(303, `/organisations/${organisation.id}/rounds/${round.id}`);
	}
} satisfies Actions;
