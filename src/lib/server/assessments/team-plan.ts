// The team recovery implementation plan (TRIP) of an assessment: the team's resources and its top
// priorities. It is saved with the agreed levels while they are being agreed, and on its own once
// the assessment is complete, until the round closes: the plan stays the team's. Each part is
// written only when this person changed it; a change to a part someone else changed meanwhile is
// refused with their version shown, as for agreed scores.

import { eq } from 'drizzle-orm';
import { whyTeamPlanIsLocked } from '$lib/domain/rounds';
import { teamPlanPartFingerprint } from '$lib/domain/score-fingerprint';
import { agreedScoreField } from '$lib/forms/field-names';
import type { Person } from '../access/policy';
import { recordAuditEvent, type AuditEntry } from '../audit/record';
import type { Db, Tx } from '../db/client';
import { assessments, priorities, rounds } from '../db/schema';
import { frameworkContent } from '../frameworks/queries';
import type { FieldErrors } from '../forms';
import { TEAM_PLAN_PARTS, type TeamPlanInput, type TeamPlanPart } from './form';
import { prioritiesFor } from './queries';

/** Who made a change and where, for every audit event of one save. */
export type Audit = Pick<AuditEntry, 'userId' | 'organisationId' | 'serviceId'>;

export interface SavedTeamPlan {
	teamResources: string;
	priorities: string[];
}

export function savedTeamPlan(tx: Pick<Db, 'select'>, assessmentId: string): SavedTeamPlan {
	const row = tx
		.select({ teamResources: assessments.teamResources })
		.from(assessments)
		.where(eq(assessments.id, assessmentId))
		.get();
	return { teamResources: row?.teamResources ?? '', priorities: prioritiesFor(tx, assessmentId) };
}

/** The fingerprint of each part as saved, for the form to carry. */
export function teamPlanOriginals(plan: SavedTeamPlan): Record<TeamPlanPart, string> {
	return {
		teamResources: teamPlanPartFingerprint(plan.teamResources),
		priorities: teamPlanPartFingerprint(plan.priorities)
	};
}

/** The parts this person changed: those that differ from what they started from and what is saved. */
function changedParts(input: TeamPlanInput, saved: SavedTeamPlan): TeamPlanPart[] {
	const current = teamPlanOriginals(saved);
	return TEAM_PLAN_PARTS.filter((part) => {
		const posted = teamPlanPartFingerprint(input[part]);
		const original = input.originals?.[part] ?? current[part];
		return posted !== original && posted !== current[part];
	});
}

export interface TeamPlanConflict {
	status: 409;
	message: string;
	errors: FieldErrors;
	/** The saved fingerprints of the parts in conflict, so that saving again keeps this version. */
	originals: Record<string, string>;
}

/**
 * Refuses changes to parts someone else saved since this person's page was drawn, or null. Only
 * the parts in conflict start again from what is saved: a part this person left alone keeps its
 * original, so saving again still leaves the other person's change to it in place.
 */
export function teamPlanConflict(
	input: TeamPlanInput,
	saved: SavedTeamPlan,
	challengeLabels: Map<string, string>
): TeamPlanConflict | null {
	const current = teamPlanOriginals(saved);
	const behind = changedParts(input, saved).filter(
		(part) => (input.originals?.[part] ?? current[part]) !== current[part]
	);
	if (behind.length === 0) return null;
	const errors: FieldErrors = {};
	if (behind.includes('teamResources')) {
		errors[agreedScoreField.teamResources] = saved.teamResources
			? `Someone else changed the team's resources while you were working. They now read: “${saved.teamResources}”. Save again to keep yours.`
			: "Someone else cleared the team's resources while you were working. Save again to keep yours.";
	}
	if (behind.includes('priorities')) {
		const theirs = saved.priorities.map((id) => challengeLabels.get(id) ?? '');
		errors[agreedScoreField.priority(1)] =
			theirs.length > 0
				? `Someone else changed the priorities while you were working: they are now ${theirs.join(', then ')}. Save again to keep yours.`
				: 'Someone else cleared the priorities while you were working. Save again to keep yours.';
	}
	return {
		status: 409,
		message:
			"Someone else saved changes to the team's plan while you were working. Nothing you typed has been lost: compare it with their change below, then save again to keep yours.",
		errors,
		originals: Object.fromEntries(
			behind.map((part) => [agreedScoreField.teamPlanOriginal(part), current[part]])
		)
	};
}

function writeTeamResources(tx: Tx, assessmentId: string, before: string, after: string) {
	tx.update(assessments)
		.set({ teamResources: after })
		.where(eq(assessments.id, assessmentId))
		.run();
	return {
		action: 'team_resources.updated',
		before: { teamResources: before },
		after: { teamResources: after }
	};
}

function writePriorities(tx: Tx, assessmentId: string, before: string[], chosen: string[]) {
	tx.delete(priorities).where(eq(priorities.assessmentId, assessmentId)).run();
	if (chosen.length > 0) {
		tx.insert(priorities)
			.values(chosen.map((challengeId, i) => ({ assessmentId, rank: i + 1, challengeId })))
			.run();
	}
	return {
		action: 'priorities.set',
		before: { priorities: before },
		after: { priorities: chosen }
	};
}

/** Writes the parts of the plan this person changed, each with its audit event. */
export function writeTeamPlan(
	tx: Tx,
	assessmentId: string,
	input: TeamPlanInput,
	saved: SavedTeamPlan,
	audit: Audit,
	now: Date
): void {
	for (const part of changedParts(input, saved)) {
		const change =
			part === 'teamResources'
				? writeTeamResources(tx, assessmentId, saved.teamResources, input.teamResources)
				: writePriorities(tx, assessmentId, saved.priorities, input.priorities);
		recordAuditEvent(
			tx,
			{ ...audit, entityType: 'assessment', entityId: assessmentId, ...change },
			now
		);
	}
}

export type TeamPlanResult =
	| { ok: true }
	| {
			ok: false;
			status: 409;
			message: string;
			errors: FieldErrors;
			originals?: Record<string, string>;
	  };

/**
 * Saves the team's plan on its own: once the assessment is complete its agreed levels are locked,
 * but the plan can change until the round closes.
 */
export function saveTeamPlan(
	db: Db,
	person: Person,
	assessment: { id: string; serviceId: string; frameworkId: string },
	organisationId: string,
	input: TeamPlanInput,
	now = new Date()
): TeamPlanResult {
	const labels = new Map(
		frameworkContent(db, assessment.frameworkId).challenges.map((c) => [c.id, c.shortLabel])
	);
	const audit: Audit = { userId: person.id, organisationId, serviceId: assessment.serviceId };
	return db.transaction((tx): TeamPlanResult => {
		const round = tx
			.select({ status: rounds.status })
			.from(assessments)
			.innerJoin(rounds, eq(rounds.id, assessments.roundId))
			.where(eq(assessments.id, assessment.id))
			.get();
		const locked = round ? whyTeamPlanIsLocked(round.status) : 'Not found';
		if (locked) return { ok: false, status: 409, message: locked, errors: {} };
		const saved = savedTeamPlan(tx, assessment.id);
		const conflict = teamPlanConflict(input, saved, labels);
		if (conflict) return { ok: false, ...conflict };
		writeTeamPlan(tx, assessment.id, input, saved, audit, now);
		return { ok: true };
	});
}
