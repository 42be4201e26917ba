// Recording what changed, in the same transaction as the change. The trail is append-only: there
// is deliberately no function here, or anywhere, that changes or deletes an event once written.

import { createHash } from 'node:crypto';
import { LONG_TEXT, type LongTextDigest } from '$lib/domain/audit-labels';
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
			before: condensed(entry.before ?? null),
			after: condensed(entry.after ?? null)
		})
		.run();
}

/**
 * The value with every text longer than LONG_TEXT.over characters (evidence, comments, notes,
 * descriptions) replaced by its length, a SHA-256 prefix and its start: the trail says that it
 * changed and tells versions apart without keeping a second full copy of what people wrote.
 */
export function condensed(value: unknown): unknown {
	if (typeof value === 'string' && value.length > LONG_TEXT.over) {
		const digest: LongTextDigest = {
			longText: true,
			length: value.length,
			sha256: createHash('sha256').update(value).digest('hex').slice(0, LONG_TEXT.hexDigits),
			start: value.slice(0, LONG_TEXT.startLength)
		};
		return digest;
	}
	if (Array.isArray(value)) return value.map(condensed);
	if (value && typeof value === 'object' && !(value instanceof Date)) {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, condensed(v)]));
	}
	return value;
}
