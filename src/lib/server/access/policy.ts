// The one place that decides who may do what. Every load, form action and endpoint asks `may`
// on the server; a page hiding a button is never the check.

import { isOrganisationRole, isServiceRole, type Role } from '$lib/domain/roles';

export { ORGANISATION_ROLES, ROLE_LABELS, SERVICE_ROLES, type Role } from '$lib/domain/roles';

export interface Membership {
	organisationId: string;
	/** Set when the role applies to one service only. */
	serviceId: string | null;
	role: Role;
}

export interface Person {
	id: string;
	isPlatformAdmin: boolean;
	memberships: Membership[];
}

export type Action =
	/** Create organisations. */
	| 'organisation.create'
	| 'organisation.view'
	/** Services, rounds and the organisation's settings. */
	| 'organisation.manage'
	/** See and change who holds which role in the organisation, and its invitations. */
	| 'organisation.people'
	/** Give or take away a facilitator's read access to the organisation. */
	| 'organisation.facilitators'
	/**
	 * Open a people page: an organisation's (for those who manage its people or its facilitators)
	 * or a service's (service.people). Which roles show there is mayGrant's to say.
	 */
	| 'people.view'
	/** Read the organisation's audit trail. */
	| 'audit.view'
	| 'service.view'
	/** Invite people to a service and see its people. */
	| 'service.people'
	| 'assessment.view'
	| 'assessment.edit'
	/** Add, change and review a service's improvement actions: the people who run its assessment. */
	| 'plan.edit'
	/** Add a progress note to an action: those who plan, and the action's owner while they can see the service. */
	| 'action.note'
	/** Read across all the organisation's services (actions, dashboards): organisation-wide roles only. */
	| 'organisation.overview'
	/** Open the cross-site view: platform administrators, and anyone holding facilitator access somewhere. */
	| 'sites.view'
	/** Include a site in cross-site comparisons (medians only): platform administrators, or its facilitators. */
	| 'sites.compare'
	/** Leave a comment: everyone taking part, and facilitators, but not read-only viewers. */
	| 'assessment.comment'
	/** Every account on the server: reset links and disabling. */
	| 'accounts.administer'
	/** Import, read and retire framework packs for the whole server. */
	| 'frameworks.manage'
	| 'platform_audit.view';

export interface Resource {
	organisationId?: string;
	serviceId?: string;
	/** For an improvement action: the person who owns it, if they have an account. */
	ownerUserId?: string | null;
}

function organisationRoles(person: Person, organisationId: string | undefined): Role[] {
	return person.memberships
		.filter((m) => m.organisationId === organisationId && m.serviceId === null)
		.map((m) => m.role);
}

function serviceRoles(person: Person, resource: Resource): Role[] {
	return person.memberships
		.filter(
			(m) => m.organisationId === resource.organisationId && m.serviceId === resource.serviceId
		)
		.map((m) => m.role);
}

function hasAnyRoleIn(person: Person, organisationId: string | undefined): boolean {
	return person.memberships.some((m) => m.organisationId === organisationId);
}

export function may(person: Person | null, action: Action, resource: Resource = {}): boolean {
	if (!person) return false;
	const orgRoles = organisationRoles(person, resource.organisationId);
	const isOrgAdmin = orgRoles.includes('organisation_admin');

	switch (action) {
		case 'organisation.create':
			return person.isPlatformAdmin;
		case 'organisation.view':
			return hasAnyRoleIn(person, resource.organisationId);
		case 'organisation.overview':
			return orgRoles.length > 0;
		case 'organisation.manage':
		case 'organisation.people':
		case 'audit.view':
			return isOrgAdmin;
		case 'organisation.facilitators':
			return isOrgAdmin || (person.isPlatformAdmin && !!resource.organisationId);
		case 'people.view':
			if (resource.serviceId) return may(person, 'service.people', resource);
			return (
				may(person, 'organisation.people', resource) ||
				may(person, 'organisation.facilitators', resource)
			);
		case 'sites.view':
			return (
				person.isPlatformAdmin ||
				person.memberships.some((m) => m.role === 'facilitator' && m.serviceId === null)
			);
		case 'sites.compare':
			return (
				!!resource.organisationId && (person.isPlatformAdmin || orgRoles.includes('facilitator'))
			);
		case 'accounts.administer':
		case 'frameworks.manage':
		case 'platform_audit.view':
			return person.isPlatformAdmin;
		case 'service.view':
		case 'assessment.view':
			if (!resource.serviceId) return false;
			return orgRoles.length > 0 || serviceRoles(person, resource).length > 0;
		case 'assessment.comment': {
			if (!resource.serviceId) return false;
			const roles = [...orgRoles, ...serviceRoles(person, resource)];
			return roles.some((role) => role !== 'viewer');
		}
		case 'action.note':
			if (may(person, 'plan.edit', resource)) return true;
			return (
				!!resource.ownerUserId &&
				resource.ownerUserId === person.id &&
				may(person, 'service.view', resource)
			);
		case 'assessment.edit':
		case 'plan.edit':
		case 'service.people':
			if (!resource.serviceId) return false;
			return isOrgAdmin || serviceRoles(person, resource).includes('service_lead');
	}
}

/**
 * Which roles a person may hand to others, and where: nobody can give a role above their own,
 * so an invitation can never be used to raise oneself.
 */
export function mayGrant(person: Person | null, role: Role, resource: Resource): boolean {
	if (!person || !resource.organisationId) return false;
	const atServiceLevel = !!resource.serviceId;
	if (atServiceLevel && !isServiceRole(role)) return false;
	if (!atServiceLevel && !isOrganisationRole(role)) return false;

	if (role === 'facilitator') return may(person, 'organisation.facilitators', resource);
	if (!atServiceLevel) return may(person, 'organisation.people', resource);
	if (may(person, 'organisation.people', { organisationId: resource.organisationId })) return true;
	return role !== 'service_lead' && may(person, 'service.people', resource);
}

/**
 * Whether a person may sign someone else out everywhere from an organisation's people page: its
 * administrators, for someone who holds a role in it. Never a platform administrator (whose
 * sessions only another platform administrator may end, from Manage accounts), and never oneself
 * (which "Sign out everywhere else" on one's own account does).
 */
export function mayEndSessionsOf(
	person: Person | null,
	target: { id: string; isPlatformAdmin: boolean; memberships: Membership[] },
	organisationId: string
): boolean {
	if (!person || person.id === target.id || target.isPlatformAdmin) return false;
	return (
		may(person, 'organisation.people', { organisationId }) &&
		target.memberships.some((m) => m.organisationId === organisationId)
	);
}

/**
 * Whether a person may revoke someone's API token from an organisation's people pages: its
 * administrators, for anyone who holds a role in it, but never a platform administrator's token
 * (which only its holder revokes, from their account). Their own tokens too.
 */
export function mayRevokeTokenOf(
	person: Person | null,
	target: { id: string; isPlatformAdmin: boolean; memberships: Membership[] },
	organisationId: string
): boolean {
	if (!person || !may(person, 'organisation.people', { organisationId })) return false;
	if (person.id === target.id) return true;
	return (
		!target.isPlatformAdmin && target.memberships.some((m) => m.organisationId === organisationId)
	);
}
