// Saving the agreeing form: the agreed scores, the team's resources and priorities and, when
// asked, completion, all in one transaction. A refusal (locked round, a conflict, missing levels)
// writes nothing at all.

import { and, eq } from 'drizzle-orm';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import type { Person } from '../access/policy';
import { recordAuditEvent, type AuditEntry } from '../audit/record';
import type { Db, Tx } from '../db/client';
import { agreedScores, assessments, priorities, rounds, users } from '../db/schema';
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
import { prioritiesFor, type AssessmentRecord } from './queries';

export type SaveResult =
	| { ok: true }
	| { ok: false; status: 409; message: string; errors: FieldErrors }
	| ConflictRefusal
	| CompletionRefusal;

/** Who made a change and where, for every audit event of one save. */
type Audit = Pick<AuditEntry, 'userId' | 'organisationId' | 'serviceId'>;

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

function writeTeamResources(
	tx: Tx,
	assessmentId: string,
	before: string,
	after: string,
	audit: Audit,
	now: Date
) {
	if (before === after) return;
	tx.update(assessments)
		.set({ teamResources: after })
		.where(eq(assessments.id, assessmentId))
		.run();
	recordAuditEvent(
		tx,
		{
			...audit,
			action: 'team_resources.updated',
			entityType: 'assessment',
			entityId: assessmentId,
			before: { teamResources: before },
			after: { teamResources: after }
		},
		now
	);
}

const sameList = (a: string[], b: string[]) =>
	a.length === b.length && a.every((v, i) => v === b[i]);

function writePriorities(tx: Tx, assessmentId: string, chosen: string[], audit: Audit, now: Date) {
	const before = prioritiesFor(tx, assessmentId);
	if (sameList(before, chosen)) return;
	tx.delete(priorities).where(eq(priorities.assessmentId, assessmentId)).run();
	if (chosen.length > 0) {
		tx.insert(priorities)
			.values(chosen.map((challengeId, i) => ({ assessmentId, rank: i + 1, challengeId })))
			.run();
	}
	recordAuditEvent(
		tx,
		{
			...audit,
			action: 'priorities.set',
			entityType: 'assessment',
			entityId: assessmentId,
			before: { priorities: before },
			after: { priorities: chosen }
		},
		now
	);
}

/** The assessment's status and its round's, read inside the transaction that writes. */
function currentState(tx: Tx, assessmentId: string) {
	return tx
		.select({
			status: assessments.status,
			roundStatus: rounds.status,
			teamResources: assessments.teamResources
		})
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(eq(assessments.id, assessmentId))
		.get();
}

/**
 * Saves the agreed scores, the team's resources and priorities and, when asked, marks the
 * assessment complete.
 */
export function saveAssessment(
	db: Db,
	person: Person,
	assessment: AssessmentRecord,
	organisationId: string,
	input: AssessmentInput,
	{ complete = false, now = new Date() } = {}
): SaveResult {
	const content = frameworkContent(db, assessment.frameworkId);
	const audit: Audit = { userId: person.id, organisationId, serviceId: assessment.serviceId };
	return db.transaction((tx): SaveResult => {
		const current = currentState(tx, assessment.id);
		const locked = current ? whyAssessmentIsLocked(current.roundStatus, current.status) : null;
		if (!current || locked)
			return { ok: false, status: 409, message: locked ?? 'Not found', errors: {} };

		const saved = savedScores(tx, assessment.id);
		const changed = changedScores(input.scores, saved);
		const labels = new Map(content.challenges.map((c) => [c.id, c.shortLabel]));
		const conflict = conflictWith(changed, saved, labels);
		if (conflict) return conflict;
		const incomplete = complete
			? whyNotComplete(tx, content.challenges, input.scores, assessment)
			: null;
		if (incomplete) return incomplete;

		writeScores(tx, assessment.id, changed, saved, audit, now);
		writeTeamResources(tx, assessment.id, current.teamResources, input.teamResources, audit, now);
		writePriorities(tx, assessment.id, input.priorities, audit, now);
		if (complete) completeAssessment(tx, person, assessment, organisationId, now);
		return { ok: true };
	});
}
