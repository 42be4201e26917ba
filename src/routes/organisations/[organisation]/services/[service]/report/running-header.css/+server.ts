import { requireService } from '$lib/server/http/require';
import { londonDate } from '$lib/domain/london-days';
import { formatIsoDate } from '$lib/format/dates';
import { serviceReportRound } from '$lib/server/reports/service';
import { cssResponse, runningHeaderCss } from '$lib/server/reports/running-header';
import type { RequestHandler } from './$types';

export const GET = ((event) => {
	const { db, organisation, service } = requireService(event, 'service.view');
	const round = serviceReportRound(db, service.id, event.url.searchParams.get('round'));
	return cssResponse(
		runningHeaderCss([
			organisation.name,
			service.name,
			round?.title ?? '',
			formatIsoDate(londonDate(new Date())),
			round && round.status !== 'closed' ? 'DRAFT' : ''
		])
	);
}) satisfies RequestHandler;
