import { redirect } from '@sveltejs/kit';
import { requireImprovementAction } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { may } from '$lib/server/access/policy';
import { parseForm } from '$lib/server/forms';
import { actionNoteSchema } from '$lib/server/actions/form';
import { actionNotesFor } from '$lib/server/actions/plan';
import { addActionNote } from '$lib/server/actions/changes';
import { londonDate } from '$lib/domain/london-days';
import { isOverdue } from '$lib/domain/actions';
import { NOTE_PAGING, pagingFrom } from '$lib/domain/paging';
import { tooManyPostsMessage } from '$lib/domain/posting-limits';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, person, organisation, action } = requireImprovementAction(event, 'service.view');
	const resource = { organisationId: action.organisationId, serviceId: action.serviceId };
	return {
		organisation,
		action: { ...action, overdue: isOverdue(action, londonDate(new Date())) },
		notes: actionNotesFor(db, action.id, pagingFrom(event.url.searchParams, NOTE_PAGING, 'newest')),
		canEdit: may(person, 'plan.edit', resource),
		canNote: may(person, 'action.note', { ...resource, ownerUserId: action.ownerUserId })
	};
}) satisfies PageServerLoad;

export const actions = {
	note: async (event) => {
		const { db, person, action } = requireImprovementAction(event, 'action.note');
		const posted = await event.request.formData();
		const parsed = parseForm(actionNoteSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const added = addActionNote(db, person, action, parsed.data.body);
		if (!added.ok) {
			const errors = { body: tooManyPostsMessage('progress notes', added.minutesToWait) };
			return formFailure(event, 429, posted, { errors });
		}
		redirect(
			303,
			`/organisations/${action.organisationId}/services/${action.serviceId}/actions/${action.id}?noted#notes`
		);
	}
} satisfies Actions;
