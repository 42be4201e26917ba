// Saving the agreeing form: the agreed scores, the team's resources and priorities and, when
// asked, completion, all in one transaction. A refusal (locked round, a conflict, missing levels)
// writes nothing at all.

import { and, eq } from 'drizzle-orm';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import type { Person } from '../access/policy';
import { recordAuditEvent } from '../audit/record';
import type { Db, Tx } from '../db/client';
import { agreedScores, assessments, rounds, users } from '../db/schema';
import { frameworkContent } from '../frameworks/queries';
import type { FieldErrors } from '../forms';
import { completeAssessment, whyNotComplete, type CompletionRefusal } from './completion';
import {
	changedScores,
	conflictWith,
	type ConflictRefusal,
	type SavedScore,
	type SavedScores
} from './conflicts';
import type { AgreedScoreInput, AssessmentInput } from './form';
import type { AssessmentRecord } from './queries';
import { savedTeamPlan, teamPlanConflict, writeTeamPlan, type Audit } from './team-plan';

export type SaveResult =
	| { ok: true }
	| { ok: false; status: 409; message: string; errors: FieldErrors }
	| ConflictRefusal
	| CompletionRefusal;

function savedScores(tx: Tx, assessmentId: string): SavedScores {
	const rows = tx
		.select({ score: agreedScores, by: users.name })
		.from(agreedScores)
		.leftJoin(users, eq(users.id, agreedScores.updatedBy))
		.where(eq(agreedScores.assessmentId, assessmentId))
		.all();
	return new Map(rows.map((row) => [row.score.challengeId, row]));
}

/** The values of a score the audit trail records before and after a change. */
const auditedValues = (
	s: Pick<SavedScore, 'level' | 'evidence' | 'rationale' | 'evidenceSources' | 'nextStep'>
) => ({
	level: s.level,
	evidence: s.evidence,
	rationale: s.rationale,
	evidenceSources: s.evidenceSources,
	nextStep: s.nextStep
});

function writeScores(
	tx: Tx,
	assessmentId: string,
	changed: AgreedScoreInput[],
	saved: SavedScores,
	audit: Audit,
	now: Date
) {
	for (const score of changed) {
		const before = saved.get(score.challengeId)?.score;
		const values = auditedValues(score);
		const stamp = { updatedAt: now, updatedBy: audit.userId };
		if (before) {
			tx.update(agreedScores)
				.set({ ...values, ...stamp, revision: before.revision + 1 })
				.where(
					and(
						eq(agreedScores.assessmentId, assessmentId),
						eq(agreedScores.challengeId, score.challengeId)
					)
				)
				.run();
		} else {
			tx.insert(agreedScores)
				.values({ assessmentId, challengeId: score.challengeId, ...values, ...stamp })
				.run();
		}
		recordAuditEvent(
			tx,
			{
				...audit,
				action: before ? 'agreed_score.updated' : 'agreed_score.created',
				entityType: 'agreed_score',
				entityId: `${assessmentId}/${score.challengeId}`,
				before: before ? auditedValues(before) : null,
				after: values
			},
			now
		);
	}
}

/** The assessment's status and its round's, read inside the transaction that writes. */
function currentState(tx: Tx, assessmentId: string) {
	return tx
		.select({ status: assessments.status, roundStatus: rounds.status })
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(eq(assessments.id, assessmentId))
		.get();
}

/** A refusal of the scores, the plan, or both, as one answer: nothing at all is written. */
function refusalOf(
	scores: ConflictRefusal | null,
	plan: ReturnType<typeof teamPlanConflict>
): ConflictRefusal | null {
	if (!plan || scores?.status === 400) return scores;
	return {
		ok: false,
		status: 409,
		message: scores?.message ?? plan.message,
		errors: { ...scores?.errors, ...plan.errors },
		conflicts: scores?.conflicts,
		revisions: scores?.revisions ?? {},
		originals: { ...scores?.originals, ...plan.originals }
	};
}

/**
 * Saves the agreed scores and the team's resources and priorities. With `mustBeComplete`, refuses
 * (writing nothing) unless every challenge has a level and last round's actions are reviewed, as
 * the way to the confirmation step does; with `complete`, also marks the assessment complete in
 * the same transaction.
 */
export function saveAssessment(
	db: Db,
	person: Person,
	assessment: AssessmentRecord,
	organisationId: string,
	input: AssessmentInput,
	{
		complete = false,
		mustBeComplete = complete,
		now = new Date()
	}: { complete?: boolean; mustBeComplete?: boolean; now?: Date } = {}
): SaveResult {
	const content = frameworkContent(db, assessment.frameworkId);
	const audit: Audit = { userId: person.id, organisationId, serviceId: assessment.serviceId };
	return db.transaction((tx): SaveResult => {
		const current = currentState(tx, assessment.id);
		const locked = current ? whyAssessmentIsLocked(current.roundStatus, current.status) : null;
		if (!current || locked)
			return { ok: false, status: 409, message: locked ?? 'Not found', errors: {} };

		const saved = savedScores(tx, assessment.id);
		const plan = savedTeamPlan(tx, assessment.id);
		const changed = changedScores(input.scores, saved);
		const labels = new Map(content.challenges.map((c) => [c.id, c.shortLabel]));
		const conflict = refusalOf(
			conflictWith(changed, saved, labels),
			teamPlanConflict(input, plan, labels)
		);
		if (conflict) return conflict;
		const incomplete = mustBeComplete
			? whyNotComplete(tx, content.challenges, input.scores, assessment)
			: null;
		if (incomplete) return incomplete;

		writeScores(tx, assessment.id, changed, saved, audit, now);
		writeTeamPlan(tx, assessment.id, input, plan, audit, now);
		if (complete) completeAssessment(tx, person, assessment, organisationId, now);
		return { ok: true };
	});
}
