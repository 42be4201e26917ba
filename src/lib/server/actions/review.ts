// Reviewing, at a service's next assessment, the actions still open when it started.

import { and, asc, eq, isNull, lt, ne, or, sql } from 'drizzle-orm';
import {
	MAX_ACTION_TEXT_LENGTH,
	isClosedStatus,
	isDueForReview,
	isReviewDecision,
	statusAfterReview,
	type ReviewDecision
} from '$lib/domain/actions';
import { reviewField } from '$lib/forms/field-names';
import type { Db, Tx } from '../db/client';
import { actionReviews, assessments, improvementActions, rounds } from '../db/schema';
import { recordAuditEvent } from '../audit/record';
import type { FieldErrors } from '../forms';
import type { Person } from '../access/policy';
import { optionalText } from './form';
import { selectActions } from './rows';

/**
 * The service's actions that were open when this assessment started, with any decision already
 * recorded for them in it. The test is done in SQL with the same rule as isDueForReview.
 */
export function actionsToReview(
	db: Pick<Db, 'select'>,
	assessment: { id: string; serviceId: string }
) {
	const started = db
		.select({ createdAt: assessments.createdAt })
		.from(assessments)
		.where(eq(assessments.id, assessment.id))
		.get();
	if (!started) return [];
	const rows = selectActions(db)
		.where(
			and(
				eq(improvementActions.serviceId, assessment.serviceId),
				lt(improvementActions.createdAt, started.createdAt),
				or(
					isNull(improvementActions.closedAt),
					sql`${improvementActions.closedAt} >= ${started.createdAt.getTime()}`
				),
				or(
					isNull(improvementActions.assessmentId),
					ne(improvementActions.assessmentId, assessment.id)
				)
			)
		)
		.orderBy(asc(improvementActions.dueDate), asc(improvementActions.createdAt))
		.all()
		.filter((a) => isDueForReview(a, started.createdAt));
	const reviews = new Map(
		db
			.select()
			.from(actionReviews)
			.where(eq(actionReviews.assessmentId, assessment.id))
			.all()
			.map((r) => [r.actionId, r])
	);
	return rows.map((action) => {
		const review = reviews.get(action.id);
		return {
			...action,
			decision: review?.decision ?? null,
			reviewNote: review?.note ?? ''
		};
	});
}

/** How many actions still want a decision before the assessment can be completed. */
export function unreviewedActionCount(
	db: Pick<Db, 'select'>,
	assessment: { id: string; serviceId: string }
): number {
	return actionsToReview(db, assessment).filter((a) => a.decision === null).length;
}

export interface ReviewInput {
	actionId: string;
	decision: ReviewDecision;
	note: string;
}

const reviewNote = optionalText('the review note', MAX_ACTION_TEXT_LENGTH);

/** Reads the review form for exactly the actions listed for review; others are not accepted. */
export function parseReviewForm(
	form: FormData,
	listed: { id: string; title: string }[]
): { ok: true; input: ReviewInput[] } | { ok: false; errors: FieldErrors } {
	const errors: FieldErrors = {};
	const input: ReviewInput[] = [];
	for (const action of listed) {
		const decision = form.get(reviewField.decision(action.id));
		const note = reviewNote.safeParse(form.get(reviewField.note(action.id)) ?? '');
		if (!note.success) errors[reviewField.note(action.id)] = note.error.issues[0].message;
		if (decision === null || decision === '') continue;
		if (typeof decision !== 'string' || !isReviewDecision(decision)) {
			errors[reviewField.decision(action.id)] =
				`Select done, carry forward or dropped for “${action.title}”`;
			continue;
		}
		if (decision !== 'carried_forward' && note.success && note.data === '') {
			errors[reviewField.note(action.id)] =
				`Enter a note saying what happened to “${action.title}”`;
			continue;
		}
		if (note.success) input.push({ actionId: action.id, decision, note: note.data });
	}
	return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, input };
}

type Listed = ReturnType<typeof actionsToReview>[number];

/**
 * Records one decision and applies it to the action: done and dropped close it with the note as
 * its outcome; carrying forward keeps it open (and reopens one an earlier decision closed).
 */
function applyDecision(
	tx: Tx,
	person: Person,
	assessment: { id: string; serviceId: string },
	organisationId: string,
	action: Listed,
	item: ReviewInput,
	now: Date
) {
	tx.insert(actionReviews)
		.values({
			assessmentId: assessment.id,
			actionId: item.actionId,
			decision: item.decision,
			note: item.note,
			reviewedAt: now,
			reviewedBy: person.id
		})
		.onConflictDoUpdate({
			target: [actionReviews.assessmentId, actionReviews.actionId],
			set: { decision: item.decision, note: item.note, reviewedAt: now, reviewedBy: person.id }
		})
		.run();
	const status = statusAfterReview(item.decision, action.status);
	const closed = isClosedStatus(status);
	tx.update(improvementActions)
		.set({
			status,
			outcome: closed ? item.note : action.outcome,
			closedAt: closed ? (action.closedAt ?? now) : null,
			updatedAt: now
		})
		.where(eq(improvementActions.id, item.actionId))
		.run();
	recordAuditEvent(
		tx,
		{
			userId: person.id,
			organisationId,
			serviceId: assessment.serviceId,
			action: 'action.reviewed',
			entityType: 'action',
			entityId: item.actionId,
			before: { status: action.status, decision: action.decision },
			after: { status, decision: item.decision, note: item.note }
		},
		now
	);
}

/** Records review decisions and applies them to the actions, in one transaction. */
export function saveReview(
	db: Db,
	person: Person,
	assessment: { id: string; serviceId: string },
	organisationId: string,
	input: ReviewInput[],
	now = new Date()
): { ok: true } | { ok: false; message: string } {
	return db.transaction((tx) => {
		// Read inside the transaction: the round may have closed since the page was loaded.
		const current = tx
			.select({ status: assessments.status, roundStatus: rounds.status })
			.from(assessments)
			.innerJoin(rounds, eq(rounds.id, assessments.roundId))
			.where(eq(assessments.id, assessment.id))
			.get();
		if (current?.roundStatus !== 'open' || current.status !== 'in_progress') {
			return {
				ok: false,
				message: 'The review can only change while the assessment is in progress in an open round'
			} as const;
		}
		const listed = new Map(actionsToReview(tx, assessment).map((a) => [a.id, a]));
		for (const item of input) {
			const action = listed.get(item.actionId);
			if (!action) continue;
			if (action.decision === item.decision && action.reviewNote === item.note) continue;
			applyDecision(tx, person, assessment, organisationId, action, item, now);
		}
		return { ok: true } as const;
	});
}
