import { error } from '@sveltejs/kit';
import { authorise } from '$lib/server/access/guard';
import { may } from '$lib/server/access/policy';
import { getOrganisation } from '$lib/server/organisations';
import { listServices } from '$lib/server/services';
import { listGroupings } from '$lib/server/groupings';
import { listRounds } from '$lib/server/rounds';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const organisationId = event.params.organisation;
	const person = authorise(event, 'organisation.view', { organisationId });
	const db = event.locals.db;
	const organisation = getOrganisation(db, organisationId);
	if (!organisation) error(404, 'Page not found');
	return {
		organisation: {
			id: organisation.id,
			name: organisation.name,
			odsCode: organisation.odsCode,
			groupingLabel: organisation.groupingLabel
		},
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
