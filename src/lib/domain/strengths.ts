// TRIP: what the team does well, beside its top priorities. SRI 2's users valued celebrating what
// a service did well as much as finding what to improve. A strength is about one challenge or about
// the whole service, and is carried into the next round only when the team says it is still true.

import { teamPlanPartFingerprint } from './score-fingerprint';

/** Plain text, long enough for a few sentences and short enough to read on a dashboard. */
export const STRENGTH_TEXT_MAX = 500;

/** A list the team can keep in mind: more than this and it stops being a celebration. */
export const STRENGTH_LIMIT = 10;

/** What a strength about no one challenge is called, everywhere it is shown. */
export const ACROSS_THE_SERVICE = 'Across the service';

export function whyNoMoreStrengths(count: number): string | null {
	return count >= STRENGTH_LIMIT
		? `The team has recorded ${STRENGTH_LIMIT} strengths, the most an assessment can hold. Change or remove one to make room.`
		: null;
}

/**
 * The previous round's strengths still waiting for the team's word: those neither confirmed into
 * this assessment (a strength here names it as where it came from) nor dropped. Nothing is carried
 * without the team saying so.
 */
export function strengthsToConfirm<T extends { id: string }>(
	previous: T[],
	decided: { carriedFrom: (string | null)[]; dropped: string[] }
): T[] {
	const done = new Set([...decided.carriedFrom, ...decided.dropped]);
	return previous.filter((s) => !done.has(s.id));
}

/**
 * The challenge a confirmed strength is about in this round: the challenge with the same key in
 * this round's framework. When the framework has no such challenge, the strength is kept across
 * the service rather than lost (the team sees the old challenge's name when it confirms it).
 */
export function carriedChallengeId(
	previousKey: string | null,
	current: { id: string; key: string }[]
): string | null {
	if (previousKey === null) return null;
	return current.find((c) => c.key === previousKey)?.id ?? null;
}

/** How a strength's place is named: the challenge, or across the service. */
export function strengthPlace(challenge: { position: number; shortLabel: string } | null): string {
	return challenge ? `${challenge.position}. ${challenge.shortLabel}` : ACROSS_THE_SERVICE;
}

/**
 * A digest of a strength as a person was shown it: changing it carries this, so that a change
 * someone else saved meanwhile is not silently written over.
 */
export function strengthFingerprint(strength: {
	text: string;
	challengeId: string | null;
}): string {
	return teamPlanPartFingerprint([strength.text, strength.challengeId ?? '']);
}
