// What every dashboard needs of a framework: its challenges as columns and its scale.

import { asc, eq, inArray } from 'drizzle-orm';
import {
	frameworkChoices,
	frameworkLabel,
	type FrameworkChoice,
	type LevelCount
} from '$lib/domain/dashboards';
import type { Db } from '../db/client';
import { challenges, frameworks, levels } from '../db/schema';

export interface ChallengeColumn {
	key: string;
	position: number;
	shortLabel: string;
}

export interface ScaleLevel {
	value: number;
	name: string;
}

export function frameworkShape(db: Pick<Db, 'select'>, frameworkId: string) {
	const challengeColumns: ChallengeColumn[] = db
		.select({
			key: challenges.packChallengeKey,
			position: challenges.position,
			shortLabel: challenges.shortLabel
		})
		.from(challenges)
		.where(eq(challenges.frameworkId, frameworkId))
		.orderBy(asc(challenges.position))
		.all();
	const scale: ScaleLevel[] = db
		.select({ value: levels.value, name: levels.name })
		.from(levels)
		.where(eq(levels.frameworkId, frameworkId))
		.orderBy(asc(levels.value))
		.all();
	return { challenges: challengeColumns, scale };
}

export type FrameworkShape = ReturnType<typeof frameworkShape>;

/** "3 Development": a level in a table cell. */
export const levelText = (scale: ScaleLevel[], level: number | null) =>
	level === null ? null : `${level} ${scale.find((l) => l.value === level)?.name ?? ''}`.trim();

/** "1. Day-to-day interactions": a challenge as a table's row heading. */
export const challengeHeading = (c: { position: number; shortLabel: string }) =>
	`${c.position}. ${c.shortLabel}`;

/**
 * Counts per level, grouped by whatever key the rows carry. Rows that share a key and a level are
 * added up: several perspectives folded into one key arrive as several rows for the same level.
 */
export function countsByKey<K>(rows: { key: K; level: number; count: number }[]) {
	const grouped = new Map<K, LevelCount[]>();
	for (const row of rows) {
		const list = grouped.get(row.key) ?? [];
		const same = list.find((c) => c.level === row.level);
		if (same) same.count += row.count;
		else list.push({ level: row.level, count: row.count });
		grouped.set(row.key, list);
	}
	return grouped;
}

/** The frameworks that rounds with these framework versions used, one per pack. */
export function frameworksOf(db: Pick<Db, 'select'>, frameworkIds: string[]): FrameworkChoice[] {
	const ids = [...new Set(frameworkIds)];
	if (ids.length === 0) return [];
	return frameworkChoices(
		db
			.select({
				id: frameworks.id,
				packKey: frameworks.packKey,
				name: frameworks.name,
				version: frameworks.version
			})
			.from(frameworks)
			.where(inArray(frameworks.id, ids))
			.all()
	);
}

/** What a page needs to say which framework it shows and to offer the others. */
export function frameworkSummary(chosen: FrameworkChoice, choices: FrameworkChoice[]) {
	return {
		shown: { packKey: chosen.packKey, label: frameworkLabel(chosen) },
		choices: choices.map((c) => ({ value: c.packKey, text: frameworkLabel(c) }))
	};
}
