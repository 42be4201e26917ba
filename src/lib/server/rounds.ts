import { and, asc, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { isoDateFromParts } from '$lib/domain/dates';
import { whyRoundCannotClose, whyRoundCannotOpen } from '$lib/domain/rounds';
import type { Db } from './db/client';
import { assessments, frameworks, roundServices, rounds, services } from './db/schema';
import { newId } from './ids';
import { recordAuditEvent, type Tx } from './audit';
import { requiredText } from './forms';
import type { Person } from './access/policy';

const datePart = z.string().default('').pipe(z.string().trim().max(4, 'Enter the date as numbers').regex(/^\d*$/, 'Enter the date as numbers'));

const asArray = (value: unknown) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]);

export const roundInputSchema = z
	.object({
		title: requiredText('a title for the round', 200),
		frameworkId: z.string({ error: 'Select a framework' }).min(1, 'Select a framework').max(64),
		serviceIds: z.preprocess(
			asArray,
			z.array(z.string().max(64)).min(1, 'Select at least one service to take part').max(10_000)
		),
		startDay: datePart,
		startMonth: datePart,
		startYear: datePart,
		endDay: datePart,
		endMonth: datePart,
		endYear: datePart
	})
	.transform((v, ctx) => {
		const periodStart = isoDateFromParts(Number(v.startDay), Number(v.startMonth), Number(v.startYear));
		const periodEnd = isoDateFromParts(Number(v.endDay), Number(v.endMonth), Number(v.endYear));
		if (!periodStart) {
			ctx.addIssue({ code: 'custom', path: ['startDay'], message: 'Enter the start date as a real date, like 1 4 2026' });
		}
		if (!periodEnd) {
			ctx.addIssue({ code: 'custom', path: ['endDay'], message: 'Enter the end date as a real date, like 31 3 2027' });
		}
		if (periodStart && periodEnd && periodEnd < periodStart) {
			ctx.addIssue({ code: 'custom', path: ['endDay'], message: 'The end date must be the same as or after the start date' });
		}
		if (!periodStart || !periodEnd) return z.NEVER;
		return {
			title: v.title,
			frameworkId: v.frameworkId,
			serviceIds: [...new Set(v.serviceIds)],
			periodStart,
			periodEnd
		};
	});

export type RoundInput = z.infer<typeof roundInputSchema>;

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

/** Services taking part, with their assessment once the round is open. */
export function roundParticipants(db: Db, roundId: string) {
	return db
		.select({
			serviceId: services.id,
			serviceName: services.name,
			serviceType: services.type,
			assessmentId: assessments.id,
			assessmentStatus: assessments.status
		})
		.from(roundServices)
		.innerJoin(services, eq(services.id, roundServices.serviceId))
		.leftJoin(
			assessments,
			and(eq(assessments.roundId, roundServices.roundId), eq(assessments.serviceId, roundServices.serviceId))
		)
		.where(eq(roundServices.roundId, roundId))
		.orderBy(asc(services.name))
		.all();
}

export type RoundChangeResult = { ok: true; id: string } | { ok: false; field: string; message: string };

export function createRound(
	db: Db,
	person: Person,
	organisationId: string,
	input: RoundInput,
	now = new Date()
): RoundChangeResult {
	return db.transaction((tx) => {
		const framework = tx
			.select({ id: frameworks.id })
			.from(frameworks)
			.where(and(eq(frameworks.id, input.frameworkId), isNull(frameworks.retiredAt)))
			.get();
		if (!framework) return { ok: false, field: 'frameworkId', message: 'Select a framework from the list' } as const;

		const found = tx
			.select({ n: count() })
			.from(services)
			.where(
				and(
					eq(services.organisationId, organisationId),
					isNull(services.archivedAt),
					inArray(services.id, input.serviceIds)
				)
			)
			.get();
		if ((found?.n ?? 0) !== input.serviceIds.length) {
			return { ok: false, field: 'serviceIds', message: 'Select services from this organisation’s list' } as const;
		}

		const row = {
			id: newId(),
			organisationId,
			frameworkId: input.frameworkId,
			title: input.title,
			periodStart: input.periodStart,
			periodEnd: input.periodEnd,
			status: 'draft' as const,
			createdAt: now
		};
		tx.insert(rounds).values(row).run();
		tx.insert(roundServices)
			.values(input.serviceIds.map((serviceId) => ({ roundId: row.id, serviceId })))
			.run();
		recordAuditEvent(tx, {
			userId: person.id,
			organisationId,
			action: 'round.created',
			entityType: 'round',
			entityId: row.id,
			after: { ...row, serviceIds: input.serviceIds }
		}, now);
		return { ok: true, id: row.id } as const;
	});
}

export type RoundStatusChange = { ok: true } | { ok: false; status: 404 | 409; message: string };

const ROUND_NOT_FOUND = { ok: false, status: 404, message: 'Round not found' } as const;

/** Opens a draft round, giving every service taking part an assessment, all at once. */
export function openRound(
	db: Db,
	person: Person,
	organisationId: string,
	roundId: string,
	now = new Date()
): RoundStatusChange {
	return db.transaction((tx) => {
		const round = getRound(tx, organisationId, roundId);
		if (!round) return ROUND_NOT_FOUND;
		const serviceIds = tx
			.select({ serviceId: roundServices.serviceId })
			.from(roundServices)
			.where(eq(roundServices.roundId, roundId))
			.all()
			.map((r) => r.serviceId);
		const refusal = whyRoundCannotOpen(round.status, serviceIds.length);
		if (refusal) return { ok: false, status: 409, message: refusal } as const;

		tx.update(rounds).set({ status: 'open', openedAt: now }).where(eq(rounds.id, roundId)).run();
		tx.insert(assessments)
			.values(serviceIds.map((serviceId) => ({ id: newId(), roundId, serviceId, createdAt: now })))
			.run();
		recordAuditEvent(tx, {
			userId: person.id,
			organisationId,
			action: 'round.opened',
			entityType: 'round',
			entityId: roundId,
			before: { status: round.status },
			after: { status: 'open' }
		}, now);
		return { ok: true } as const;
	});
}

export function closeRound(
	db: Db,
	person: Person,
	organisationId: string,
	roundId: string,
	now = new Date()
): RoundStatusChange {
	return db.transaction((tx) => {
		const round = getRound(tx, organisationId, roundId);
		if (!round) return ROUND_NOT_FOUND;
		const refusal = whyRoundCannotClose(round.status);
		if (refusal) return { ok: false, status: 409, message: refusal } as const;
		tx.update(rounds).set({ status: 'closed', closedAt: now }).where(eq(rounds.id, roundId)).run();
		recordAuditEvent(tx, {
			userId: person.id,
			organisationId,
			action: 'round.closed',
			entityType: 'round',
			entityId: roundId,
			before: { status: round.status },
			after: { status: 'closed' }
		}, now);
		return { ok: true } as const;
	});
}
