export interface ProgressRound {
	id: string;
	title: string;
	periodStart: string;
}

export interface ProgressChallenge {
	id: string;
	position: number;
	shortLabel: string;
	name: string;
}

export interface ProgressScore {
	roundId: string;
	challengeId: string;
	level: number;
}

export interface ProgressTable {
	rounds: ProgressRound[];
	/** One row per challenge; cells follow `rounds`, null where no level was agreed. */
	rows: { challenge: ProgressChallenge; levels: (number | null)[] }[];
}

/**
 * Arranges a service's agreed levels as challenges × rounds (rounds oldest first). The chart
 * and its data table are both drawn from this one table, so they always show the same numbers.
 */
export function progressTable(
	rounds: ProgressRound[],
	challenges: ProgressChallenge[],
	scores: ProgressScore[]
): ProgressTable {
	const orderedRounds = [...rounds].sort(
		(a, b) => a.periodStart.localeCompare(b.periodStart) || a.title.localeCompare(b.title)
	);
	const byKey = new Map(scores.map((s) => [`${s.challengeId}|${s.roundId}`, s.level]));
	const rows = [...challenges]
		.sort((a, b) => a.position - b.position)
		.map((challenge) => ({
			challenge,
			levels: orderedRounds.map((round) => byKey.get(`${challenge.id}|${round.id}`) ?? null)
		}));
	return { rounds: orderedRounds, rows };
}
