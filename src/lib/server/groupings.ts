import { and, asc, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { groupingWord } from '$lib/domain/groupings';
import type { Db, Tx } from './db/client';
import { groupings, services } from './db/schema';
import { newId } from './ids';
import { recordAuditEvent } from './audit/record';
import { requiredText } from './forms';
import type { Person } from './access/policy';

/** The form for a new grouping, in the organisation's own word for it. */
export function groupingInputSchema(groupingLabel: string) {
	return z.object({ name: requiredText(`the name of the ${groupingWord(groupingLabel)}`, 100) });
}

export type GroupingInput = z.infer<ReturnType<typeof groupingInputSchema>>;

/** The organisation's groupings, by name, with how many active services each holds. */
export function listGroupings(db: Db, organisationId: string) {
	return db
		.select({ id: groupings.id, name: groupings.name, services: count(services.id) })
		.from(groupings)
		.leftJoin(services, and(eq(services.groupingId, groupings.id), isNull(services.archivedAt)))
		.where(eq(groupings.organisationId, organisationId))
		.groupBy(groupings.id)
		.orderBy(asc(groupings.name))
		.all();
}

/** The grouping, only if it belongs to this organisation. */
export function getGrouping(db: Pick<Db, 'select'>, organisationId: string, groupingId: string) {
	return db
		.select()
		.from(groupings)
		.where(and(eq(groupings.id, groupingId), eq(groupings.organisationId, organisationId)))
		.get();
}

export type CreateGroupingResult =
	{ ok: true; id: string } | { ok: false; field: 'name'; message: string };

export function createGrouping(
	db: Db,
	person: Person,
	organisationId: string,
	groupingLabel: string,
	input: GroupingInput,
	now = new Date()
): CreateGroupingResult {
	return db.transaction((tx) => {
		if (groupingNamed(tx, organisationId, input.name)) {
			return {
				ok: false,
				field: 'name',
				message: `This organisation already has a ${groupingWord(groupingLabel)} with that name`
			} as const;
		}
		return { ok: true, id: insertGrouping(tx, person, organisationId, input.name, now) } as const;
	});
}

/**
 * The organisation's grouping of this name, whatever its capitals: names differing only in
 * capitals would look like the same grouping in every list.
 */
export function groupingNamed(tx: Pick<Db, 'select'>, organisationId: string, name: string) {
	return tx
		.select({ id: groupings.id })
		.from(groupings)
		.where(
			and(
				eq(groupings.organisationId, organisationId),
				sql`lower(${groupings.name}) = lower(${name})`
			)
		)
		.get();
}

/** Adds a grouping, with its audit event, in the caller's transaction; returns its id. */
export function insertGrouping(
	tx: Tx,
	person: Person,
	organisationId: string,
	name: string,
	now: Date
): string {
	const row = { id: newId(), organisationId, name };
	tx.insert(groupings).values(row).run();
	recordAuditEvent(
		tx,
		{
			userId: person.id,
			organisationId,
			action: 'grouping.created',
			entityType: 'grouping',
			entityId: row.id,
			after: row
		},
		now
	);
	return row.id;
}

/** How many active services belong to no grouping. */
export function countUngroupedServices(db: Db, organisationId: string): number {
	return (
		db
			.select({ n: count() })
			.from(services)
			.where(
				and(
					eq(services.organisationId, organisationId),
					isNull(services.groupingId),
					isNull(services.archivedAt)
				)
			)
			.get()?.n ?? 0
	);
}

export const moveServicesInputSchema = z.object({
	serviceIds: z
		.preprocess(
			(v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
			z.array(z.string().max(64)).max(10_000)
		)
		.refine((ids) => ids.length > 0, 'Select at least one service to put in it')
});

export type MoveServicesResult =
	{ ok: true; moved: number } | { ok: false; field: 'serviceIds'; message: string };

/**
 * Puts services into a grouping (out of whichever they were in), all or none, with an audit event
 * for each service that moves.
 */
export function moveServicesIntoGrouping(
	db: Db,
	person: Person,
	organisationId: string,
	groupingId: string,
	serviceIds: string[],
	now = new Date()
): MoveServicesResult {
	return db.transaction((tx): MoveServicesResult => {
		const grouping = getGrouping(tx, organisationId, groupingId);
		const wanted = [...new Set(serviceIds)];
		const found = tx
			.select({ id: services.id, name: services.name, groupingId: services.groupingId })
			.from(services)
			.where(
				and(
					eq(services.organisationId, organisationId),
					isNull(services.archivedAt),
					inArray(services.id, wanted)
				)
			)
			.all();
		if (!grouping || found.length !== wanted.length)
			return { ok: false, field: 'serviceIds', message: 'Select services from the list' };
		const moving = found.filter((s) => s.groupingId !== groupingId);
		for (const service of moving) {
			tx.update(services).set({ groupingId }).where(eq(services.id, service.id)).run();
			recordAuditEvent(
				tx,
				{
					userId: person.id,
					organisationId,
					serviceId: service.id,
					action: 'service.grouping_changed',
					entityType: 'service',
					entityId: service.id,
					before: { name: service.name, groupingId: service.groupingId },
					after: { name: service.name, groupingId, groupingName: grouping.name }
				},
				now
			);
		}
		return { ok: true, moved: moving.length };
	});
}
