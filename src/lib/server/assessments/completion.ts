// Marking an assessment complete: what it needs first, and what completing it writes.

import { eq } from 'drizzle-orm';
import { unscoredChallenges } from '$lib/domain/rounds';
import { agreedScoreField } from '$lib/forms/field-names';
import type { Person } from '../access/policy';
import { recordAuditEvent } from '../audit/record';
import { unreviewedActionCount } from '../actions/review';
import type { Db } from '../db/client';
import { assessments } from '../db/schema';
import type { FrameworkContent } from '../frameworks/queries';
import type { FieldErrors } from '../forms';
import type { AgreedScoreInput } from './form';
import { countCompletedAssessment } from './level-counts';

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
	scores: AgreedScoreInput[],
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
