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
	removeRole: (event) => removeRoleAction(event),
	withdrawInvitation: (event) => withdrawInvitationAction(event)
} satisfies Actions;
