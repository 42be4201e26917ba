import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { and, eq } from 'drizzle-orm';
import { checkPack, type FrameworkPack } from '$lib/domain/framework-pack';
import type { Db, Tx } from '../db/client';
import { challenges, frameworks, indicators, levels } from '../db/schema';
import { newId } from '../ids';
import builtInImroc from './packs/imroc-2010.json';

export const BUILT_IN_PACKS: unknown[] = [builtInImroc];

export type LoadResult =
	| { outcome: 'loaded'; frameworkId: string }
	| { outcome: 'already-present'; frameworkId: string }
	| { outcome: 'conflict'; frameworkId: string };

function parsePack(input: unknown): FrameworkPack {
	const checked = checkPack(input);
	if (!checked.ok) throw new Error(`Invalid framework pack:\n${checked.problems.join('\n')}`);
	return checked.pack;
}

/** Identifies a pack's content; the version number is left out, so the same content is recognised under any. */
export function packContentHash(pack: FrameworkPack): string {
	const content = { ...pack, version: 0 };
	return encodeHexLowerCase(sha256(new TextEncoder().encode(JSON.stringify(content))));
}

/**
 * Stores a pack version if it is not there yet, all in one transaction. A stored version never
 * changes: the same key and version with different content is reported as a conflict and left alone.
 */
export function loadPack(db: Db, input: unknown, now = new Date()): LoadResult {
	const pack = parsePack(input);
	const contentHash = packContentHash(pack);
	return db.transaction((tx) => {
		const existing = tx
			.select({ id: frameworks.id, contentHash: frameworks.contentHash })
			.from(frameworks)
			.where(and(eq(frameworks.packKey, pack.key), eq(frameworks.version, pack.version)))
			.get();
		if (existing) {
			return {
				outcome: existing.contentHash === contentHash ? 'already-present' : 'conflict',
				frameworkId: existing.id
			} as const;
		}
		return { outcome: 'loaded', frameworkId: insertPack(tx, pack, contentHash, now) } as const;
	});
}

/** Writes one pack version with its scale, challenges and indicators; call inside a transaction. */
export function insertPack(tx: Tx, pack: FrameworkPack, contentHash: string, now: Date): string {
	const frameworkId = newId();
	tx.insert(frameworks)
		.values({
			id: frameworkId,
			packKey: pack.key,
			version: pack.version,
			name: pack.name,
			attribution: pack.attribution,
			licence: pack.licence ?? null,
			contentHash,
			createdAt: now
		})
		.run();
	tx.insert(levels)
		.values(
			pack.scale.map((level) => ({
				frameworkId,
				value: level.value,
				name: level.name,
				description: level.description
			}))
		)
		.run();
	pack.challenges.forEach((challenge, index) => {
		const challengeId = newId();
		tx.insert(challenges)
			.values({
				id: challengeId,
				frameworkId,
				packChallengeKey: challenge.key,
				position: index + 1,
				name: challenge.name,
				shortLabel: challenge.shortLabel
			})
			.run();
		const indicatorRows = Object.entries(challenge.indicators ?? {}).map(([levelValue, text]) => ({
			challengeId,
			levelValue: Number(levelValue),
			text
		}));
		if (indicatorRows.length > 0) tx.insert(indicators).values(indicatorRows).run();
	});
	return frameworkId;
}

export function loadBuiltInPacks(db: Db): LoadResult[] {
	return BUILT_IN_PACKS.map((pack) => loadPack(db, pack));
}
