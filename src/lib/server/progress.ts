import { and, asc, eq, isNotNull } from 'drizzle-orm';
import { progressTable, type ProgressTable } from '$lib/domain/progress';
import type { Db } from './db/client';
import { agreedScores, assessments, challenges, frameworks, levels, rounds } from './db/schema';

export interface FrameworkProgress extends ProgressTable {
	packKey: string;
	frameworkName: string;
	scale: { value: number; name: string }[];
}

/**
 * A service's agreed levels across its completed assessments, one table per framework pack.
 * Challenges are matched across versions of a pack by their key, so a new pack version
 * continues the same lines.
 */
export function serviceProgress(db: Db, serviceId: string): FrameworkProgress[] {
	const rows = db
		.select({
			packKey: frameworks.packKey,
			frameworkId: frameworks.id,
			frameworkName: frameworks.name,
			version: frameworks.version,
			roundId: rounds.id,
			roundTitle: rounds.title,
			periodStart: rounds.periodStart,
			challengeKey: challenges.packChallengeKey,
			level: agreedScores.level
		})
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.innerJoin(frameworks, eq(frameworks.id, rounds.frameworkId))
		.innerJoin(agreedScores, eq(agreedScores.assessmentId, assessments.id))
		.innerJoin(challenges, eq(challenges.id, agreedScores.challengeId))
		.where(
			and(
				eq(assessments.serviceId, serviceId),
				eq(assessments.status, 'complete'),
				isNotNull(agreedScores.level)
			)
		)
		.all();

	const packs = new Map<string, typeof rows>();
	for (const row of rows) packs.set(row.packKey, [...(packs.get(row.packKey) ?? []), row]);
	return [...packs.values()].map((packRows) => packProgress(db, packRows));
}

type PackRow = {
	packKey: string;
	frameworkId: string;
	frameworkName: string;
	version: number;
	roundId: string;
	roundTitle: string;
	periodStart: string;
	challengeKey: string;
	level: number | null;
};

/** One pack's table, with the challenges and scale of its latest version the service used. */
function packProgress(db: Db, packRows: PackRow[]): FrameworkProgress {
	const latest = packRows.reduce((a, b) => (b.version > a.version ? b : a));
	const challengeRows = db
		.select({
			key: challenges.packChallengeKey,
			position: challenges.position,
			shortLabel: challenges.shortLabel,
			name: challenges.name
		})
		.from(challenges)
		.where(eq(challenges.frameworkId, latest.frameworkId))
		.orderBy(asc(challenges.position))
		.all();
	const scale = db
		.select({ value: levels.value, name: levels.name })
		.from(levels)
		.where(eq(levels.frameworkId, latest.frameworkId))
		.orderBy(asc(levels.value))
		.all();
	const roundsById = new Map(
		packRows.map((r) => [
			r.roundId,
			{ id: r.roundId, title: r.roundTitle, periodStart: r.periodStart }
		])
	);
	const table = progressTable(
		[...roundsById.values()],
		challengeRows.map((c) => ({
			id: c.key,
			position: c.position,
			shortLabel: c.shortLabel,
			name: c.name
		})),
		// Only agreed levels are selected (level is not null).
		packRows.map((r) => ({ roundId: r.roundId, challengeId: r.challengeKey, level: r.level! }))
	);
	return { packKey: latest.packKey, frameworkName: latest.frameworkName, scale, ...table };
}
