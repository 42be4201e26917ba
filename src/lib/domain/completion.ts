// Marking an assessment complete is deliberate: before it is done, the team sees what will be
// locked, what is still missing (which stops it) and what was agreed without evidence (which does
// not stop it, but is worth a second look).

export interface ChallengeToAgree {
	id: string;
	position: number;
	shortLabel: string;
}

export interface SavedAgreement {
	challengeId: string;
	level: number | null;
	evidence: string;
}

export interface CompletionReadiness<C extends ChallengeToAgree> {
	/** Challenges with an agreed level, in framework order. */
	agreed: C[];
	/** Challenges with no agreed level yet: completion waits for them. */
	missing: C[];
	/** Challenges agreed without any evidence written down: allowed, but said. */
	withoutEvidence: C[];
	/** Actions from the last round still waiting for a review decision: completion waits for them. */
	unreviewedActions: number;
	ready: boolean;
}

export function completionReadiness<C extends ChallengeToAgree>(
	challenges: C[],
	saved: SavedAgreement[],
	unreviewedActions: number
): CompletionReadiness<C> {
	const byChallenge = new Map(saved.map((s) => [s.challengeId, s]));
	const agreed = challenges.filter((c) => (byChallenge.get(c.id)?.level ?? null) !== null);
	const missing = challenges.filter((c) => !agreed.includes(c));
	const withoutEvidence = agreed.filter((c) => !byChallenge.get(c.id)?.evidence.trim());
	return {
		agreed,
		missing,
		withoutEvidence,
		unreviewedActions,
		ready: missing.length === 0 && unreviewedActions === 0
	};
}

/** "6 of 10 challenges agreed". */
export function describeAgreedProgress(agreed: number, total: number): string {
	return `${agreed} of ${total} challenge${total === 1 ? '' : 's'} agreed`;
}
