// The counts the dashboards read: how many services agreed each level, per round and challenge
// (round_level_count) and per round (round_level_total), over completed assessments only.
// Completing an assessment adds to them in its own transaction, and undoing a completion takes the
// same levels back out in its own. A complete assessment's levels cannot change, so what is taken
// out is exactly what was added, and the counts never go stale.

import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { agreedScores, assessments, roundLevelCounts, roundLevelTotals } from '../db/schema';

/** Adds a just-completed assessment's agreed levels to its round's counts (same transaction). */
export function countCompletedAssessment(
	tx: Pick<Db, 'run'>,
	assessmentId: string,
	roundId: string
): void {
	tx.run(sql`
		insert into ${roundLevelCounts} (round_id, challenge_id, level, services)
		select ${roundId}, ${agreedScores.challengeId}, ${agreedScores.level}, 1 from ${agreedScores}
		where ${agreedScores.assessmentId} = ${assessmentId} and ${agreedScores.level} is not null
		on conflict (round_id, challenge_id, level) do update set services = services + 1`);
	tx.run(sql`
		insert into ${roundLevelTotals} (round_id, level, scores)
		select ${roundId}, ${agreedScores.level}, count(*) from ${agreedScores}
		where ${agreedScores.assessmentId} = ${assessmentId} and ${agreedScores.level} is not null
		group by ${agreedScores.level}
		on conflict (round_id, level) do update set scores = scores + excluded.scores`);
}

/**
 * Takes an assessment's agreed levels back out of its round's counts, as its completion is undone
 * (same transaction). A count that falls to nothing is removed, as a full recount would leave it.
 */
export function uncountCompletedAssessment(
	tx: Pick<Db, 'run'>,
	assessmentId: string,
	roundId: string
): void {
	tx.run(sql`
		update ${roundLevelCounts} set services = services - 1
		where ${roundLevelCounts.roundId} = ${roundId}
		and (${roundLevelCounts.challengeId}, ${roundLevelCounts.level}) in (
			select ${agreedScores.challengeId}, ${agreedScores.level} from ${agreedScores}
			where ${agreedScores.assessmentId} = ${assessmentId} and ${agreedScores.level} is not null)`);
	tx.run(sql`
		delete from ${roundLevelCounts}
		where ${roundLevelCounts.roundId} = ${roundId} and ${roundLevelCounts.services} <= 0`);
	tx.run(sql`
		update ${roundLevelTotals} set scores = scores - (
			select count(*) from ${agreedScores}
			where ${agreedScores.assessmentId} = ${assessmentId}
			and ${agreedScores.level} = ${roundLevelTotals.level})
		where ${roundLevelTotals.roundId} = ${roundId}`);
	tx.run(sql`
		delete from ${roundLevelTotals}
		where ${roundLevelTotals.roundId} = ${roundId} and ${roundLevelTotals.scores} <= 0`);
}

/** Recounts everything from the agreed scores: for data written in bulk (demo and benchmark seeds). */
export function rebuildRoundLevelCounts(db: Pick<Db, 'run'>): void {
	db.run(sql`delete from ${roundLevelCounts}`);
	db.run(sql`
		insert into ${roundLevelCounts} (round_id, challenge_id, level, services)
		select ${assessments.roundId}, ${agreedScores.challengeId}, ${agreedScores.level}, count(*)
		from ${agreedScores} join ${assessments} on ${assessments.id} = ${agreedScores.assessmentId}
		where ${assessments.status} = 'complete' and ${agreedScores.level} is not null
		group by ${assessments.roundId}, ${agreedScores.challengeId}, ${agreedScores.level}`);
	db.run(sql`delete from ${roundLevelTotals}`);
	db.run(sql`
		insert into ${roundLevelTotals} (round_id, level, scores)
		select ${roundLevelCounts.roundId}, ${roundLevelCounts.level}, sum(${roundLevelCounts.services})
		from ${roundLevelCounts} group by ${roundLevelCounts.roundId}, ${roundLevelCounts.level}`);
}
