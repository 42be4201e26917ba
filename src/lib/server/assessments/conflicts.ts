// Two people agreeing the same assessment at once: only what this person changed is written, and
// a change to a score someone else saved meanwhile is refused with their version shown.

import { EMPTY_SCORE, scoreFingerprint } from '$lib/domain/score-fingerprint';
import { agreedScoreField } from '$lib/forms/field-names';
import type { agreedScores } from '../db/schema';
import type { FieldErrors } from '../forms';
import type { AgreedScoreInput } from './form';

export type SavedScore = typeof agreedScores.$inferSelect;
/** The saved scores of the assessment by challenge, with the name of who saved each. */
export type SavedScores = Map<string, { score: SavedScore; by: string | null }>;

export interface ConflictingChange {
	challengeId: string;
	shortLabel: string;
	level: number | null;
	evidence: string;
	by: string | null;
	at: Date;
}

export interface ConflictRefusal {
	ok: false;
	status: 400 | 409;
	message: string;
	errors: FieldErrors;
	conflicts?: ConflictingChange[];
	/** The saved revisions and fingerprints to start again from, of the challenges concerned. */
	revisions: Record<string, number>;
	originals: Record<string, string>;
}

/**
 * The scores this person changed: a challenge they left alone keeps whatever is saved, even if
 * someone else changed it meanwhile, and one they set to what is already saved needs no write.
 */
export function changedScores(input: AgreedScoreInput[], saved: SavedScores) {
	return input.filter((score) => {
		const fingerprint = scoreFingerprint(score);
		const current = saved.get(score.challengeId)?.score ?? EMPTY_SCORE;
		return fingerprint !== score.original && fingerprint !== scoreFingerprint(current);
	});
}

/**
 * Refuses a save whose changes do not start from the saved revisions, or null when they all do.
 * A revision no save ever gave (unreadable, or ahead of the saved one) means the form was altered
 * or is from another assessment; one behind the saved one means someone else saved meanwhile.
 */
export function conflictWith(
	changed: AgreedScoreInput[],
	saved: SavedScores,
	shortLabels: Map<string, string>
): ConflictRefusal | null {
	const savedRevision = (challengeId: string) => saved.get(challengeId)?.score.revision ?? 0;
	/** The saved revisions and fingerprints of these challenges (or none saved), to start again from. */
	const startAgain = (ids: string[]) => {
		const rows = ids.map((id) => [id, saved.get(id)?.score] as const);
		return {
			revisions: Object.fromEntries(rows.map(([id, score]) => [id, score?.revision ?? 0])),
			originals: Object.fromEntries(rows.map(([id, score]) => [id, scoreFingerprint(score)]))
		};
	};
	if (changed.some((s) => s.revision < 0 || s.revision > savedRevision(s.challengeId))) {
		return {
			ok: false,
			status: 400,
			message:
				'This form did not match the saved assessment. Nothing has been saved, and nothing you typed has been lost: check your changes below and save again.',
			errors: {},
			...startAgain([...new Set([...saved.keys(), ...changed.map((s) => s.challengeId)])])
		};
	}
	const behind = changed.filter((s) => savedRevision(s.challengeId) !== s.revision);
	if (behind.length === 0) return null;
	return {
		ok: false,
		status: 409,
		message:
			'Someone else saved changes to the same challenges while you were working. Nothing you typed has been lost: compare it with their change below, then save again to keep yours.',
		errors: Object.fromEntries(
			behind.map((c) => [
				agreedScoreField.level(c.challengeId),
				`${shortLabels.get(c.challengeId)} was changed by someone else while you were working`
			])
		),
		// Every one has a saved score: its revision is behind the saved one (see above).
		conflicts: behind.flatMap((c) => {
			const theirs = saved.get(c.challengeId);
			if (!theirs) return [];
			return {
				challengeId: c.challengeId,
				shortLabel: shortLabels.get(c.challengeId) ?? '',
				level: theirs.score.level,
				evidence: theirs.score.evidence,
				by: theirs.by,
				at: theirs.score.updatedAt
			};
		}),
		// Only the challenges in conflict start again from what is saved: one this person left alone
		// keeps its original, so saving again still leaves someone else's change to it in place.
		...startAgain(behind.map((c) => c.challengeId))
	};
}
