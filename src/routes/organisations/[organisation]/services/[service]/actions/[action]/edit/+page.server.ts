import { error, fail, redirect } from '@sveltejs/kit';
import { isoDateParts } from '$lib/domain/dates';
import { authorise } from '$lib/server/access/guard';
import { requireOrganisation } from '$lib/server/organisations';
import { formValues, parseForm } from '$lib/server/forms';
import {
	actionUpdateSchema,
	challengeChoices,
	getAction,
	possibleOwners,
	updateAction
} from '$lib/server/actions';
import type { Actions, PageServerLoad } from './$types';

/** The saved action as the form's fields, so the page starts from what is stored. */
function asFormValues(
	action: NonNullable<ReturnType<typeof getAction>>,
	ownerName: string | null
): Record<string, string> {
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
		ownerName: action.ownerUserId ? '' : (ownerName ?? ''),
		status: action.status,
		outcome: action.outcome,
		...date('start', action.startDate),
		...date('due', action.dueDate)
	};
}

export const load = ((event) => {
	const { organisation: organisationId, service: serviceId, action: actionId } = event.params;
	authorise(event, 'plan.edit', { organisationId, serviceId });
	const db = event.locals.db;
	const action = getAction(db, organisationId, serviceId, actionId);
	if (!action) error(404, 'Page not found');
	return {
		organisation: requireOrganisation(db, organisationId),
		action: { id: action.id, title: action.title, serviceId, serviceName: action.serviceName },
		saved: asFormValues(action, action.ownerName),
		challenges: challengeChoices(db, serviceId, action.challengeId).choices,
		owners: possibleOwners(db, organisationId, serviceId)
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { organisation: organisationId, service: serviceId, action: actionId } = event.params;
		const person = authorise(event, 'plan.edit', { organisationId, serviceId });
		const db = event.locals.db;
		if (!getAction(db, organisationId, serviceId, actionId)) error(404, 'Page not found');
		const form = await event.request.formData();
		const result = parseForm(actionUpdateSchema, form);
		if (!result.ok) return fail(400, { values: result.values, errors: result.errors });
		const updated = updateAction(db, person, organisationId, serviceId, actionId, result.data);
		if (!updated.ok) {
			if (updated.status === 404) error(404, 'Page not found');
			return fail(updated.status, { values: formValues(form), errors: updated.errors });
		}
		redirect(303, `/organisations/${organisationId}/services/${serviceId}/actions/${actionId}`);
	}
} satisfies Actions;
