import { requirePerson } from '$lib/server/http/require';
import { may } from '$lib/server/access/policy';
import { listOrganisationsFor } from '$lib/server/organisations';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const person = requirePerson(event);
	return {
		organisations: listOrganisationsFor(event.locals.db, person).map((o) => ({
			...o,
			canOpen: may(person, 'organisation.view', { organisationId: o.id }),
			canManageFacilitators:
				may(person, 'organisation.facilitators', { organisationId: o.id }) &&
				!may(person, 'organisation.people', { organisationId: o.id })
		})),
		canCreate: may(person, 'organisation.create'),
		email: event.locals.user?.email ?? '',
		canCompareSites: may(person, 'sites.view'),
		canAdministerAccounts: may(person, 'accounts.administer'),
		canViewPlatformAudit: may(person, 'platform_audit.view'),
		canManageFrameworks: may(person, 'frameworks.manage')
	};
}) satisfies PageServerLoad;
