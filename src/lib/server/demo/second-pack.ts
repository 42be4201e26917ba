// The demo's second framework: Northmoor tried a small peer support pack in one round, between
// two ImROC rounds, so that the dashboards have a framework to choose and never mix the two.

import { and, asc, eq } from 'drizzle-orm';
import { checkPack } from '$lib/domain/framework-pack';
import type { Tx } from '../db/client';
import {
	agreedScores,
	assessments,
	challenges,
	frameworks,
	rounds,
	roundServices
} from '../db/schema';
import { insertPack, packContentHash } from '../frameworks/loader';
import { newId } from '../ids';
import { integerBetween, seededRandom } from './random';
import peerSupportCheck from './packs/peer-support-check.json';

const ROUND = {
	title: 'Peer support check 2025',
	periodStart: '2025-09-01',
	periodEnd: '2025-11-30'
};

/** A seed of its own, so adding this round left every other demo score as it was. */
const RANDOM_SEED = 20_250_901;

/** Stores the demo pack unless it is there already; call inside the seeding transaction. */
export function insertDemoPack(tx: Tx, now: Date) {
	const checked = checkPack(peerSupportCheck);
	if (!checked.ok) throw new Error(`The demo pack is invalid:\n${checked.problems.join('\n')}`);
	const { key, version } = checked.pack;
	const existing = tx
		.select({ id: frameworks.id })
		.from(frameworks)
		.where(and(eq(frameworks.packKey, key), eq(frameworks.version, version)))
		.get();
	const frameworkId =
		existing?.id ?? insertPack(tx, checked.pack, packContentHash(checked.pack), now);
	const challengeIds = tx
		.select({ id: challenges.id })
		.from(challenges)
		.where(eq(challenges.frameworkId, frameworkId))
		.orderBy(asc(challenges.position))
		.all()
		.map((c) => c.id);
	return { frameworkId, challengeIds };
}

type Rows = {
	roundRows: (typeof rounds.$inferInsert)[];
	roundServiceRows: (typeof roundServices.$inferInsert)[];
	assessmentRows: (typeof assessments.$inferInsert)[];
	scoreRows: (typeof agreedScores.$inferInsert)[];
};

/**
 * One closed round on the demo pack in which every service of the organisation completed its
 * assessment, with levels from 0 to 2.
 */
export function addSecondPackRound(
	rows: Rows,
	organisationId: string,
	serviceIds: string[],
	{ frameworkId, challengeIds }: ReturnType<typeof insertDemoPack>
) {
	const random = seededRandom(RANDOM_SEED);
	const roundId = newId();
	const opened = new Date(`${ROUND.periodStart}T09:00:00Z`);
	rows.roundRows.push({
		id: roundId,
		organisationId,
		frameworkId,
		...ROUND,
		status: 'closed',
		createdAt: new Date(opened.getTime() - 14 * 86_400_000),
		openedAt: opened,
		closedAt: new Date(`${ROUND.periodEnd}T17:00:00Z`)
	});
	for (const serviceId of serviceIds) {
		rows.roundServiceRows.push({ roundId, serviceId });
		const assessmentId = newId();
		const completedAt = new Date(opened.getTime() + integerBetween(random, 20, 80) * 86_400_000);
		rows.assessmentRows.push({
			id: assessmentId,
			roundId,
			serviceId,
			status: 'complete',
			completedAt,
			createdAt: opened
		});
		for (const challengeId of challengeIds)
			rows.scoreRows.push({
				assessmentId,
				challengeId,
				level: integerBetween(random, 0, 2),
				evidence: 'Agreed at the team’s peer support review.',
				updatedAt: completedAt
			});
	}
}
