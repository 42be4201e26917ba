import { asc, eq, isNull } from 'drizzle-orm';
import type { FrameworkPack } from '$lib/domain/framework-pack';
import type { Db } from '../db/client';
import { challenges, frameworks, indicators, levels } from '../db/schema';

/** Framework versions that may be chosen for a new round. */
export function listAvailableFrameworks(db: Db) {
	return db
		.select({ id: frameworks.id, name: frameworks.name, version: frameworks.version })
		.from(frameworks)
		.where(isNull(frameworks.retiredAt))
		.orderBy(asc(frameworks.name), asc(frameworks.version))
		.all();
}

export function getFramework(db: Db, frameworkId: string) {
	return db.select().from(frameworks).where(eq(frameworks.id, frameworkId)).get();
}

/** The framework's challenges (in order) with its scale and any indicator text. */
export function frameworkContent(db: Pick<Db, 'select'>, frameworkId: string) {
	const challengeRows = db
		.select()
		.from(challenges)
		.where(eq(challenges.frameworkId, frameworkId))
		.orderBy(asc(challenges.position))
		.all();
	const scale = db
		.select({ value: levels.value, name: levels.name, description: levels.description })
		.from(levels)
		.where(eq(levels.frameworkId, frameworkId))
		.orderBy(asc(levels.value))
		.all();
	const indicatorRows = db
		.select({
			challengeId: indicators.challengeId,
			levelValue: indicators.levelValue,
			text: indicators.text
		})
		.from(indicators)
		.innerJoin(challenges, eq(challenges.id, indicators.challengeId))
		.where(eq(challenges.frameworkId, frameworkId))
		.all();
	const indicatorText = new Map(
		indicatorRows.map((i) => [`${i.challengeId}|${i.levelValue}`, i.text])
	);
	return {
		scale,
		challenges: challengeRows.map((c) => ({
			id: c.id,
			key: c.packChallengeKey,
			position: c.position,
			name: c.name,
			shortLabel: c.shortLabel,
			indicators: Object.fromEntries(
				scale
					.map((l) => [l.value, indicatorText.get(`${c.id}|${l.value}`)] as const)
					.filter(([, text]) => text !== undefined)
			) as Record<number, string>
		}))
	};
}

export type FrameworkContent = ReturnType<typeof frameworkContent>;

/** A stored version as the pack it was imported from, to edit and import as a new version. */
export function storedPack(
	db: Pick<Db, 'select'>,
	framework: typeof frameworks.$inferSelect
): FrameworkPack {
	const content = frameworkContent(db, framework.id);
	return {
		key: framework.packKey,
		version: framework.version,
		name: framework.name,
		attribution: framework.attribution,
		...(framework.licence === null ? {} : { licence: framework.licence }),
		scale: content.scale,
		challenges: content.challenges.map((c) => ({
			key: c.key,
			name: c.name,
			shortLabel: c.shortLabel,
			...(Object.keys(c.indicators).length > 0
				? {
						indicators: Object.fromEntries(
							Object.entries(c.indicators).map(([level, text]) => [level, text])
						)
					}
				: {})
		}))
	};
}
