/** Every role a person can hold, each in an organisation or in one of its services. */
export const ROLES = [
	'organisation_admin',
	'facilitator',
	'viewer',
	'service_lead',
	'rater'
] as const;
export type Role = (typeof ROLES)[number];

/** Roles that apply to a whole organisation, and roles that apply to one of its services. */
export const ORGANISATION_ROLES = [
	'organisation_admin',
	'facilitator',
	'viewer'
] as const satisfies readonly Role[];
export const SERVICE_ROLES = ['service_lead', 'rater', 'viewer'] as const satisfies readonly Role[];

export const ROLE_LABELS: Record<Role, string> = {
	organisation_admin: 'Organisation administrator',
	facilitator: 'Facilitator',
	viewer: 'Viewer',
	service_lead: 'Service lead',
	rater: 'Rater'
};

export const isOrganisationRole = (role: Role) =>
	(ORGANISATION_ROLES as readonly Role[]).includes(role);
export const isServiceRole = (role: Role) => (SERVICE_ROLES as readonly Role[]).includes(role);
