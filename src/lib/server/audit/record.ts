// Recording what changed, in the same transaction as the change. The trail is append-only: there
// is deliberately no function here, or anywhere, that changes or deletes an event once written.

import type { Tx } from '../db/client';
import { auditEvents } from '../db/schema';
import { newId } from '../ids';

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
