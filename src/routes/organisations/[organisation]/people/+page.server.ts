import {
	inviteAction,
	loadPeople,
	revokeInvitationAction,
	revokeMembershipAction
} from '$lib/server/people';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) =>
	loadPeople(event, { organisationId: event.params.organisation })) satisfies PageServerLoad;

export const actions = {
	invite: (event) => inviteAction(event, { organisationId: event.params.organisation }),
	revokeMembership: (event) =>
		revokeMembershipAction(event, { organisationId: event.params.organisation }),
	revokeInvitation: (event) =>
		revokeInvitationAction(event, { organisationId: event.params.organisation })
} satisfies Actions;
