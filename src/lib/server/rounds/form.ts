// The round form: a draft round's title, period, framework and the services taking part, read
// from the form, checked against the organisation, and saved when the round is created or changed.

import { and, asc, count, eq, inArray, isNull, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { isoDateFromParts } from '$lib/domain/dates';
import { groupingWord } from '$lib/domain/groupings';
import { whyRoundCannotChange } from '$lib/domain/rounds';
import { SERVICE_TYPES, type ServiceType } from '$lib/domain/services';
import type { Person } from '../access/policy';
import { recordAuditEvent } from '../audit/record';
import type { Db, Tx } from '../db/client';
import {
	frameworks,
	groupings,
	organisations,
	roundServices,
	rounds,
	services
} from '../db/schema';
import { datePart, requiredText } from '../forms';
import { newId } from '../ids';
import { getRound, roundServiceIds } from './queries';

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

const ROUND_CHOICE_FIELDS = ['serviceIds', 'groupingIds', 'serviceTypes'];

/** The round form's checkbox groups: services one by one, groupings and types of service. */
export const isRoundChoiceField = (name: string) => ROUND_CHOICE_FIELDS.includes(name);

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

type Refusal = { ok: false; field: string; message: string };

/** Ids from another organisation, or of archived services, are refused rather than quietly dropped. */
function foreignChoice(
	tx: Tx,
	organisationId: string,
	serviceIds: string[],
	groupingIds: string[]
): Refusal | null {
	const mine = and(eq(services.organisationId, organisationId), isNull(services.archivedAt));
	if (serviceIds.length > 0) {
		const found = tx
			.select({ n: count() })
			.from(services)
			.where(and(mine, inArray(services.id, serviceIds)))
			.get();
		if ((found?.n ?? 0) !== serviceIds.length)
			return {
				ok: false,
				field: 'serviceIds',
				message: 'Select services from this organisation’s list'
			};
	}
	if (groupingIds.length === 0) return null;
	const found = tx
		.select({ n: count() })
		.from(groupings)
		.where(and(eq(groupings.organisationId, organisationId), inArray(groupings.id, groupingIds)))
		.get();
	if ((found?.n ?? 0) === groupingIds.length) return null;
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

/** The active services of this organisation that the choices add up to, by name. */
function chosenServiceIds(
	tx: Tx,
	organisationId: string,
	input: RoundInput
): { ok: true; serviceIds: string[] } | Refusal {
	const ticked = [...new Set(input.serviceIds)];
	const groupingIds = [...new Set(input.groupingIds ?? [])];
	const serviceTypes = input.serviceTypes ?? [];
	const refusal = foreignChoice(tx, organisationId, ticked, groupingIds);
	if (refusal) return refusal;

	const ways: SQL[] = [];
	if (ticked.length > 0) ways.push(inArray(services.id, ticked));
	if (groupingIds.length > 0) ways.push(inArray(services.groupingId, groupingIds));
	if (serviceTypes.length > 0) ways.push(inArray(services.type, serviceTypes));
	if (ways.length === 0) return { ok: false, field: 'serviceIds', message: NO_SERVICES };
	const mine = and(eq(services.organisationId, organisationId), isNull(services.archivedAt));
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

const FRAMEWORK_NOT_OFFERED = { field: 'frameworkId', message: 'Select a framework from the list' };

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
		if (!availableFramework(tx, input.frameworkId))
			return { ok: false, ...FRAMEWORK_NOT_OFFERED } as const;
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

export type RoundUpdate =
	| { ok: true }
	| { ok: false; status: 404 | 409; message: string }
	| { ok: false; status: 400; field: string; message: string };

/** What a draft round's form can change, as the audit trail records it before and after. */
function draftView(
	round: Pick<RoundInput, 'title' | 'frameworkId' | 'periodStart' | 'periodEnd'>,
	serviceIds: string[]
) {
	const { title, frameworkId, periodStart, periodEnd } = round;
	return { title, frameworkId, periodStart, periodEnd, serviceIds };
}

/** Changes a draft round's title, period, framework and services, all at once or not at all. */
export function updateRound(
	db: Db,
	person: Person,
	organisationId: string,
	roundId: string,
	input: RoundInput,
	now = new Date()
): RoundUpdate {
	return db.transaction((tx): RoundUpdate => {
		const round = getRound(tx, organisationId, roundId);
		if (!round) return { ok: false, status: 404, message: 'Round not found' };
		const refusal = whyRoundCannotChange(round.status);
		if (refusal) return { ok: false, status: 409, message: refusal };
		if (input.frameworkId !== round.frameworkId && !availableFramework(tx, input.frameworkId))
			return { ok: false, status: 400, ...FRAMEWORK_NOT_OFFERED };
		const chosen = chosenServiceIds(tx, organisationId, input);
		if (!chosen.ok) return { ...chosen, status: 400 };

		const before = draftView(round, roundServiceIds(tx, roundId));
		const after = draftView(input, chosen.serviceIds);
		if (JSON.stringify(before) === JSON.stringify(after)) return { ok: true };
		const { serviceIds, ...fields } = after;
		tx.update(rounds).set(fields).where(eq(rounds.id, roundId)).run();
		tx.delete(roundServices).where(eq(roundServices.roundId, roundId)).run();
		tx.insert(roundServices)
			.values(serviceIds.map((serviceId) => ({ roundId, serviceId })))
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
		return { ok: true };
	});
}
