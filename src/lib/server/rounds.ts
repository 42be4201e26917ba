import { and, asc, count, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { isoDateFromParts } from '$lib/domain/dates';
import { londonDate } from '$lib/domain/london-days';
import { groupingWord } from '$lib/domain/groupings';
import { SERVICE_TYPES, type ServiceType } from '$lib/domain/services';
import {
	REOPEN_REASON_MAX_LENGTH,
	REOPEN_REASON_MESSAGES,
	assessmentStage,
	summariseRoundProgress,
	whyRoundCannotChange,
	whyRoundCannotClose,
	whyRoundCannotOpen,
	whyRoundCannotReopen
} from '$lib/domain/rounds';
import type { Db, Tx } from './db/client';
import {
	agreedScores,
	assessmentRaters,
	assessments,
	challenges,
	frameworks,
	groupings,
	organisations,
	roundServices,
	rounds,
	services
} from './db/schema';
import { newId } from './ids';
import { recordAuditEvent } from './audit/record';
import { requiredText } from './forms';
import type { Person } from './access/policy';

const datePart = z
	.string()
	.default('')
	.pipe(
		z
			.string()
			.trim()
			.max(4, 'Enter the date as numbers')
			.regex(/^\d*$/, 'Enter the date as numbers')
	);

const asArray = (value: unknown) =>
	value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value];

const isServiceType = (value: string): value is ServiceType =>
	(SERVICE_TYPES as readonly string[]).includes(value);

/** Ticked checkboxes: none, one or many values under one name. */
const tickedValues = <T extends string>(
	message: string,
	isAllowed: (value: string) => value is T
) =>
	z.preprocess(asArray, z.array(z.string()).max(10_000, message)).transform((values, ctx) => {
		if (!values.every(isAllowed)) {
			ctx.addIssue({ code: 'custom', message });
			return z.NEVER;
		}
		return [...new Set(values.filter(isAllowed))];
	});

const isId = (value: string): value is string => /^[A-Za-z0-9_-]{1,64}$/.test(value);

const NO_SERVICES = 'Select at least one service to take part';

export const roundInputSchema = z
	.object({
		title: requiredText('a title for the round', 200),
		frameworkId: z.string({ error: 'Select a framework' }).min(1, 'Select a framework').max(64),
		serviceIds: tickedValues('Select services from the list', isId),
		groupingIds: tickedValues('Select from the list', isId),
		serviceTypes: tickedValues('Select types of service from the list', isServiceType),
		startDay: datePart,
		startMonth: datePart,
		startYear: datePart,
		endDay: datePart,
		endMonth: datePart,
		endYear: datePart
	})
	.superRefine((v, ctx) => {
		const ticked = [v.serviceIds, v.groupingIds, v.serviceTypes].some(
			(list) => Array.isArray(list) && list.length > 0
		);
		if (!ticked) ctx.addIssue({ code: 'custom', path: ['serviceIds'], message: NO_SERVICES });
	})
	.transform((v, ctx) => {
		const periodStart = isoDateFromParts(
			Number(v.startDay),
			Number(v.startMonth),
			Number(v.startYear)
		);
		const periodEnd = isoDateFromParts(Number(v.endDay), Number(v.endMonth), Number(v.endYear));
		if (!periodStart) {
			ctx.addIssue({
				code: 'custom',
				path: ['startDay'],
				message: 'Enter the start date as a real date, like 1 4 2026'
			});
		}
		if (!periodEnd) {
			ctx.addIssue({
				code: 'custom',
				path: ['endDay'],
				message: 'Enter the end date as a real date, like 31 3 2027'
			});
		}
		if (periodStart && periodEnd && periodEnd < periodStart) {
			ctx.addIssue({
				code: 'custom',
				path: ['endDay'],
				message: 'The end date must be the same as or after the start date'
			});
		}
		if (!periodStart || !periodEnd) return z.NEVER;
		return {
			title: v.title,
			frameworkId: v.frameworkId,
			serviceIds: v.serviceIds,
			groupingIds: v.groupingIds,
			serviceTypes: v.serviceTypes,
			periodStart,
			periodEnd
		};
	});

/**
 * A round as entered. The services taking part are every service ticked one by one, every
 * service in a ticked grouping and every service of a ticked type, all together.
 */
export interface RoundInput {
	title: string;
	frameworkId: string;
	periodStart: string;
	periodEnd: string;
	serviceIds: string[];
	groupingIds?: string[];
	serviceTypes?: ServiceType[];
}

const ROUND_CHOICE_FIELDS = ['serviceIds', 'groupingIds', 'serviceTypes'];

/** The round form's checkbox groups: services one by one, groupings and types of service. */
export const isRoundChoiceField = (name: string) => ROUND_CHOICE_FIELDS.includes(name);

type Refusal = { ok: false; field: string; message: string };

/**
 * The active services of this organisation that the choices add up to, by name. Ids from
 * another organisation, or of archived services, are refused rather than quietly dropped.
 */
