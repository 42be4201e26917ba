import { authorise } from '$lib/server/access/guard';
import { requireOrganisation } from '$lib/server/organisations';
import { listServices } from '$lib/server/services';
import { listGroupings } from '$lib/server/groupings';
import { filtersFromUrl } from '$lib/server/actions';
import {
	countTable,
	organisationActions,
	organisationChallengeOptions,
	servicesWithoutPlan
} from '$lib/server/action-overview';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const organisationId = event.params.organisation;
	authorise(event, 'organisation.overview', { organisationId });
	const db = event.locals.db;
	const filters = filtersFromUrl(event.url);
	const challengeOptions = organisationChallengeOptions(db, organisationId);
	const { actions, counts } = organisationActions(db, organisationId, filters);
	return {
		organisation: requireOrganisation(db, organisationId),
		filters: {
			grouping: filters.grouping ?? '',
			service: filters.service ?? '',
			challenge: filters.challenge ?? '',
			status: filters.status ?? '',
			overdue: filters.overdue ?? false
		},
		groupings: listGroupings(db, organisationId).map((g) => ({ value: g.id, text: g.name })),
		services: listServices(db, organisationId).map((s) => ({ value: s.id, text: s.name })),
		challengeOptions,
		actions,
		counts: countTable(counts, challengeOptions),
		withoutPlan: servicesWithoutPlan(db, organisationId)
	};
}) satisfies PageServerLoad;
