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
import { parseForm, requiredText, type FieldErrors, type FormResult } from '../forms';
import { newId } from '../ids';
import { getRound, roundServiceIds } from './queries';

const FRAMEWORK_NOT_OFFERED = { field: 'frameworkId', message: 'Select a framework from the list' };

const asArray = (value: unknown) =>
	value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value];

/** A text field as posted; if it was posted twice, the last value, as a browser would keep it. */
const lastText = z.preprocess(
	(value) => (Array.isArray(value) ? value[value.length - 1] : (value ?? '')),
	z.string()
);
/** Checkboxes as posted: none, one or many values under one name. */
const ticked = z.preprocess(asArray, z.array(z.string()).max(10_000));

const isServiceType = (value: string): value is ServiceType =>
	(SERVICE_TYPES as readonly string[]).includes(value);

const isId = (value: string): value is string => /^[A-Za-z0-9_-]{1,64}$/.test(value);

const NO_SERVICES = 'Select at least one service to take part';

const ROUND_CHOICE_FIELDS = ['serviceIds', 'groupingIds', 'serviceTypes'];

/** The round form's checkbox groups: services one by one, groupings and types of service. */
export const isRoundChoiceField = (name: string) => ROUND_CHOICE_FIELDS.includes(name);

/** The fields in the order the form shows them, which is the order its problems are listed in. */
const FIELD_ORDER = ['title', 'startDay', 'endDay', 'frameworkId', ...ROUND_CHOICE_FIELDS];

const roundFields = z.object({
	title: lastText,
	frameworkId: lastText,
	serviceIds: ticked,
	groupingIds: ticked,
	serviceTypes: ticked,
	startDay: lastText,
	startMonth: lastText,
	startYear: lastText,
	endDay: lastText,
	endMonth: lastText,
	endYear: lastText
});

type RoundFields = z.infer<typeof roundFields>;
type Problems = { path: string; message: string }[];

/** A date from its three boxes, or the problem with it ("start" names the start date). */
function dateOf(
	v: RoundFields,
	prefix: 'start' | 'end',
	example: string
): { date: string | null; problem: string | null } {
	const parts = [v[`${prefix}Day`], v[`${prefix}Month`], v[`${prefix}Year`]].map((p) => p.trim());
	if (parts.every((p) => p === '')) return { date: null, problem: `Enter the ${prefix} date` };
	if (!parts.every((p) => /^\d{1,4}$/.test(p)))
		return { date: null, problem: `Enter the ${prefix} date as numbers, like ${example}` };
	const date = isoDateFromParts(Number(parts[0]), Number(parts[1]), Number(parts[2]));
	return date
		? { date, problem: null }
		: { date: null, problem: `Enter the ${prefix} date as a real date, like ${example}` };
}

/** Every problem with the form's own fields, each one found whatever else is wrong. */
function fieldProblems(v: RoundFields): {
	problems: Problems;
	periodStart: string | null;
	periodEnd: string | null;
} {
	const problems: Problems = [];
	const add = (path: string, message: string | null) => {
		if (message) problems.push({ path, message });
	};
	const title = requiredText('a title for the round', 200).safeParse(v.title);
	if (!title.success) add('title', title.error.issues[0].message);

	const start = dateOf(v, 'start', '1 4 2026');
	const end = dateOf(v, 'end', '31 3 2027');
	add('startDay', start.problem);
	add('endDay', end.problem);
	if (start.date && end.date && end.date < start.date)
		add('endDay', 'The end date must be the same as or after the start date');

	const frameworkId = v.frameworkId.trim();
	if (frameworkId === '') add('frameworkId', 'Select a framework');
	else if (!isId(frameworkId)) add('frameworkId', FRAMEWORK_NOT_OFFERED.message);

	if (!v.groupingIds.every(isId)) add('groupingIds', 'Select from the list');
	if (!v.serviceTypes.every(isServiceType))
		add('serviceTypes', 'Select types of service from the list');
	if (!v.serviceIds.every(isId)) add('serviceIds', 'Select services from the list');
	else if (v.serviceIds.length + v.groupingIds.length + v.serviceTypes.length === 0)
		add('serviceIds', NO_SERVICES);
	return { problems, periodStart: start.date, periodEnd: end.date };
}

/**
 * The round form: title, period, framework and the services taking part. Every problem is found
 * at once, so the person sees them all after one submit rather than one per submit.
 */