function chosenServiceIds(
	tx: Tx,
	organisationId: string,
	input: RoundInput
): { ok: true; serviceIds: string[] } | Refusal {
	const ticked = [...new Set(input.serviceIds)];
	const groupingIds = [...new Set(input.groupingIds ?? [])];
	const serviceTypes = input.serviceTypes ?? [];
	const mine = and(eq(services.organisationId, organisationId), isNull(services.archivedAt));

	if (ticked.length > 0) {
		const found = tx
			.select({ n: count() })
			.from(services)
			.where(and(mine, inArray(services.id, ticked)))
			.get();
		if ((found?.n ?? 0) !== ticked.length) {
			return {
				ok: false,
				field: 'serviceIds',
				message: 'Select services from this organisation’s list'
			};
		}
	}
	if (groupingIds.length > 0) {
		const found = tx
			.select({ n: count() })
			.from(groupings)
			.where(and(eq(groupings.organisationId, organisationId), inArray(groupings.id, groupingIds)))
			.get();
		if ((found?.n ?? 0) !== groupingIds.length) {
			const label = tx
				.select({ label: organisations.groupingLabel })
				.from(organisations)
				.where(eq(organisations.id, organisationId))
				.get()?.label;
			return {
				ok: false,
				field: 'groupingIds',
				message: `Select each ${groupingWord(label ?? 'grouping')} from this organisation’s list`
			};
		}
	}

	const ways: SQL[] = [];
	if (ticked.length > 0) ways.push(inArray(services.id, ticked));
	if (groupingIds.length > 0) ways.push(inArray(services.groupingId, groupingIds));
	if (serviceTypes.length > 0) ways.push(inArray(services.type, serviceTypes));
	if (ways.length === 0) return { ok: false, field: 'serviceIds', message: NO_SERVICES };
	const serviceIds = tx
		.select({ id: services.id })
		.from(services)
		.where(and(mine, or(...ways)))
		.orderBy(asc(services.name))
		.all()
		.map((r) => r.id);
	if (serviceIds.length === 0) {
		return {
			ok: false,
			field: 'serviceIds',
			message: 'No service belongs to what you selected. Select at least one service to take part'
		};
	}
	return { ok: true, serviceIds };
}

function availableFramework(tx: Tx, frameworkId: string) {
	return tx
		.select({ id: frameworks.id })
		.from(frameworks)
		.where(and(eq(frameworks.id, frameworkId), isNull(frameworks.retiredAt)))
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

/** Services taking part, with their assessment once the round is open and how many levels it has agreed. */
export function roundParticipants(db: Db, roundId: string) {
	return db
		.select({
			serviceId: services.id,
			serviceName: services.name,
			serviceType: services.type,
			assessmentId: assessments.id,
			assessmentStatus: assessments.status,
			agreedLevels: sql<number>`(select count(${agreedScores.level}) from ${agreedScores} where ${agreedScores.assessmentId} = ${assessments.id})`,
			raters: sql<number>`(select count(*) from ${assessmentRaters} where ${assessmentRaters.assessmentId} = ${assessments.id})`,
			submittedRaters: sql<number>`(select count(${assessmentRaters.submittedAt}) from ${assessmentRaters} where ${assessmentRaters.assessmentId} = ${assessments.id})`
		})
		.from(roundServices)
		.innerJoin(services, eq(services.id, roundServices.serviceId))
		.leftJoin(
			assessments,
			and(
				eq(assessments.roundId, roundServices.roundId),
				eq(assessments.serviceId, roundServices.serviceId)
			)
		)
		.where(eq(roundServices.roundId, roundId))
		.orderBy(asc(services.name))
		.all();
}

export type RoundChangeResult =
	{ ok: true; id: string } | { ok: false; field: string; message: string };

export function createRound(
	db: Db,
	person: Person,
	organisationId: string,
	input: RoundInput,
	now = new Date()
): RoundChangeResult {
	return db.transaction((tx) => {
		if (!availableFramework(tx, input.frameworkId)) {
			return {
				ok: false,
				field: 'frameworkId',
				message: 'Select a framework from the list'
			} as const;
		}
		const chosen = chosenServiceIds(tx, organisationId, input);
		if (!chosen.ok) return chosen;

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
			.values(chosen.serviceIds.map((serviceId) => ({ roundId: row.id, serviceId })))
			.run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				action: 'round.created',
				entityType: 'round',
				entityId: row.id,
				after: { ...row, serviceIds: chosen.serviceIds }
			},
			now
		);
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
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				action: 'round.opened',
				entityType: 'round',
				entityId: roundId,
				before: { status: round.status },
				after: { status: 'open' }
			},
			now
		);
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
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				action: 'round.closed',
				entityType: 'round',
				entityId: roundId,
				before: { status: round.status },
				after: { status: 'closed' }
			},
			now
		);
		return { ok: true } as const;
	});
}

