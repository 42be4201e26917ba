// Reading rounds: an organisation's list, one round, and the services taking part.

import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { assessments, frameworks, roundServices, rounds, services } from '../db/schema';

export function listRounds(db: Db, organisationId: string) {
	return db
		.select({
			id: rounds.id,
			title: rounds.title,
			periodStart: rounds.periodStart,
			periodEnd: rounds.periodEnd,
			status: rounds.status,
			frameworkName: frameworks.name,
			services: sql<number>`(select count(*) from ${roundServices} where ${roundServices.roundId} = ${rounds.id})`,
			complete: sql<number>`(select count(*) from ${assessments} where ${assessments.roundId} = ${rounds.id} and ${assessments.status} = 'complete')`
		})
		.from(rounds)
		.innerJoin(frameworks, eq(frameworks.id, rounds.frameworkId))
		.where(eq(rounds.organisationId, organisationId))
		.orderBy(desc(rounds.periodStart), asc(rounds.title))
		.all();
}

/** The round, only if it belongs to this organisation. */
export function getRound(db: Tx, organisationId: string, roundId: string) {
	return db
		.select()
		.from(rounds)
		.where(and(eq(rounds.id, roundId), eq(rounds.organisationId, organisationId)))
		.get();
}

/** The services taking part in a round, by name. */
export function roundServiceIds(db: Tx, roundId: string): string[] {
	return db
		.select({ serviceId: roundServices.serviceId })
		.from(roundServices)
		.innerJoin(services, eq(services.id, roundServices.serviceId))
		.where(eq(roundServices.roundId, roundId))
		.orderBy(asc(services.name))
		.all()
		.map((r) => r.serviceId);
}
