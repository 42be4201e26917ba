import { error, redirect } from '@sveltejs/kit';
import { isoDateParts } from '$lib/domain/dates';
import { requireRound } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { listServices } from '$lib/server/services';
import { listGroupings } from '$lib/server/groupings';
import { listAvailableFrameworks } from '$lib/server/frameworks/queries';
import { isRoundChoiceField, readRoundForm, updateRound } from '$lib/server/rounds/form';
import { roundServiceIds } from '$lib/server/rounds/queries';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, organisation, round } = requireRound(event, 'organisation.manage');
	const here = `/organisations/${organisation.id}/rounds/${round.id}`;
	// Only a draft can change; for any other round the round page itself is the place to be.
	if (round.status !== 'draft') redirect(303, here);

	const start = isoDateParts(round.periodStart);
	const end = isoDateParts(round.periodEnd);
	const frameworks = listAvailableFrameworks(db);
	return {
		organisation,
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
		selected: { serviceIds: roundServiceIds(db, round.id), groupingIds: [], serviceTypes: [] },
		services: listServices(db, organisation.id),
		groupings: listGroupings(db, organisation.id),
		frameworks,
		frameworkRetired: !frameworks.some((f) => f.id === round.frameworkId)
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { db, person, organisation, round } = requireRound(event, 'organisation.manage');
		const posted = await event.request.formData();
		const checkboxGroups = isRoundChoiceField;
		const parsed = readRoundForm(db, organisation.id, posted, round);
		if (!parsed.ok) return formFailure(event, 400, posted, { ...parsed, checkboxGroups });
		const updated = updateRound(db, person, organisation.id, round.id, parsed.data);
		if (!updated.ok && updated.status !== 400) error(updated.status, updated.message);
		if (!updated.ok) {
			const errors = { [updated.field]: updated.message };
			return formFailure(event, 400, posted, { errors, checkboxGroups });
		}
		redirect(303, `/organisations/${organisation.id}/rounds/${round.id}`);
	}
} satisfies Actions;
