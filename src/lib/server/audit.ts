import type { Db } from './db/client';
import { auditEvents } from './db/schema';
import { newId } from './ids';

/** A database handle or the transaction a change runs in; events go in the change's own transaction. */
export type Tx = Pick<Db, 'insert' | 'select' | 'update' | 'delete'>;

export interface AuditEntry {
	userId: string | null;
	organisationId: string | null;
	serviceId?: string | null;
	action: string;
	entityType: string;
	entityId: string;
	before?: unknown;
	after?: unknown;
}

export function recordAuditEvent(tx: Tx, entry: AuditEntry, now = new Date()): void {
	tx.insert(auditEvents)
		.values({
			id: newId(),
			at: now,
			userId: entry.userId,
			organisationId: entry.organisationId,
			serviceId: entry.serviceId ?? null,
			action: entry.action,
			entityType: entry.entityType,
			entityId: entry.entityId,
			before: entry.before ?? null,
			after: entry.after ?? null
		})
		.run();
}
