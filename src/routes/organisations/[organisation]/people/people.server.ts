// The load and actions of the people pages, shared by the organisation's page and each service's.

import type { RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { formFailure } from '$lib/server/http/failure';
import { requireOrganisation, requireService } from '$lib/server/http/require';
import { parseForm } from '$lib/server/forms';
import { emailIsConfigured } from '$lib/server/mailer';
import { invitationInputSchema } from '$lib/server/invitations';
import {
	invite,
	peoplePage,
	removeRoleHere,
	withdrawInvitationHere,
	type PeopleScope
} from '$lib/server/people';

type PeopleEvent = Pick<RequestEvent, 'locals' | 'url' | 'request'> & {
	params: { organisation: string; service?: string };
};

/** The organisation's people, or one service's when the address names a service. */
function peopleHere(event: PeopleEvent) {
	const { organisation, service } = event.params;
	if (service) {
		const found = requireService({ ...event, params: { organisation, service } }, 'people.view');
		const scope: PeopleScope = {
			organisationId: found.organisation.id,
			serviceId: found.service.id
		};
		return { ...found, scope, serviceHeading: { id: found.service.id, name: found.service.name } };
	}
	const found = requireOrganisation(event, 'people.view');
	const scope: PeopleScope = { organisationId: found.organisation.id };
	return { ...found, scope, serviceHeading: null };
}

export function loadPeople(event: PeopleEvent) {
	const { db, person, organisation, scope, serviceHeading } = peopleHere(event);
	return {
		organisation,
		service: serviceHeading,
		emailConfigured: emailIsConfigured(),
		...peoplePage(db, person, scope)
	};
}

const idSchema = z.object({ id: z.string().min(1).max(64) });

export async function inviteAction(event: PeopleEvent) {
	const { db, person, organisation, scope } = peopleHere(event);
	const posted = await event.request.formData();
	if (scope.serviceId) posted.set('serviceId', scope.serviceId);
	const parsed = parseForm(invitationInputSchema, posted);
	if (!parsed.ok) return formFailure(event, 400, posted, parsed);
	const invited = await invite(
		db,
		person,
		{ ...scope, organisationName: organisation.name },
		parsed.data,
		{ origin: event.url.origin, inviterName: event.locals.user?.name ?? 'An administrator' }
	);
	if (!invited.ok) return formFailure(event, invited.status, posted, invited);
	return { invited: invited.invited };
}

export async function removeRoleAction(event: PeopleEvent) {
	const { db, person, scope } = peopleHere(event);
	const posted = await event.request.formData();
	const parsed = idSchema.safeParse({ id: posted.get('id') });
	if (!parsed.success)
		return formFailure(event, 400, posted, { message: 'Choose a role to remove.' });
	const removed = removeRoleHere(db, person, scope, parsed.data.id);
	if (!removed.ok) return formFailure(event, removed.status, posted, removed);
	return { removed: true };
}

export async function withdrawInvitationAction(event: PeopleEvent) {
	const { db, person, scope } = peopleHere(event);
	const posted = await event.request.formData();
	const parsed = idSchema.safeParse({ id: posted.get('id') });
	if (!parsed.success)
		return formFailure(event, 400, posted, { message: 'Choose an invitation to withdraw.' });
	const withdrawn = withdrawInvitationHere(db, person, scope, parsed.data.id);
	if (!withdrawn.ok) return formFailure(event, withdrawn.status, posted, withdrawn);
	return { withdrawn: true };
}
