import { error, fail, redirect } from '@sveltejs/kit';
import { isoDateParts } from '$lib/domain/dates';
import { authorise } from '$lib/server/access/guard';
import { formValues, parseForm, type FieldErrors } from '$lib/server/forms';
import { requireOrganisation } from '$lib/server/organisations';
import { listServices } from '$lib/server/services';
import { listGroupings } from '$lib/server/groupings';
import { listAvailableFrameworks } from '$lib/server/frameworks/queries';
import {
	getRound,
	roundInputSchema,
	roundServiceIds,
	tickedChoices,
	updateRound
} from '$lib/server/rounds';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const { organisation: organisationId, round: roundId } = event.params;
	authorise(event, 'organisation.manage', { organisationId });
	const db = event.locals.db;
	const round = getRound(db, organisationId, roundId);
	if (!round) error(404, 'Page not found');
	// Only a draft can change; for any other round the round page itself is the place to be.
	if (round.status !== 'draft') redirect(303, `/organisations/${organisationId}/rounds/${roundId}`);

	const start = isoDateParts(round.periodStart);
	const end = isoDateParts(round.periodEnd);
	const frameworks = listAvailableFrameworks(db);
	return {
		organisation: requireOrganisation(db, organisationId),
		round: { id: round.id, title: round.title },
		values: {
			title: round.title,
			frameworkId: round.frameworkId,
			startDay: start.day,
			startMonth: start.month,
			startYear: start.year,
			endDay: end.day,
			endMonth: end.month,
			endYear: end.year
		} as Record<string, string>,
		selected: { serviceIds: roundServiceIds(db, roundId), groupingIds: [], serviceTypes: [] },
		services: listServices(db, organisationId),
		groupings: listGroupings(db, organisationId),
		frameworks,
		frameworkRetired: !frameworks.some((f) => f.id === round.frameworkId)
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { organisation: organisationId, round: roundId } = event.params;
		const person = authorise(event, 'organisation.manage', { organisationId });
		const form = await event.request.formData();
		const selected = tickedChoices(form);
		const result = parseForm(roundInputSchema, form);
		if (!result.ok) return fail(400, { values: result.values, selected, errors: result.errors });
		const updated = updateRound(event.locals.db, person, organisationId, roundId, result.data);
		if (!updated.ok && updated.status !== 400) error(updated.status, updated.message);
		if (!updated.ok) {
			return fail(400, {
				values: formValues(form),
				selected,
				errors: { [updated.field]: updated.message } as FieldErrors
			});
		}
		redirect(303, `/organisations/${organisationId}/rounds/${roundId}`);
	}
} satisfies Actions;
