import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { authorise, requirePerson } from './access/guard';
import {
	may,
	mayGrant,
	ORGANISATION_ROLES,
	ROLE_LABELS,
	SERVICE_ROLES,
	type Person,
	type Role
} from './access/policy';
import { formValues, parseForm, type FieldErrors } from './forms';
import { requireOrganisation } from './organisations';
import { getService, listServices } from './services';
import {
	createInvitation,
	getInvitation,
	invitationInputSchema,
	listInvitations,
	revokeInvitation
} from './invitations';
import { getMembership, listMemberships, revokeMembership } from './memberships';
import { sendInvitationEmail } from './mailer';

// The people pages of an organisation and of a service share these rules; the route files stay
// thin. What a person may see and do here follows from `mayGrant`: nobody sees or changes roles
// they could not give themselves.

export interface PeopleScope {
	organisationId: string;
	serviceId?: string;
}

function canSeePeople(person: Person, scope: PeopleScope): boolean {
	if (scope.serviceId) return may(person, 'service.people', scope);
	return (
		may(person, 'organisation.people', scope) || may(person, 'organisation.facilitators', scope)
	);
}

/** The person, if they may see this scope's people; a 404 otherwise. */
export function authorisePeople(event: RequestEvent, scope: PeopleScope): Person {
	const person = requirePerson(event);
	if (!canSeePeople(person, scope))
		authorise(event, scope.serviceId ? 'service.people' : 'organisation.people', scope);
	return person;
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

export function loadPeople(event: RequestEvent, scope: PeopleScope) {
	const person = authorisePeople(event, scope);
	const db = event.locals.db;
	const organisation = requireOrganisation(db, scope.organisationId);
	const service = scope.serviceId
		? getService(db, scope.organisationId, scope.serviceId)
		: undefined;
	if (scope.serviceId && !service) error(404, 'Page not found');
	const organisationServices = scope.serviceId ? [] : listServices(db, scope.organisationId);
	const visible = (role: Role, serviceId: string | null) =>
		mayGrant(person, role, {
			organisationId: scope.organisationId,
			serviceId: serviceId ?? undefined
		});
	return {
		organisation,
		service: service ? { id: service.id, name: service.name } : null,
		memberships: listMemberships(db, scope.organisationId, scope.serviceId)
			.filter((m) => visible(m.role, m.serviceId))
			.map((m) => ({ ...m, roleLabel: ROLE_LABELS[m.role], isYou: m.userId === person.id })),
		invitations: listInvitations(db, scope.organisationId, scope.serviceId)
			.filter((i) => visible(i.role, i.serviceId))
			.map((i) => ({ ...i, roleLabel: ROLE_LABELS[i.role] })),
		services: organisationServices,
		grantable: grantableRoles(
			person,
			scope,
			scope.serviceId ? [scope.serviceId] : organisationServices.map((s) => s.id)
		)
	};
}

const idSchema = z.object({ id: z.string().min(1).max(64) });

export async function inviteAction(event: RequestEvent, scope: PeopleScope) {
	const person = authorisePeople(event, scope);
	const form = await event.request.formData();
	if (scope.serviceId) form.set('serviceId', scope.serviceId);
	const result = parseForm(invitationInputSchema, form);
	if (!result.ok) return fail(400, { values: result.values, errors: result.errors });
	const input = result.data;
	const values = formValues(form);
	const label = ROLE_LABELS[input.role].toLowerCase();
	const isServiceRole = (SERVICE_ROLES as readonly string[]).includes(input.role);
	const isOrganisationRole = (ORGANISATION_ROLES as readonly string[]).includes(input.role);
	if (!isOrganisationRole && !input.serviceId) {
		return fail(400, {
			values,
			errors: { serviceId: `Select the service where they will be ${label}` }
		});
	}
	if (!isServiceRole && input.serviceId) {
		return fail(400, {
			values,
			errors: {
				serviceId: `A ${label} has a role across the whole organisation: choose “Whole organisation”`
			}
		});
	}
	const target = { organisationId: scope.organisationId, serviceId: input.serviceId ?? undefined };
	if (!mayGrant(person, input.role, target)) {
		console.warn(
			`access refused: person=${person.id} tried to grant ${input.role} in ${JSON.stringify(target)}`
		);
		return fail(403, {
			values,
			errors: { role: 'You cannot give that role here. Choose one of the roles listed.' }
		});
	}
	const db = event.locals.db;
	const created = createInvitation(db, person, scope.organisationId, input);
	if (!created.ok)
		return fail(400, { values, errors: { [created.field]: created.message } as FieldErrors });

	const link = `${event.url.origin}/invitations/${created.token}`;
	const organisation = requireOrganisation(db, scope.organisationId);
	const serviceName = input.serviceId
		? getService(db, scope.organisationId, input.serviceId)?.name
		: undefined;
	const emailed = await sendInvitationEmail({
		to: input.email,
		link,
		role: input.role,
		placeName: serviceName ? `${serviceName}, ${organisation.name}` : organisation.name,
		invitedBy: event.locals.user?.name ?? 'An administrator',
		expiresAt: created.expiresAt
	});
	return {
		invited: {
			email: input.email,
			roleLabel: ROLE_LABELS[input.role],
			link,
			emailed,
			expiresAt: created.expiresAt
		}
	};
}

export async function revokeMembershipAction(event: RequestEvent, scope: PeopleScope) {
	const person = authorisePeople(event, scope);
	const parsed = idSchema.safeParse({ id: (await event.request.formData()).get('id') });
	if (!parsed.success) return fail(400, { message: 'Choose a role to remove.' });
	const db = event.locals.db;
	const membership = getMembership(db, scope.organisationId, parsed.data.id);
	const inScope = membership && (!scope.serviceId || membership.serviceId === scope.serviceId);
	if (
		!inScope ||
		!mayGrant(person, membership.role, {
			organisationId: scope.organisationId,
			serviceId: membership.serviceId ?? undefined
		})
	) {
		return fail(404, { message: 'That role was not found.' });
	}
	const result = revokeMembership(db, person, scope.organisationId, membership.id);
	if (!result.ok) return fail(result.status, { message: result.message });
	return { removed: true };
}

export async function revokeInvitationAction(event: RequestEvent, scope: PeopleScope) {
	const person = authorisePeople(event, scope);
	const parsed = idSchema.safeParse({ id: (await event.request.formData()).get('id') });
	if (!parsed.success) return fail(400, { message: 'Choose an invitation to withdraw.' });
	const db = event.locals.db;
	const invitation = getInvitation(db, scope.organisationId, parsed.data.id);
	const inScope = invitation && (!scope.serviceId || invitation.serviceId === scope.serviceId);
	if (
		!inScope ||
		!mayGrant(person, invitation.role as Role, {
			organisationId: scope.organisationId,
			serviceId: invitation.serviceId ?? undefined
		})
	) {
		return fail(404, { message: 'That invitation was not found.' });
	}
	const result = revokeInvitation(db, person, scope.organisationId, invitation.id);
	if (!result.ok) return fail(result.status, { message: result.message });
	return { withdrawn: true };
}
