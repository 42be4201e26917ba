import {
	mayGrant,
	ORGANISATION_ROLES,
	ROLE_LABELS,
	SERVICE_ROLES,
	type Person,
	type Role
} from './access/policy';
import { isOrganisationRole, isServiceRole } from '$lib/domain/roles';
import type { Db } from './db/client';
import type { FieldErrors } from './forms';
import { getService, listServices } from './services';
import {
	createInvitation,
	getInvitation,
	listInvitations,
	withdrawInvitation,
	type InvitationInput
} from './invitations';
import { getMembership, listMemberships, removeRole } from './memberships';
import { emailIsConfigured, sendInvitationEmail } from './mailer';
import { log } from './log';

// The people pages of an organisation and of a service share these rules. What a person sees and
// changes there follows from `mayGrant`: nobody sees or changes roles they could not give.

export interface PeopleScope {
	organisationId: string;
	serviceId?: string;
}

/** The roles the person may hand out here; `serviceIds` are the services an invitation may name. */
function grantableRoles(person: Person, scope: PeopleScope, serviceIds: string[]) {
	const organisationRoles = scope.serviceId
		? []
		: ORGANISATION_ROLES.filter((role) =>
				mayGrant(person, role, { organisationId: scope.organisationId })
			);
	const serviceRoles = SERVICE_ROLES.filter((role) =>
		serviceIds.some((serviceId) =>
			mayGrant(person, role, { organisationId: scope.organisationId, serviceId })
		)
	);
	return { organisationRoles, serviceRoles };
}

/** Whether the person could give this role where it is held, and so may see and change it. */
function mayHandle(
	person: Person,
	scope: PeopleScope,
	held: { role: Role; serviceId: string | null }
) {
	const inScope = !scope.serviceId || held.serviceId === scope.serviceId;
	return (
		inScope &&
		mayGrant(person, held.role, {
			organisationId: scope.organisationId,
			serviceId: held.serviceId ?? undefined
		})
	);
}

/** Who holds which role here, the invitations, and what this person may give. */
export function peoplePage(db: Db, person: Person, scope: PeopleScope) {
	// Only the services they may give a role in: a platform administrator, who may give only a
	// facilitator's role, is not shown an organisation's services.
	const organisationServices = scope.serviceId
		? []
		: listServices(db, scope.organisationId).filter((service) =>
				SERVICE_ROLES.some((role) =>
					mayGrant(person, role, { organisationId: scope.organisationId, serviceId: service.id })
				)
			);
	return {
		memberships: listMemberships(db, scope.organisationId, scope.serviceId)
			.filter((m) => mayHandle(person, scope, m))
			.map((m) => ({ ...m, roleLabel: ROLE_LABELS[m.role], isYou: m.userId === person.id })),
		invitations: listInvitations(db, scope.organisationId, scope.serviceId)
			.filter((i) => mayHandle(person, scope, i))
			.map((i) => ({ ...i, roleLabel: ROLE_LABELS[i.role] })),
		services: organisationServices,
		grantable: grantableRoles(
			person,
			scope,
			scope.serviceId ? [scope.serviceId] : organisationServices.map((s) => s.id)
		)
	};
}

export type PeopleChange<T> =
	({ ok: true } & T) | { ok: false; status: number; errors?: FieldErrors; message?: string };

/** Why this role cannot go to this place, or null when the place fits the role. */
function misplacedRole(input: InvitationInput): FieldErrors | null {
	const label = ROLE_LABELS[input.role].toLowerCase();
	if (!isOrganisationRole(input.role) && !input.serviceId)
		return { serviceId: `Select the service where they will be ${label}` };
	if (!isServiceRole(input.role) && input.serviceId)
		return {
			serviceId: `A ${label} has a role across the whole organisation: choose “Whole organisation”`
		};
	return null;
}

/** What the inviter is told when they pass the link on by hand without vouching for the address. */
export const VOUCH_MESSAGE =
	'Confirm that the address is the person’s own: this server cannot email the link, so you pass it on yourself';

/**
 * Invites someone to a role here. With email set up, the link is emailed and never shown (so it
 * reaches only the address's owner); without, it is shown once for the inviter to pass on, and
 * the inviter must vouch that the address is the person's. Nobody can give a role above their own.
 */
export async function invite(
	db: Db,
	person: Person,
	scope: PeopleScope & { organisationName: string },
	input: InvitationInput,
	from: { origin: string; inviterName: string }
): Promise<PeopleChange<{ invited: Invited }>> {
	const misplaced = misplacedRole(input);
	if (misplaced) return { ok: false, status: 400, errors: misplaced };
	const target = { organisationId: scope.organisationId, serviceId: input.serviceId ?? undefined };
	if (!mayGrant(person, input.role, target)) {
		log().warn({ role: input.role, target }, 'access refused: role not grantable here');
		return {
			ok: false,
			status: 403,
			errors: { role: 'You cannot give that role here. Choose one of the roles listed.' }
		};
	}
	const byEmail = emailIsConfigured();
	if (!byEmail && !input.vouched)
		return { ok: false, status: 400, errors: { vouched: VOUCH_MESSAGE } };
	const created = createInvitation(
		db,
		person,
		scope.organisationId,
		input,
		new Date(),
		byEmail ? 'email' : 'link'
	);
	if (!created.ok) return { ok: false, status: 400, errors: { [created.field]: created.message } };

	const link = `${from.origin}/invitations/${created.token}`;
	const invited = {
		email: input.email,
		roleLabel: ROLE_LABELS[input.role],
		link: byEmail ? null : link,
		expiresAt: created.expiresAt
	};
	if (!byEmail) return { ok: true, invited };

	const serviceName = input.serviceId
		? getService(db, scope.organisationId, input.serviceId)?.name
		: undefined;
	const emailed = await sendInvitationEmail({
		to: input.email,
		link,
		role: input.role,
		placeName: serviceName ? `${serviceName}, ${scope.organisationName}` : scope.organisationName,
		invitedBy: from.inviterName,
		expiresAt: created.expiresAt
	});
	if (emailed === 'sent') return { ok: true, invited };
	// A link nobody received must not stay usable.
	withdrawInvitation(db, person, scope.organisationId, created.id, new Date(), 'email-not-sent');
	return {
		ok: false,
		status: 503,
		message:
			'The invitation email could not be sent, so no invitation was made. Try again later, or ask whoever runs the server to check its email settings.'
	};
}

export type Invited = {
	email: string;
	roleLabel: string;
	/** The link to pass on by hand; null when it was emailed (it is then never shown). */
	link: string | null;
	expiresAt: Date;
};

/** Takes a role away, if it is held here and this person could have given it. */
export function removeRoleHere(
	db: Db,
	person: Person,
	scope: PeopleScope,
	membershipId: string
): PeopleChange<object> {
	const membership = getMembership(db, scope.organisationId, membershipId);
	if (!membership || !mayHandle(person, scope, membership))
		return { ok: false, status: 404, message: 'That role was not found.' };
	const result = removeRole(db, person, scope.organisationId, membership.id);
	return result;
}

/** Withdraws a waiting invitation, if it is for here and this person could have sent it. */
export function withdrawInvitationHere(
	db: Db,
	person: Person,
	scope: PeopleScope,
	invitationId: string
): PeopleChange<object> {
	const invitation = getInvitation(db, scope.organisationId, invitationId);
	if (!invitation || !mayHandle(person, scope, invitation))
		return { ok: false, status: 404, message: 'That invitation was not found.' };
	const result = withdrawInvitation(db, person, scope.organisationId, invitation.id);
	return result;
}
