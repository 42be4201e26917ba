import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { SERVICE_TYPES, type ServiceType } from '$lib/domain/services';
import { GROUPING_NAME_MAX_LENGTH } from '$lib/domain/service-list';
import { groupingWord } from '$lib/domain/groupings';
import type { Db, Tx } from './db/client';
import { groupings, organisations, services } from './db/schema';
import { newId } from './ids';
import { getGrouping, groupingNamed, insertGrouping } from './groupings';
import { recordAuditEvent } from './audit/record';
import { freeText, requiredText } from './forms';
import type { Person } from './access/policy';

export const serviceInputSchema = z.object({
	name: requiredText('the service name', 200),
	type: z.enum(SERVICE_TYPES, { error: 'Select the type of service' }),
	groupingId: z
		.string()
		.trim()
		.max(64)
		.optional()
		.transform((v) => v || null),
	groupingName: freeText('the name', GROUPING_NAME_MAX_LENGTH)
		.optional()
		.transform((v) => v || null)
});

export interface ServiceInput {
	name: string;
	type: ServiceType;
	/** The grouping (directorate, care group…) the service belongs to, if any. */
	groupingId?: string | null;
	/** Or the name of one: an existing grouping by that name (in any capitals), or else a new one. */
	groupingName?: string | null;
}

export function listServices(db: Db, organisationId: string) {
	return db
		.select({
			id: services.id,
			name: services.name,
			type: services.type,
			groupingId: services.groupingId,
			groupingName: groupings.name
		})
		.from(services)
		.leftJoin(groupings, eq(groupings.id, services.groupingId))
		.where(and(eq(services.organisationId, organisationId), isNull(services.archivedAt)))
		.orderBy(asc(services.name))
		.all();
}

/** The service, only if it belongs to this organisation. */
export function getService(db: Db, organisationId: string, serviceId: string) {
	return db
		.select()
		.from(services)
		.where(and(eq(services.id, serviceId), eq(services.organisationId, organisationId)))
		.get();
}

export type CreateServiceResult =
	| { ok: true; id: string }
	| { ok: false; field: 'name' | 'groupingId' | 'groupingName'; message: string };

export function createService(
	db: Db,
	person: Person,
	organisationId: string,
	input: ServiceInput,
	now = new Date()
): CreateServiceResult {
	return db.transaction((tx) => {
		const clash = tx
			.select({ id: services.id })
			.from(services)
			.where(and(eq(services.organisationId, organisationId), eq(services.name, input.name)))
			.get();
		if (clash) {
			return {
				ok: false,
				field: 'name',
				message: 'This organisation already has a service with that name'
			} as const;
		}
		const grouping = groupingOf(tx, person, organisationId, input, now);
		if (!grouping.ok) return grouping;
		const groupingId = grouping.id;
		const row = {
			id: newId(),
			organisationId,
			groupingId,
			name: input.name,
			type: input.type,
			createdAt: now
		};
		tx.insert(services).values(row).run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				serviceId: row.id,
				action: 'service.created',
				entityType: 'service',
				entityId: row.id,
				after: row
			},
			now
		);
		return { ok: true, id: row.id } as const;
	});
}

type GroupingChoice =
	| { ok: true; id: string | null }
	| { ok: false; field: 'groupingId' | 'groupingName'; message: string };

/**
 * The grouping a new service goes in: one chosen from the list, or one named, which is found by
 * its name or else created (with its own audit event, in the same transaction as the service).
 */
function groupingOf(
	tx: Tx,
	person: Person,
	organisationId: string,
	input: ServiceInput,
	now: Date
): GroupingChoice {
	const label =
		tx
			.select({ label: organisations.groupingLabel })
			.from(organisations)
			.where(eq(organisations.id, organisationId))
			.get()?.label ?? 'grouping';
	const word = groupingWord(label);
	const groupingId = input.groupingId ?? null;
	const groupingName = input.groupingName ?? null;
	if (groupingId && groupingName)
		return {
			ok: false,
			field: 'groupingName',
			message: `Choose a ${word} from the list, or type the name of a new one, not both`
		};
	if (groupingId) {
		if (getGrouping(tx, organisationId, groupingId)) return { ok: true, id: groupingId };
		return { ok: false, field: 'groupingId', message: `Select a ${word} from the list` };
	}
	if (!groupingName) return { ok: true, id: null };
	const found = groupingNamed(tx, organisationId, groupingName);
	if (found) return { ok: true, id: found.id };
	return { ok: true, id: insertGrouping(tx, person, organisationId, groupingName, now) };
}
