import { requireService } from '$lib/server/http/require';
import { may } from '$lib/server/access/policy';
import { serviceReport } from '$lib/server/reports/service';
import { recordReportView } from '$lib/server/reports/record';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, person, organisation, service } = requireService(event, 'service.view');
	const agreesLevels = may(person, 'assessment.edit', {
		organisationId: service.organisationId,
		serviceId: service.id
	});
	const report = serviceReport(db, service.id, event.url.searchParams.get('round'), {
		agreesLevels
	});
	if (report)
		recordReportView(db, event, {
			userId: person.id,
			organisationId: organisation.id,
			serviceId: service.id,
			report: 'service',
			round: report.round
		});
	return { organisation, service: { id: service.id, name: service.name }, report };
}) satisfies PageServerLoad;
