import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { SERVICE_TYPES, type ServiceType } from '$lib/domain/services';
import { groupingWord } from '$lib/domain/groupings';
import type { Db } from './db/client';
import { groupings, organisations, services } from './db/schema';
import { newId } from './ids';
import { getGrouping } from './groupings';
import { recordAuditEvent } from './audit/record';
import { requiredText } from './forms';
import type { Person } from './access/policy';

export const serviceInputSchema = z.object({
	name: requiredText('the service name', 200),
	type: z.enum(SERVICE_TYPES, { error: 'Select the type of service' }),
	groupingId: z
		.string()
		.trim()
		.max(64)
		.optional()
		.transform((v) => v || null)
});

export interface ServiceInput {
	name: string;
	type: ServiceType;
	/** The grouping (directorate, care group…) the service belongs to, if any. */
	groupingId?: string | null;
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
	{ ok: true; id: string } | { ok: false; field: 'name' | 'groupingId'; message: string };

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
		const groupingId = input.groupingId ?? null;
		if (groupingId && !getGrouping(tx, organisationId, groupingId)) {
			const label = tx
				.select({ label: organisations.groupingLabel })
				.from(organisations)
				.where(eq(organisations.id, organisationId))
				.get()?.label;
			return {
				ok: false,
				field: 'groupingId',
				message: `Select a ${groupingWord(label ?? 'grouping')} from the list`
			} as const;
		}
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
