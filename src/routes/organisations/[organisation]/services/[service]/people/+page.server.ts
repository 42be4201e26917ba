import {
	inviteAction,
	loadPeople,
	removeRoleAction,
	withdrawInvitationAction
} from '../../../people/people.server';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => loadPeople(event)) satisfies PageServerLoad;

export const actions = {
	invite: (event) => inviteAction(event),
	revokeMembership: (event) => removeRoleAction(event),
	revokeInvitation: (event) => withdrawInvitationAction(event)
} satisfies Actions;
