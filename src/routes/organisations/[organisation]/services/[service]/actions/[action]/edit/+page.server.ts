import { error, redirect } from '@sveltejs/kit';
import { isoDateParts } from '$lib/domain/dates';
import { requireImprovementAction } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import { actionUpdateSchema } from '$lib/server/actions/form';
import { challengeChoices, possibleOwners } from '$lib/server/actions/plan';
import { updateAction } from '$lib/server/actions/changes';
import { type ActionRow } from '$lib/server/actions/rows';
import type { Actions, PageServerLoad } from './$types';

/** The saved action as the form's fields, so the page starts from what is stored. */
function asFormValues(action: ActionRow): Record<string, string> {
	const date = (prefix: string, iso: string | null) => {
		const parts = iso ? isoDateParts(iso) : { day: '', month: '', year: '' };
		return {
			[`${prefix}Day`]: parts.day,
			[`${prefix}Month`]: parts.month,
			[`${prefix}Year`]: parts.year
		};
	};
	return {
		challengeId: action.challengeId,
		title: action.title,
		description: action.description,
		ownerUserId: action.ownerUserId ?? '',
		ownerName: action.ownerUserId ? '' : (action.ownerName ?? ''),
		status: action.status,
		outcome: action.outcome,
		...date('start', action.startDate),
		...date('due', action.dueDate)
	};
}

export const load = ((event) => {
	const { db, organisation, action } = requireImprovementAction(event, 'plan.edit');
	const { serviceId } = action;
	return {
		organisation,
		action: { id: action.id, title: action.title, serviceId, serviceName: action.serviceName },
		saved: asFormValues(action),
		challenges: challengeChoices(db, serviceId, action.challengeId).choices,
		owners: possibleOwners(db, organisation.id, serviceId)
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { db, person, organisation, action } = requireImprovementAction(event, 'plan.edit');
		const posted = await event.request.formData();
		const parsed = parseForm(actionUpdateSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const { serviceId } = action;
		const updated = updateAction(db, person, organisation.id, serviceId, action.id, parsed.data);
		if (!updated.ok) {
			if (updated.status === 404) error(404, 'Page not found');
			return formFailure(event, updated.status, posted, updated);
		}
		redirect(303, `/organisations/${organisation.id}/services/${serviceId}/actions/${action.id}`);
	}
} satisfies Actions;
