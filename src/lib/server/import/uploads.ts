// Past-audits files waiting on their preview. A file is uploaded once and kept, with the column
// mapping and service choices the person makes on the preview, so the preview can be changed over
// several requests (with JavaScript off too) without sending the file again. Each person has at
// most one upload waiting per organisation; it goes when imported, discarded, replaced, or a day
// old. Only the person who uploaded a file can see its preview.

import { and, eq, gte, lt } from 'drizzle-orm';
import type { z } from 'zod';
import { mappingOverrideSchema, type MappingOverride } from '$lib/domain/import/headers';
import { serviceChoicesSchema, type ServiceChoices } from '$lib/domain/import/audit-rows';
import type { Person } from '../access/policy';
import type { Db } from '../db/client';
import { importUploads } from '../db/schema';
import { newId } from '../ids';
import type { PastAuditsInput } from './past-audits';
import { defaultReadLimits } from './read-file';

export const UPLOAD_KEPT_MS = 24 * 60 * 60 * 1000;
/** The largest file a person may upload: the most the reader reads. */
export const MAX_UPLOAD_BYTES = defaultReadLimits.maxBytes;

export interface WaitingUpload {
	id: string;
	organisationId: string;
	frameworkId: string;
	fileName: string;
	uploadedAt: Date;
	content: Buffer;
	mapping: MappingOverride;
	serviceChoices: ServiceChoices;
}

/** Parsed again on the way out: what is stored was validated on the way in, but never trusted. */
function parsedJson<T>(text: string, schema: z.ZodType<T>, empty: T): T {
	try {
		const parsed = schema.safeParse(JSON.parse(text));
		return parsed.success ? parsed.data : empty;
	} catch {
		return empty;
	}
}

/** Keeps the file for its preview, replacing the person's earlier upload to this organisation. */
export function saveUpload(
	db: Db,
	person: Person,
	upload: { organisationId: string; frameworkId: string; fileName: string; content: Uint8Array },
	now = new Date()
): string {
	const id = newId();
	db.transaction((tx) => {
		tx.delete(importUploads)
			.where(
				and(
					eq(importUploads.uploadedBy, person.id),
					eq(importUploads.organisationId, upload.organisationId)
				)
			)
			.run();
		tx.delete(importUploads)
			.where(lt(importUploads.uploadedAt, new Date(now.getTime() - UPLOAD_KEPT_MS)))
			.run();
		tx.insert(importUploads)
			.values({
				id,
				organisationId: upload.organisationId,
				frameworkId: upload.frameworkId,
				uploadedBy: person.id,
				uploadedAt: now,
				fileName: upload.fileName,
				content: Buffer.from(upload.content)
			})
			.run();
	});
	return id;
}

/** The person's own upload to this organisation, while it is kept; otherwise null. */
export function findUpload(
	db: Pick<Db, 'select'>,
	person: Person,
	organisationId: string,
	uploadId: string,
	now = new Date()
): WaitingUpload | null {
	const row = db
		.select()
		.from(importUploads)
		.where(
			and(
				eq(importUploads.id, uploadId),
				eq(importUploads.organisationId, organisationId),
				eq(importUploads.uploadedBy, person.id)
			)
		)
		.get();
	if (!row || row.uploadedAt.getTime() < now.getTime() - UPLOAD_KEPT_MS) return null;
	return {
		id: row.id,
		organisationId: row.organisationId,
		frameworkId: row.frameworkId,
		fileName: row.fileName,
		uploadedAt: row.uploadedAt,
		content: row.content,
		mapping: parsedJson(row.mapping, mappingOverrideSchema, {}),
		serviceChoices: parsedJson(row.serviceChoices, serviceChoicesSchema, {})
	};
}

/** The person's upload to this organisation still waiting on its preview, if any. */
export function waitingUpload(
	db: Pick<Db, 'select'>,
	person: Person,
	organisationId: string,
	now = new Date()
): { id: string; fileName: string; uploadedAt: Date } | null {
	const row = db
		.select({
			id: importUploads.id,
			fileName: importUploads.fileName,
			uploadedAt: importUploads.uploadedAt
		})
		.from(importUploads)
		.where(
			and(
				eq(importUploads.organisationId, organisationId),
				eq(importUploads.uploadedBy, person.id),
				gte(importUploads.uploadedAt, new Date(now.getTime() - UPLOAD_KEPT_MS))
			)
		)
		.get();
	return row ?? null;
}

export function saveUploadChoices(
	db: Db,
	uploadId: string,
	choices: { mapping: MappingOverride; serviceChoices: ServiceChoices }
): void {
	db.update(importUploads)
		.set({
			mapping: JSON.stringify(choices.mapping),
			serviceChoices: JSON.stringify(choices.serviceChoices)
		})
		.where(eq(importUploads.id, uploadId))
		.run();
}

export function deleteUpload(db: Db, uploadId: string): void {
	db.delete(importUploads).where(eq(importUploads.id, uploadId)).run();
}

/** What the preview and the import read: the file with the person's choices. */
export function uploadInput(upload: WaitingUpload): PastAuditsInput {
	return {
		organisationId: upload.organisationId,
		frameworkId: upload.frameworkId,
		fileName: upload.fileName,
		bytes: new Uint8Array(upload.content),
		mapping: upload.mapping,
		serviceChoices: upload.serviceChoices
	};
}
