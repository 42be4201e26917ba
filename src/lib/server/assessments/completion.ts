// Marking an assessment complete: what it needs first, and what completing it writes; and
// undoing a completion while the round is open, which takes its levels back out of the counts.

import { eq } from 'drizzle-orm';
import { z } from 'zod';
import {
	UNDO_COMPLETION_REASON_MAX_LENGTH,
	UNDO_COMPLETION_REASON_MESSAGES,
	unscoredChallenges,
	whyAssessmentIsLocked,
	whyCompletionCannotBeUndone
} from '$lib/domain/rounds';
import { savedScoresFingerprint } from '$lib/domain/score-fingerprint';
import { agreedScoreField } from '$lib/forms/field-names';
import type { Person } from '../access/policy';
import { recordAuditEvent } from '../audit/record';
import { unreviewedActionCount } from '../actions/review';
import type { Db } from '../db/client';
import { assessments, rounds } from '../db/schema';
import { frameworkContent, type FrameworkContent } from '../frameworks/queries';
import { withoutHiddenCharacters, type FieldErrors } from '../forms';
import type { AgreedScoreInput } from './form';
import { countCompletedAssessment, uncountCompletedAssessment } from './level-counts';
import { agreedScoresFor } from './queries';

export interface CompletionRefusal {
	ok: false;
	status: 400;
	message: string;
	errors: FieldErrors;
}

/**
 * Why the assessment cannot be completed with these scores, or null when it can: every challenge
 * needs an agreed level, and every action still open from the last round a review decision.
 */
export function whyNotComplete(
	tx: Pick<Db, 'select'>,
	challenges: FrameworkContent['challenges'],
	scores: Pick<AgreedScoreInput, 'challengeId' | 'level'>[],
	assessment: { id: string; serviceId: string }
): CompletionRefusal | null {
	const levels = new Map(
		scores.flatMap((s) => (s.level === null ? [] : [[s.challengeId, s.level] as const]))
	);
	const missing = unscoredChallenges(challenges, levels);
	if (missing.length > 0) {
		return {
			ok: false,
			status: 400,
			message: 'Agree a level for every challenge before marking the assessment complete',
			errors: Object.fromEntries(
				missing.map((c) => [
					agreedScoreField.level(c.id),
					`Select the agreed level for ${c.shortLabel}`
				])
			)
		};
	}
	const unreviewed = unreviewedActionCount(tx, assessment);
	if (unreviewed === 0) return null;
	const actionsWord = unreviewed === 1 ? 'the action' : `the ${unreviewed} actions`;
	return {
		ok: false,
		status: 400,
		message: `Review ${actionsWord} from the last round before marking the assessment complete`,
		errors: {
			review: `Review ${actionsWord} still open from the last round: done, carry forward or dropped`
		}
	};
}

/** Marks the assessment complete and adds its agreed levels to the round's counts. */
export function completeAssessment(
	tx: Pick<Db, 'insert' | 'select' | 'update' | 'delete' | 'run'>,
	person: Person,
	assessment: { id: string; roundId: string; serviceId: string },
	organisationId: string,
	now: Date
): void {
	tx.update(assessments)
		.set({ status: 'complete', completedAt: now, completedBy: person.id })
		.where(eq(assessments.id, assessment.id))
		.run();
	countCompletedAssessment(tx, assessment.id, assessment.roundId);
	recordAuditEvent(
		tx,
		{
			userId: person.id,
			organisationId,
			serviceId: assessment.serviceId,
			action: 'assessment.completed',
			entityType: 'assessment',
			entityId: assessment.id,
			before: { status: 'in_progress' },
			after: { status: 'complete' }
		},
		now
	);
}

/** The assessment's status and its round's, read inside the transaction that changes them. */
function currentState(tx: Pick<Db, 'select'>, assessmentId: string) {
	return tx
		.select({
			status: assessments.status,
			completedAt: assessments.completedAt,
			roundStatus: rounds.status
		})
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(eq(assessments.id, assessmentId))
		.get();
}

