// A short digest of an agreed score's values. The agreeing form carries the fingerprint of what
// the person started from, so saving can tell their own changes from what others saved meanwhile.

import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';

export interface ScoreValues {
	level: number | null;
	evidence: string;
	rationale: string;
	evidenceSources: readonly string[];
	nextStep: string;
}

const digest = (key: string) =>
	encodeHexLowerCase(sha256(new TextEncoder().encode(key))).slice(0, 32);

/** An agreed score nobody has saved yet. */
export const EMPTY_SCORE: ScoreValues = {
	level: null,
	evidence: '',
	rationale: '',
	evidenceSources: [],
	nextStep: ''
};

/** The same values always give the same fingerprint, whatever order the sources were ticked in. */
export function scoreFingerprint(values: ScoreValues = EMPTY_SCORE): string {
	const key = JSON.stringify([
		values.level,
		values.evidence,
		values.rationale,
		[...values.evidenceSources].sort(),
		values.nextStep
	]);
	return digest(key);
}

/**
 * Which saved version of every agreed score a person was shown: the confirmation step carries it,
 * so completion locks exactly what was listed, not what someone changed in the meantime.
 */
export function savedScoresFingerprint(
	scores: readonly { challengeId: string; revision: number }[]
): string {
	const ordered = [...scores].sort((a, b) => a.challengeId.localeCompare(b.challengeId));
	return digest(JSON.stringify(ordered.map((s) => [s.challengeId, s.revision])));
}

/**
 * A digest of one part of the team's plan (its resources, its priorities in order), for the same
 * purpose as a score's fingerprint: telling this person's changes from what others saved meanwhile.
 */
export function teamPlanPartFingerprint(value: string | readonly string[]): string {
	return digest(JSON.stringify(value));
}
