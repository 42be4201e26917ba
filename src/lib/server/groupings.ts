import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { groupingWord } from '$lib/domain/groupings';
import type { Db } from './db/client';
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
		// Names differing only in capitals would look like the same grouping in every list.
		const clash = tx
			.select({ id: groupings.id })
			.from(groupings)
			.where(
				and(
					eq(groupings.organisationId, organisationId),
					sql`lower(${groupings.name}) = lower(${input.name})`
				)
			)
			.get();
		if (clash) {
			return {
				ok: false,
				field: 'name',
				message: `This organisation already has a ${groupingWord(groupingLabel)} with that name`
			} as const;
		}
		const row = { id: newId(), organisationId, name: input.name };
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
		return { ok: true, id: row.id } as const;
	});
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
