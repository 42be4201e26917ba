import { requireOrganisation } from '$lib/server/http/require';
import { may } from '$lib/server/access/policy';
import { listServices } from '$lib/server/services';
import { listGroupings } from '$lib/server/groupings';
import { listRounds } from '$lib/server/rounds/queries';
import { firstRunFacts } from '$lib/server/first-run';
import { firstRunChecklist } from '$lib/domain/first-run';
import { groupingWord } from '$lib/domain/groupings';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, person, organisation } = requireOrganisation(event, 'organisation.view');
	const organisationId = organisation.id;
	const canManage = may(person, 'organisation.manage', { organisationId });
	const added = Number(event.url.searchParams.get('added'));
	return {
		organisation,
		groupings: listGroupings(db, organisationId).map((g) => ({ id: g.id, name: g.name })),
		services: listServices(db, organisationId).filter((s) =>
			may(person, 'service.view', { organisationId, serviceId: s.id })
		),
		rounds: listRounds(db, organisationId),
		canManage,
		// Only those who can do the steps see them, and only until the first round exists.
		firstRun: canManage
			? firstRunChecklist(
					firstRunFacts(db, organisationId),
					groupingWord(organisation.groupingLabel)
				)
			: null,
		servicesAdded: Number.isInteger(added) && added > 0 ? added : null,
		canManagePeople: may(person, 'organisation.people', { organisationId }),
		canViewAudit: may(person, 'audit.view', { organisationId }),
		canOverview: may(person, 'organisation.overview', { organisationId })
	};
}) satisfies PageServerLoad;
