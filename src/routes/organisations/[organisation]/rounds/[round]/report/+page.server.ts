import { requireRound } from '$lib/server/http/require';
import { boardReport } from '$lib/server/reports/board';
import { recordReportView } from '$lib/server/reports/record';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, person, organisation, round } = requireRound(event, 'organisation.overview');
	const report = boardReport(db, organisation, round, person);
	recordReportView(db, event, {
		userId: person.id,
		organisationId: organisation.id,
		report: 'board',
		round
	});
	return { organisation, report };
}) satisfies PageServerLoad;
