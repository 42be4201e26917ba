import { error, fail, redirect } from '@sveltejs/kit';
import { authorise } from '$lib/server/access/guard';
import { may } from '$lib/server/access/policy';
import { requireOrganisation } from '$lib/server/organisations';
import { parseForm } from '$lib/server/forms';
import { actionNoteSchema, actionNotesFor, addActionNote, getAction } from '$lib/server/actions';
import { londonDate } from '$lib/domain/london-days';
import { isOverdue } from '$lib/domain/actions';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const { organisation: organisationId, service: serviceId, action: actionId } = event.params;
	const person = authorise(event, 'service.view', { organisationId, serviceId });
	const db = event.locals.db;
	const action = getAction(db, organisationId, serviceId, actionId);
	if (!action) error(404, 'Page not found');
	return {
		organisation: requireOrganisation(db, organisationId),
		action: { ...action, overdue: isOverdue(action, londonDate(new Date())) },
		notes: actionNotesFor(db, actionId),
		canEdit: may(person, 'plan.edit', { organisationId, serviceId }),
		canNote: may(person, 'action.note', {
			organisationId,
			serviceId,
			ownerUserId: action.ownerUserId
		})
	};
}) satisfies PageServerLoad;

export const actions = {
	note: async (event) => {
		const { organisation: organisationId, service: serviceId, action: actionId } = event.params;
		authorise(event, 'service.view', { organisationId, serviceId });
		const db = event.locals.db;
		const action = getAction(db, organisationId, serviceId, actionId);
		if (!action) error(404, 'Page not found');
		const person = authorise(event, 'action.note', {
			organisationId,
			serviceId,
			ownerUserId: action.ownerUserId
		});
		const result = parseForm(actionNoteSchema, await event.request.formData());
		if (!result.ok) return fail(400, { values: result.values, errors: result.errors });
		addActionNote(db, person, action, result.data.body);
		redirect(
			303,
			`/organisations/${organisationId}/services/${serviceId}/actions/${actionId}?noted#notes`
		);
	}
} satisfies Actions;
