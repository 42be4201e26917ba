// The rating wizard: a rater chooses their perspective, rates one challenge per page, then sees a
// summary to submit from. Each step has its own address, so the back button and bookmarks work.

export type RatingStep =
	{ kind: 'perspective' } | { kind: 'challenge'; index: number } | { kind: 'summary' };

/**
 * The step an address asks for (`?step=perspective`, `?challenge=3`, `?challenge=summary`), or
 * null when it names a step there is not. Until a perspective is chosen, that comes first.
 */
export function ratingStep(
	asked: { step: string | null; challenge: string | null },
	challengeCount: number,
	perspectiveChosen: boolean
): RatingStep | null {
	if (asked.step === 'perspective' || !perspectiveChosen) return { kind: 'perspective' };
	if (asked.challenge === null) return { kind: 'challenge', index: 0 };
	if (asked.challenge === 'summary') return { kind: 'summary' };
	if (!/^\d{1,3}$/.test(asked.challenge)) return null;
	const n = Number(asked.challenge);
	return n >= 1 && n <= challengeCount ? { kind: 'challenge', index: n - 1 } : null;
}

/** The query string of a step: challenges are numbered from 1 in addresses. */
export function ratingStepQuery(step: RatingStep): string {
	if (step.kind === 'perspective') return '?step=perspective';
	return step.kind === 'summary' ? '?challenge=summary' : `?challenge=${step.index + 1}`;
}

/**
 * Where a rater goes after answering the challenge at `index`: the next challenge, or the summary
 * after the last one or when they came from the summary to change an answer.
 */
export function stepAfterAnswer(
	index: number,
	challengeCount: number,
	backToSummary: boolean
): RatingStep {
	return index + 1 < challengeCount && !backToSummary
		? { kind: 'challenge', index: index + 1 }
		: { kind: 'summary' };
}
