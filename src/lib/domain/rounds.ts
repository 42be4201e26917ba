export type RoundStatus = 'draft' | 'open' | 'closed';
export type AssessmentStatus = 'in_progress' | 'complete';

export const ROUND_STATUS_LABELS: Record<RoundStatus, string> = {
	draft: 'Draft',
	open: 'Open',
	closed: 'Closed'
};

export const ASSESSMENT_STATUS_LABELS: Record<AssessmentStatus, string> = {
	in_progress: 'In progress',
	complete: 'Complete'
};

/** Why a round cannot be opened now, or null when it can. */
export function whyRoundCannotOpen(status: RoundStatus, serviceCount: number): string | null {
	if (status !== 'draft') return 'Only a draft round can be opened.';
	if (serviceCount === 0) return 'Add at least one service to the round before opening it.';
	return null;
}

export function whyRoundCannotClose(status: RoundStatus): string | null {
	return status === 'open' ? null : 'Only an open round can be closed.';
}

/** Agreed scores can change only while the round is open and the assessment not yet complete. */
export function whyAssessmentIsLocked(
	roundStatus: RoundStatus,
	assessmentStatus: AssessmentStatus
): string | null {
	if (roundStatus === 'draft') return 'This round has not been opened yet.';
	if (roundStatus === 'closed') return 'This round is closed, so its scores can no longer change.';
	if (assessmentStatus === 'complete') return 'This assessment has been marked complete.';
	return null;
}

/** The challenges that still have no agreed level, in framework order. */
export function unscoredChallenges<T extends { id: string }>(
	challenges: T[],
	agreedLevels: Map<string, number>
): T[] {
	return challenges.filter((c) => !agreedLevels.has(c.id));
}