export type CompletionResult =
	{ ok: true } | { ok: false; status: 400 | 404 | 409; message: string; errors: FieldErrors };

/**
 * Marks the assessment complete as its saved scores stand, from the confirmation step.
 * `confirmed` is the fingerprint of the saved scores the person was shown there: if anyone saved
 * a change since, nothing is locked and they are shown the list again.
 */
export function completeSavedAssessment(
	db: Db,
	person: Person,
	assessment: { id: string; roundId: string; serviceId: string; frameworkId: string },
	organisationId: string,
	confirmed: string,
	now = new Date()
): CompletionResult {
	const { challenges } = frameworkContent(db, assessment.frameworkId);
	return db.transaction((tx): CompletionResult => {
		const current = currentState(tx, assessment.id);
		if (!current) return { ok: false, status: 404, message: 'Not found', errors: {} };
		const locked = whyAssessmentIsLocked(current.roundStatus, current.status);
		if (locked) return { ok: false, status: 409, message: locked, errors: {} };
		const saved = agreedScoresFor(tx, assessment.id);
		if (savedScoresFingerprint(saved) !== confirmed) {
			return {
				ok: false,
				status: 409,
				message:
					'Someone saved a change to the agreed levels since you opened this page, so nothing has been marked complete. Check the list again below.',
				errors: {}
			};
		}
		const refusal = whyNotComplete(tx, challenges, saved, assessment);
		if (refusal) return refusal;
		completeAssessment(tx, person, assessment, organisationId, now);
		return { ok: true };
	});
}

export const undoCompletionInputSchema = z.object({
	reason: z
		.string({ error: UNDO_COMPLETION_REASON_MESSAGES.missing })
		.trim()
		.min(1, UNDO_COMPLETION_REASON_MESSAGES.missing)
		.max(UNDO_COMPLETION_REASON_MAX_LENGTH, UNDO_COMPLETION_REASON_MESSAGES.tooLong)
		.superRefine(withoutHiddenCharacters('the reason', 'long'))
});

export const confirmCompletionInputSchema = z.object({
	confirmed: z
		.string({ error: 'Open the confirmation step again before marking the assessment complete' })
		.min(1, 'Open the confirmation step again before marking the assessment complete')
});

export type UndoResult =
	| { ok: true }
	| { ok: false; status: 404 | 409; message: string }
	| { ok: false; status: 400; field: 'reason'; message: string };

/**
 * Undoes a completion while the round is open, so the team can change its agreed levels again.
 * The levels are taken back out of the round's counts in the same transaction, and the reason
 * goes into the audit trail with the change.
 */
export function undoCompletion(
	db: Db,
	person: Person,
	assessment: { id: string; roundId: string; serviceId: string },
	organisationId: string,
	reason: string,
	now = new Date()
): UndoResult {
	return db.transaction((tx): UndoResult => {
		const current = currentState(tx, assessment.id);
		if (!current) return { ok: false, status: 404, message: 'Not found' };
		const refusal = whyCompletionCannotBeUndone(current.roundStatus, current.status, reason);
		if (refusal?.about === 'assessment')
			return { ok: false, status: 409, message: refusal.message };
		if (refusal) return { ok: false, status: 400, field: 'reason', message: refusal.message };

		uncountCompletedAssessment(tx, assessment.id, assessment.roundId);
		tx.update(assessments)
			.set({ status: 'in_progress', completedAt: null, completedBy: null })
			.where(eq(assessments.id, assessment.id))
			.run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				serviceId: assessment.serviceId,
				action: 'assessment.completion_undone',
				entityType: 'assessment',
				entityId: assessment.id,
				before: { status: 'complete', completedAt: current.completedAt },
				after: { status: 'in_progress', reason: reason.trim() }
			},
			now
		);
		return { ok: true };
	});
}
