// Many services added in one go from a pasted list: previewed line by line, then saved together.

import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { groupingWord } from '$lib/domain/groupings';
import {
	readServiceList,
	serviceListProblems,
	type ServiceListPreview
} from '$lib/domain/service-list';
import type { Person } from './access/policy';
import { recordAuditEvent } from './audit/record';
import type { Db, Tx } from './db/client';
import { groupings, services } from './db/schema';
import { newId } from './ids';

/** Room for the longest list allowed, with long names and groupings on every line. */
const LIST_MAX_CHARACTERS = 200_000;

export const serviceListInputSchema = z.object({
	services: z
		.string({ error: 'Paste or type at least one service, one on each line' })
		.max(LIST_MAX_CHARACTERS, 'The list is too long. Add the services in smaller lists')
});

interface Organisation {
	id: string;
	groupingLabel: string;
}

function previewIn(tx: Tx | Db, organisation: Organisation, text: string): ServiceListPreview {
	const existingServiceNames = tx
		.select({ name: services.name })
		.from(services)
		.where(eq(services.organisationId, organisation.id))
		.all()
		.map((s) => s.name);
	const known = tx
		.select({ id: groupings.id, name: groupings.name })
		.from(groupings)
		.where(eq(groupings.organisationId, organisation.id))
		.all();
	return readServiceList(text, {
		existingServiceNames,
		groupings: known,
		groupingWord: groupingWord(organisation.groupingLabel)
	});
}

/** What saving this list would do, line by line, against the organisation as it is now. */
export function previewServiceList(db: Db, organisation: Organisation, text: string) {
	return previewIn(db, organisation, text);
}

/** True when the list can be saved as it stands. */
export function isReadyToSave(preview: ServiceListPreview): boolean {
	return preview.listProblem === null && serviceListProblems(preview).length === 0;
}

export type ServiceListSaved =
	{ ok: true; added: number; groupingsAdded: number } | { ok: false; preview: ServiceListPreview };

/**
 * Adds every service in the list, and the groupings it names that do not exist yet, all in one
 * transaction with an audit event for each; or, if any line has a problem (checked again here, as
 * someone may have added a service since the preview), nothing at all.
 */
export function saveServiceList(
	db: Db,
	person: Person,
	organisation: Organisation,
	text: string,
	now = new Date()
): ServiceListSaved {
	return db.transaction((tx): ServiceListSaved => {
		const preview = previewIn(tx, organisation, text);
		if (!isReadyToSave(preview)) return { ok: false, preview };
		const organisationId = organisation.id;
		const record = (action: string, entityType: string, row: { id: string }, serviceId?: string) =>
			recordAuditEvent(
				tx,
				{
					userId: person.id,
					organisationId,
					serviceId,
					action,
					entityType,
					entityId: row.id,
					after: row
				},
				now
			);

		const groupingIds = new Map<string, string>();
		for (const name of preview.newGroupings) {
			const row = { id: newId(), organisationId, name };
			tx.insert(groupings).values(row).run();
			record('grouping.created', 'grouping', row);
			groupingIds.set(name, row.id);
		}
		for (const line of preview.lines) {
			const row = {
				id: newId(),
				organisationId,
				groupingId: line.grouping
					? (line.grouping.id ?? groupingIds.get(line.grouping.name)!)
					: null,
				name: line.name,
				type: line.type,
				createdAt: now
			};
			tx.insert(services).values(row).run();
			record('service.created', 'service', row, row.id);
		}
		return { ok: true, added: preview.lines.length, groupingsAdded: preview.newGroupings.length };
	});
}
