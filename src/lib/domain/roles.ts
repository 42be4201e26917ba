/** Roles that apply to a whole organisation, and roles that apply to one of its services. */
export const ORGANISATION_ROLES = ['organisation_admin', 'facilitator', 'viewer'] as const;
export const SERVICE_ROLES = ['service_lead', 'rater', 'viewer'] as const;
export type Role = (typeof ORGANISATION_ROLES)[number] | (typeof SERVICE_ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
	organisation_admin: 'Organisation administrator',
	facilitator: 'Facilitator',
	viewer: 'Viewer',
	service_lead: 'Service lead',
	rater: 'Rater'
};