export const reopenInputSchema = z.object({
	reason: z
		.string({ error: REOPEN_REASON_MESSAGES.missing })
		.trim()
		.min(1, REOPEN_REASON_MESSAGES.missing)
		.max(REOPEN_REASON_MAX_LENGTH, REOPEN_REASON_MESSAGES.tooLong)
});

export type RoundReopening =
	| { ok: true }
	| { ok: false; status: 404 | 409; message: string }
	| { ok: false; status: 400; field: 'reason'; message: string };

/**
 * Reopens a closed round, so its assessments that were not marked complete can change again.
 * The reason goes into the audit trail with the change.
 */
export function reopenRound(
	db: Db,
	person: Person,
	organisationId: string,
	roundId: string,
	reason: string,
	now = new Date()
): RoundReopening {
	return db.transaction((tx) => {
		const round = getRound(tx, organisationId, roundId);
		if (!round) return ROUND_NOT_FOUND;
		const refusal = whyRoundCannotReopen(round.status, reason);
		if (refusal?.about === 'round')
			return { ok: false, status: 409, message: refusal.message } as const;
		if (refusal)
			return { ok: false, status: 400, field: 'reason', message: refusal.message } as const;

		tx.update(rounds).set({ status: 'open', closedAt: null }).where(eq(rounds.id, roundId)).run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				action: 'round.reopened',
				entityType: 'round',
				entityId: roundId,
				before: { status: round.status, closedAt: round.closedAt },
				after: { status: 'open', reason: reason.trim() }
			},
			now
		);
		return { ok: true } as const;
	});
}

export type RoundUpdate =
	| { ok: true }
	| { ok: false; status: 404 | 409; message: string }
	| { ok: false; status: 400; field: string; message: string };

/** Changes a draft round's title, period, framework and services, all at once or not at all. */
export function updateRound(
	db: Db,
	person: Person,
	organisationId: string,
	roundId: string,
	input: RoundInput,
	now = new Date()
): RoundUpdate {
	return db.transaction((tx) => {
		const round = getRound(tx, organisationId, roundId);
		if (!round) return ROUND_NOT_FOUND;
		const refusal = whyRoundCannotChange(round.status);
		if (refusal) return { ok: false, status: 409, message: refusal } as const;
		if (input.frameworkId !== round.frameworkId && !availableFramework(tx, input.frameworkId)) {
			return {
				ok: false,
				status: 400,
				field: 'frameworkId',
				message: 'Select a framework from the list'
			} as const;
		}
		const chosen = chosenServiceIds(tx, organisationId, input);
		if (!chosen.ok) return { ...chosen, status: 400 } as const;

		const before = {
			title: round.title,
			frameworkId: round.frameworkId,
			periodStart: round.periodStart,
			periodEnd: round.periodEnd,
			serviceIds: roundServiceIds(tx, roundId)
		};
		const after = {
			title: input.title,
			frameworkId: input.frameworkId,
			periodStart: input.periodStart,
			periodEnd: input.periodEnd,
			serviceIds: chosen.serviceIds
		};
		if (JSON.stringify(before) === JSON.stringify(after)) return { ok: true } as const;

		tx.update(rounds)
			.set({
				title: after.title,
				frameworkId: after.frameworkId,
				periodStart: after.periodStart,
				periodEnd: after.periodEnd
			})
			.where(eq(rounds.id, roundId))
			.run();
		tx.delete(roundServices).where(eq(roundServices.roundId, roundId)).run();
		tx.insert(roundServices)
			.values(after.serviceIds.map((serviceId) => ({ roundId, serviceId })))
			.run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				action: 'round.updated',
				entityType: 'round',
				entityId: roundId,
				before,
				after
			},
			now
		);
		return { ok: true } as const;
	});
}

/**
 * Where each service taking part has got to, and the totals over those shown. Agreed levels are
 * counted in SQL, per assessment; "late" is judged against today in London.
 */
export function roundProgress(
	db: Db,
	round: { id: string; periodEnd: string },
	{ now = new Date(), shows }: { now?: Date; shows?: (serviceId: string) => boolean } = {}
) {
	const today = londonDate(now);
	const participants = roundParticipants(db, round.id)
		.filter((p) => shows?.(p.serviceId) ?? true)
		.map((p) => ({
			...p,
			standing:
				p.assessmentId && p.assessmentStatus
					? assessmentStage(
							{
								status: p.assessmentStatus,
								agreedLevels: p.agreedLevels,
								raters: p.raters,
								submittedRaters: p.submittedRaters
							},
							round.periodEnd,
							today
						)
					: null
		}));
	const standings = participants.flatMap((p) => (p.standing ? [p.standing] : []));
	return { participants, summary: standings.length > 0 ? summariseRoundProgress(standings) : null };
}

/** How many challenges the round's framework has, so progress can read "3 of 10 agreed". */
export function challengeCount(db: Db, frameworkId: string): number {
	return (
		db.select({ n: count() }).from(challenges).where(eq(challenges.frameworkId, frameworkId)).get()
			?.n ?? 0
	);
}
