import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { may } from '$lib/server/access/policy';
import { requireOrganisation } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import {
	endSessionsOfMember,
	mfaRequiredIn,
	peopleWhoMayBeSignedOut,
	setMfaRequired
} from '$lib/server/accounts/organisation-security';
import {
	inviteAction,
	loadPeople,
	removeRoleAction,
	withdrawInvitationAction
} from './people.server';
import type { Actions, PageServerLoad } from './$types';

const NOTICES = {
	'two-step-on': 'Everyone with a role here must now use two-step sign-in.',
	'two-step-off': 'Two-step sign-in is no longer required here (administrators still need it).',
	'signed-out': 'They have been signed out everywhere. They can sign in again.'
} as const;

export const load = ((event) => {
	const page = loadPeople(event);
	const { db, person, organisation } = requireOrganisation(event, 'people.view');
	const organisationId = organisation.id;
	const canManageSignIn = may(person, 'organisation.people', { organisationId });
	const done = event.url.searchParams.get('done');
	const people = canManageSignIn ? peopleWhoMayBeSignedOut(db, person, organisationId) : [];
	return {
		...page,
		signIn: canManageSignIn ? { mfaRequired: mfaRequiredIn(db, organisationId), people } : null,
		notice: done && done in NOTICES ? NOTICES[done as keyof typeof NOTICES] : null
	};
}) satisfies PageServerLoad;

const requirementSchema = z.object({
	mfaRequired: z.enum(['yes', 'no'], { error: 'Choose whether everyone must use two-step sign-in' })
});
const personSchema = z.object({
	userId: z
		.string({ error: 'Choose who to sign out' })
		.trim()
		.min(1, 'Choose who to sign out')
		.max(64, 'Choose who to sign out')
});

export const actions = {
	invite: (event) => inviteAction(event),
	removeRole: (event) => removeRoleAction(event),
	withdrawInvitation: (event) => withdrawInvitationAction(event),

	setTwoStep: async (event) => {
		const { db, person, organisation } = requireOrganisation(event, 'organisation.people');
		const posted = await event.request.formData();
		const parsed = parseForm(requirementSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const required = parsed.data.mfaRequired === 'yes';
		setMfaRequired(db, person.id, organisation.id, required);
		redirect(
			303,
			`/organisations/${organisation.id}/people?done=two-step-${required ? 'on' : 'off'}`
		);
	},

	endSessions: async (event) => {
		const { db, person, organisation } = requireOrganisation(event, 'organisation.people');
		const posted = await event.request.formData();
		const parsed = parseForm(personSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const ended = endSessionsOfMember(db, person, organisation.id, parsed.data.userId);
		if (!ended.ok)
			return formFailure(event, 404, posted, {
				errors: { userId: 'That person was not found here. Choose someone from the list.' }
			});
		redirect(303, `/organisations/${organisation.id}/people?done=signed-out`);
	}
} satisfies Actions;
