// A report is an export of the server's data: each view of one is written to the audit trail.

import type { RequestEvent } from '@sveltejs/kit';
import type { Tx } from '../db/client';
import { recordAuditEvent } from '../audit/record';

/**
 * Whether the browser is fetching the page ahead of a click (speculative prefetch), which is not
 * someone reading the report. SvelteKit never preloads the report: its links reload the page.
 */
export function isPrefetch(request: Request): boolean {
	const purpose = request.headers.get('sec-purpose') ?? request.headers.get('purpose') ?? '';
	return /prefetch|prerender/i.test(purpose);
}

export function recordReportView(
	tx: Tx,
	event: Pick<RequestEvent, 'request'>,
	view: {
		userId: string;
		organisationId: string;
		serviceId?: string;
		report: 'board' | 'service';
		round: { id: string; title: string };
	},
	now = new Date()
): void {
	if (isPrefetch(event.request)) return;
	recordAuditEvent(
		tx,
		{
			userId: view.userId,
			organisationId: view.organisationId,
			serviceId: view.serviceId ?? null,
			action: 'export.report',
			entityType: view.serviceId ? 'service' : 'round',
			entityId: view.serviceId ?? view.round.id,
			after: { report: view.report, roundId: view.round.id, round: view.round.title }
		},
		now
	);
}
