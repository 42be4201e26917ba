import { desc, eq, sql } from 'drizzle-orm';
import { readPackText, type PackCheck } from '$lib/domain/framework-pack';
import type { Db } from '../db/client';
import { challenges, frameworks, levels, rounds } from '../db/schema';
import { recordAuditEvent } from '../audit/record';
import { insertPack, packContentHash } from './loader';
import type { Person } from '../access/policy';
import { readPackFile } from './read-pack-file';

export { MAX_PACK_BYTES } from './read-pack-file';

export type ImportResult =
	| {
			ok: true;
			frameworkId: string;
			name: string;
			version: number;
			outcome: 'new-pack' | 'new-version';
	  }
	| { ok: true; frameworkId: string; name: string; version: number; outcome: 'unchanged' }
	| { ok: false; problems: string[] };

/**
 * Imports a pack from the text of a JSON file. Nothing is stored unless the whole file is valid.
 * A stored version never changes: a changed pack with a known key becomes that pack's next
 * version, and an unchanged one is recognised and left alone.
 */
export function importPack(
	db: Db,
	person: Person,
	fileText: string,
	now = new Date()
): ImportResult {
	return storePack(db, person, readPackText(fileText), now);
}

/** Imports a pack from an uploaded file, JSON or an Excel workbook, by the same rules. */
export async function importPackFile(
	db: Db,
	person: Person,
	bytes: Uint8Array,
	fileName: string,
	now = new Date()
): Promise<ImportResult> {
	return storePack(db, person, await readPackFile(bytes, fileName), now);
}

function storePack(db: Db, person: Person, read: PackCheck, now: Date): ImportResult {
	if (!read.ok) return read;
	const pack = read.pack;
	const hash = packContentHash(pack);

	return db.transaction((tx) => {
		const versions = tx
			.select({
				id: frameworks.id,
				version: frameworks.version,
				name: frameworks.name,
				contentHash: frameworks.contentHash
			})
			.from(frameworks)
			.where(eq(frameworks.packKey, pack.key))
			.orderBy(desc(frameworks.version))
			.all();
		const same = versions.find((v) => v.contentHash === hash);
		if (same)
			return {
				ok: true,
				frameworkId: same.id,
				name: same.name,
				version: same.version,
				outcome: 'unchanged'
			} as const;

		const version = (versions[0]?.version ?? 0) + 1;
		const frameworkId = insertPack(tx, { ...pack, version }, hash, now);
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId: null,
				action: 'framework.imported',
				entityType: 'framework',
				entityId: frameworkId,
				after: {
					key: pack.key,
					version,
					name: pack.name,
					challenges: pack.challenges.length,
					levels: pack.scale.length
				}
			},
			now
		);
		return {
			ok: true,
			frameworkId,
			name: pack.name,
			version,
			outcome: versions.length === 0 ? 'new-pack' : 'new-version'
		} as const;
	});
}

/** Every pack version with its size and how many rounds use it, for the administrator's list. */
export function listFrameworkVersions(db: Db) {
	return db
		.select({
			id: frameworks.id,
			key: frameworks.packKey,
			name: frameworks.name,
			version: frameworks.version,
			attribution: frameworks.attribution,
			licence: frameworks.licence,
			retiredAt: frameworks.retiredAt,
			// Written with table names: in a single-table query drizzle leaves columns unqualified, and
			// an unqualified "id" inside these subqueries would mean the inner table's own id.
			challengeCount: sql<number>`(select count(*) from ${challenges} where ${challenges}.framework_id = ${frameworks}.id)`,
			levelCount: sql<number>`(select count(*) from ${levels} where ${levels}.framework_id = ${frameworks}.id)`,
			roundCount: sql<number>`(select count(*) from ${rounds} where ${rounds}.framework_id = ${frameworks}.id)`
		})
		.from(frameworks)
		.orderBy(frameworks.name, desc(frameworks.version))
		.all();
}

/** Retired versions are not offered for new rounds; rounds that used them stay readable. */
export function setRetired(
	db: Db,
	person: Person,
	frameworkId: string,
	retired: boolean,
	now = new Date()
): boolean {
	return db.transaction((tx) => {
		const framework = tx.select().from(frameworks).where(eq(frameworks.id, frameworkId)).get();
		if (!framework) return false;
		tx.update(frameworks)
			.set({ retiredAt: retired ? now : null })
			.where(eq(frameworks.id, frameworkId))
			.run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId: null,
				action: retired ? 'framework.retired' : 'framework.restored',
				entityType: 'framework',
				entityId: frameworkId,
				before: { retired: framework.retiredAt !== null },
				after: { retired }
			},
			now
		);
		return true;
	});
}
