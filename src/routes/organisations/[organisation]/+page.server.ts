import { requireOrganisation } from '$lib/server/http/require';
import { may } from '$lib/server/access/policy';
import { listServices } from '$lib/server/services';
import { listGroupings } from '$lib/server/groupings';
import { listRounds } from '$lib/server/rounds/queries';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, person, organisation } = requireOrganisation(event, 'organisation.view');
	const organisationId = organisation.id;
	return {
		organisation,
		groupings: listGroupings(db, organisationId).map((g) => ({ id: g.id, name: g.name })),
		services: listServices(db, organisationId).filter((s) =>
			may(person, 'service.view', { organisationId, serviceId: s.id })
		),
		rounds: listRounds(db, organisationId),
		canManage: may(person, 'organisation.manage', { organisationId }),
		canManagePeople: may(person, 'organisation.people', { organisationId }),
		canViewAudit: may(person, 'audit.view', { organisationId }),
		canOverview: may(person, 'organisation.overview', { organisationId })
	};
}) satisfies PageServerLoad;
