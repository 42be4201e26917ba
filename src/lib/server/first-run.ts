// What the first-run checklist is ticked from: counts of what the organisation already has.

import { and, count, eq, isNull, sql } from 'drizzle-orm';
import type { FirstRunFacts } from '$lib/domain/first-run';
import type { Db } from './db/client';
import { invitations, memberships, rounds, services } from './db/schema';

export function firstRunFacts(db: Db, organisationId: string, now = new Date()): FirstRunFacts {
	const roundCount =
		db.select({ n: count() }).from(rounds).where(eq(rounds.organisationId, organisationId)).get()
			?.n ?? 0;
	const led = sql`exists (select 1 from ${memberships} where ${memberships.serviceId} = ${services.id} and ${memberships.role} = 'service_lead')
		or exists (select 1 from ${invitations} where ${invitations.serviceId} = ${services.id} and ${invitations.role} = 'service_lead'
			and ${invitations.acceptedAt} is null and ${invitations.withdrawnAt} is null and ${invitations.expiresAt} > ${now.getTime()})`;
	const row = db
		.select({
			services: count(),
			groupedServices: sql<number>`count(${services.groupingId})`,
			ledServices: sql<number>`coalesce(sum(case when ${led} then 1 else 0 end), 0)`
		})
		.from(services)
		.where(and(eq(services.organisationId, organisationId), isNull(services.archivedAt)))
		.get();
	return {
		services: row?.services ?? 0,
		groupedServices: row?.groupedServices ?? 0,
		ledServices: row?.ledServices ?? 0,
		rounds: roundCount
	};
}
