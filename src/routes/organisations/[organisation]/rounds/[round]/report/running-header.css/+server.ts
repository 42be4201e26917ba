import { requireRound } from '$lib/server/http/require';
import { londonDate } from '$lib/domain/london-days';
import { formatIsoDate } from '$lib/format/dates';
import { cssResponse, runningHeaderCss } from '$lib/server/reports/running-header';
import type { RequestHandler } from './$types';

export const GET = ((event) => {
	const { organisation, round } = requireRound(event, 'organisation.overview');
	return cssResponse(
		runningHeaderCss([
			organisation.name,
			round.title,
			formatIsoDate(londonDate(new Date())),
			round.status === 'closed' ? '' : 'DRAFT'
		])
	);
}) satisfies RequestHandler;
