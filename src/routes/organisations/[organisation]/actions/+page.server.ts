import { requireOrganisation } from '$lib/server/http/require';
import { listServices } from '$lib/server/services';
import { listGroupings } from '$lib/server/groupings';
import { filtersFromUrl } from '$lib/server/actions/rows';
import {
	organisationActions,
	organisationChallengeOptions,
	servicesWithoutPlan
} from '$lib/server/actions/overview';
import { actionCountTable } from '$lib/domain/actions';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, organisation } = requireOrganisation(event, 'organisation.overview');
	const organisationId = organisation.id;
	const filters = filtersFromUrl(event.url);
	const challengeOptions = organisationChallengeOptions(db, organisationId);
	const { actions, counts } = organisationActions(db, organisationId, filters);
	return {
		organisation,
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
		counts: actionCountTable(counts, challengeOptions),
		withoutPlan: servicesWithoutPlan(db, organisationId)
	};
}) satisfies PageServerLoad;