export const roundInputSchema = roundFields.transform((v, ctx): RoundInput => {
	const { problems, periodStart, periodEnd } = fieldProblems(v);
	for (const { path, message } of problems) ctx.addIssue({ code: 'custom', path: [path], message });
	if (problems.length > 0 || !periodStart || !periodEnd) return z.NEVER;
	return {
		title: v.title.trim(),
		frameworkId: v.frameworkId.trim(),
		serviceIds: [...new Set(v.serviceIds)],
		groupingIds: [...new Set(v.groupingIds)],
		serviceTypes: [...new Set(v.serviceTypes.filter(isServiceType))],
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

/**
 * Ids from another organisation, or of archived services, are refused rather than quietly
 * dropped: one refusal for the services ticked and one for the groupings, as far as either is wrong.
 */
function foreignChoices(
	tx: Tx,
	organisationId: string,
	serviceIds: string[],
	groupingIds: string[]
): Refusal[] {
	const refusals: Refusal[] = [];
	const mine = and(eq(services.organisationId, organisationId), isNull(services.archivedAt));
	if (serviceIds.length > 0) {
		const found = tx
			.select({ n: count() })
			.from(services)
			.where(and(mine, inArray(services.id, serviceIds)))
			.get();
		if ((found?.n ?? 0) !== serviceIds.length)
			refusals.push({
				ok: false,
				field: 'serviceIds',
				message: 'Select services from this organisation’s list'
			});
	}
	if (groupingIds.length === 0) return refusals;
	const found = tx
		.select({ n: count() })
		.from(groupings)
		.where(and(eq(groupings.organisationId, organisationId), inArray(groupings.id, groupingIds)))
		.get();
	if ((found?.n ?? 0) === groupingIds.length) return refusals;
	const label = tx
		.select({ label: organisations.groupingLabel })
		.from(organisations)
		.where(eq(organisations.id, organisationId))
		.get()?.label;
	refusals.push({
		ok: false,
		field: 'groupingIds',
		message: `Select each ${groupingWord(label ?? 'grouping')} from this organisation’s list`
	});
	return refusals;
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
	const [refusal] = foreignChoices(tx, organisationId, ticked, groupingIds);
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

/** The choices of a posted round form, read leniently so they can be checked whatever else is wrong. */
const roundChoices = roundFields.pick({
	frameworkId: true,
	serviceIds: true,
	groupingIds: true,
	serviceTypes: true
});

/**
 * The problems with what a round form chose that only the database can tell: a framework no
 * longer offered (the one a draft already uses stays allowed), services or groupings that are
 * not this organisation's, or choices that add up to no service.
 */
function choiceProblems(
	tx: Tx,
	organisationId: string,
	choices: z.infer<typeof roundChoices>,
	keptFrameworkId: string | undefined
): FieldErrors {
	const errors: FieldErrors = {};
	const frameworkId = choices.frameworkId.trim();
	if (isId(frameworkId) && frameworkId !== keptFrameworkId && !availableFramework(tx, frameworkId))
		errors.frameworkId = FRAMEWORK_NOT_OFFERED.message;
	const input: RoundInput = {
		title: '',
		frameworkId,
		periodStart: '',
		periodEnd: '',
		serviceIds: [...new Set(choices.serviceIds.filter(isId))],
		groupingIds: [...new Set(choices.groupingIds.filter(isId))],
		serviceTypes: [...new Set(choices.serviceTypes.filter(isServiceType))]
	};
	const foreign = foreignChoices(tx, organisationId, input.serviceIds, input.groupingIds!);
	for (const refusal of foreign) errors[refusal.field] = refusal.message;
	const nothingTicked =
		input.serviceIds.length + input.groupingIds!.length + input.serviceTypes!.length === 0;
	if (foreign.length === 0 && !nothingTicked) {
		const chosen = chosenServiceIds(tx, organisationId, input);
		if (!chosen.ok) errors[chosen.field] = chosen.message;
	}
	return errors;
}

/**
 * Reads a posted round form and checks it against the organisation, reporting every problem at
 * once: those of the fields themselves and those of the choices, in the order the form shows them.
 * `keep` is the draft being changed, whose framework may stay even once it is retired.
 */
export function readRoundForm(
	db: Db,
	organisationId: string,
	posted: FormData,
	keep?: { frameworkId: string }
): FormResult<RoundInput> {
	const parsed = parseForm(roundInputSchema, posted);
	const choices = parseForm(roundChoices, posted);
	const found = choices.ok
		? choiceProblems(db, organisationId, choices.data, keep?.frameworkId)
		: {};
	if (parsed.ok && Object.keys(found).length === 0) return parsed;
	const all: FieldErrors = { ...(parsed.ok ? {} : parsed.errors) };
	for (const [field, message] of Object.entries(found)) all[field] ??= message;
	const errors: FieldErrors = {};
	for (const field of FIELD_ORDER) if (all[field]) errors[field] = all[field];
	for (const [field, message] of Object.entries(all)) errors[field] ??= message;
	return { ok: false, errors };
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
