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
	return encodeHexLowerCase(sha256(new TextEncoder().encode(key))).slice(0, 32);
}
