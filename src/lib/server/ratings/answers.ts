// A rater's own answers: saved part-way or in full, then submitted once. Only the rater sees them
// until they submit; the organisation's trail records which challenges changed, never the answers.

import { and, eq } from 'drizzle-orm';
import { isPerspective, MAX_RATING_COMMENT_LENGTH } from '$lib/domain/ratings';
import type { Person } from '../access/policy';
import type { AssessmentRecord } from '../assessments/queries';
import { recordAuditEvent } from '../audit/record';
import type { Db, Tx } from '../db/client';
import { assessmentRaters, ratings } from '../db/schema';
import { frameworkContent, type FrameworkContent } from '../frameworks/queries';
import type { FieldErrors } from '../forms';
import { currentLock, organisationOf, type RatingsResult } from './raters';

export interface OwnRating {
	challengeId: string;
	level: number | null;
	dontKnow: boolean;
	comment: string;
}

/** One rater's own answers (only ever shown to that rater). */
export function ownRatings(db: Db, assessmentId: string, userId: string): OwnRating[] {
	return db
		.select({
			challengeId: ratings.challengeId,
			level: ratings.level,
			dontKnow: ratings.dontKnow,
			comment: ratings.comment
		})
		.from(ratings)
		.where(and(eq(ratings.assessmentId, assessmentId), eq(ratings.userId, userId)))
		.all();
}

export interface RatingAnswer {
	challengeId: string;
	/** A level value, 'dont-know', or null for not answered yet. */
	choice: number | 'dont-know' | null;
	comment: string;
}

export interface RatingsInput {
	/** Leave out to keep the perspective already chosen. */
	perspective?: string;
	answers: RatingAnswer[];
}

type SavedRating = typeof ratings.$inferSelect;
type RaterRow = typeof assessmentRaters.$inferSelect;

const NOT_ON_SCALE = 'Select one of the levels shown, or ‘Don’t know’';

/** What is wrong with the answers (and the perspective, if one is chosen), field by field. */
function answerErrors(input: RatingsInput, content: FrameworkContent): FieldErrors {
	const scaleValues = new Set(content.scale.map((l) => l.value));
	const challengeIds = new Set(content.challenges.map((c) => c.id));
	const errors: FieldErrors = {};
	if (input.perspective !== undefined && !isPerspective(input.perspective))
		errors.perspective = 'Select the perspective you are rating from';
	for (const answer of input.answers) {
		if (!challengeIds.has(answer.challengeId)) {
			errors.level = NOT_ON_SCALE;
			continue;
		}
		if (typeof answer.choice === 'number' && !scaleValues.has(answer.choice))
			errors.level = NOT_ON_SCALE;
		if (answer.comment.length > MAX_RATING_COMMENT_LENGTH)
			errors.comment = `Your comment must be ${MAX_RATING_COMMENT_LENGTH.toLocaleString('en-GB')} characters or fewer`;
	}
	return errors;
}

const ofRater = (assessmentId: string, userId: string) =>
	and(eq(assessmentRaters.assessmentId, assessmentId), eq(assessmentRaters.userId, userId));

/** Writes the answers that differ from what is saved; `saved` is kept up to date. Returns which changed. */
function writeAnswers(
	tx: Tx,
	key: { assessmentId: string; userId: string },
	answers: RatingAnswer[],
	saved: Map<string, SavedRating>,
	now: Date
): string[] {
	const changed: string[] = [];
	for (const answer of answers) {
		const level = typeof answer.choice === 'number' ? answer.choice : null;
		const dontKnow = answer.choice === 'dont-know';
		const before = saved.get(answer.challengeId);
		if (!before && answer.choice === null && answer.comment === '') continue;
		if (
			before?.level === level &&
			before.dontKnow === dontKnow &&
			before.comment === answer.comment
		)
			continue;
		const row = { level, dontKnow, comment: answer.comment, updatedAt: now };
		if (before) {
			tx.update(ratings)
				.set(row)
				.where(
					and(
						eq(ratings.assessmentId, key.assessmentId),
						eq(ratings.userId, key.userId),
						eq(ratings.challengeId, answer.challengeId)
					)
				)
				.run();
		} else {
			tx.insert(ratings)
				.values({ ...key, challengeId: answer.challengeId, ...row })
				.run();
		}
		saved.set(answer.challengeId, { ...key, challengeId: answer.challengeId, ...row });
		changed.push(answer.challengeId);
	}
	return changed;
}

/** What must be answered before submitting: the perspective, and a level or "don't know" for each challenge. */
function missingForSubmission(
	content: FrameworkContent,
	perspective: string,
	saved: Map<string, SavedRating>
): FieldErrors {
	const errors: FieldErrors = {};
	if (!isPerspective(perspective))
		errors.perspective = 'Select the perspective you are rating from';
	for (const c of content.challenges) {
		const r = saved.get(c.id);
		if (!r || (r.level === null && !r.dontKnow))
			errors[`challenge-${c.position}`] = `Select a level, or ‘Don’t know’, for ${c.shortLabel}`;
	}
	return errors;
}

/** Thrown inside the transaction so that it rolls back whatever it had saved. */
class RefusedSubmission extends Error {
	errors: FieldErrors;
	constructor(errors: FieldErrors) {
		super('Refused submission');
		this.errors = errors;
	}
}

function refusalBeforeSaving(tx: Tx, rater: RaterRow, assessmentId: string) {
	const locked = currentLock(tx, assessmentId);
	if (locked) return { ok: false, status: 409, message: locked, errors: {} } as const;
	if (rater.submittedAt)
		return {
			ok: false,
			status: 409,
			message: 'You have already submitted your ratings',
			errors: {}
		} as const;
	return null;
}

/**
 * Which challenges changed, never the levels or comments: a rater's own answers are the team's
 * working, not something for the organisation's trail.
 */
function recordRatingsEvent(
	tx: Tx,
	person: Person,
	assessment: AssessmentRecord,
	change: {
		submit: boolean;
		before: string;
		perspective: string;
		changed: string[];
		answered: number;
	},
	now: Date
) {
	const perspectiveChanged = change.perspective !== change.before;
	recordAuditEvent(
		tx,
		{
			userId: person.id,
			organisationId: organisationOf(tx, assessment.roundId),
			serviceId: assessment.serviceId,
			action: change.submit ? 'ratings.submitted' : 'ratings.saved',
			entityType: 'assessment_rater',
			entityId: `${assessment.id}/${person.id}`,
			before: perspectiveChanged ? { perspective: change.before || null } : null,
			after: {
				perspective: isPerspective(change.perspective) ? change.perspective : null,
				challengesChanged: change.changed.length,
				answered: change.answered
			}
		},
		now
	);
}

function saveInTransaction(
	db: Db,
	person: Person,
	assessment: AssessmentRecord,
	input: RatingsInput,
	{ submit = false, now = new Date() }: { submit?: boolean; now?: Date }
): RatingsResult {
	const content = frameworkContent(db, assessment.frameworkId);
	const key = { assessmentId: assessment.id, userId: person.id };
	return db.transaction((tx): RatingsResult => {
		const rater = tx
			.select()
			.from(assessmentRaters)
			.where(ofRater(key.assessmentId, key.userId))
			.get();
		if (!rater) return { ok: false, status: 404, message: 'Page not found', errors: {} };
		const refusal = refusalBeforeSaving(tx, rater, assessment.id);
		if (refusal) return refusal;
		const errors = answerErrors(input, content);
		if (Object.keys(errors).length > 0)
			return { ok: false, status: 400, message: 'There is a problem with your answers', errors };

		const saved = new Map(
			tx
				.select()
				.from(ratings)
				.where(and(eq(ratings.assessmentId, key.assessmentId), eq(ratings.userId, key.userId)))
				.all()
				.map((r) => [r.challengeId, r])
		);
		const changed = writeAnswers(tx, key, input.answers, saved, now);
		// Checked above: a perspective given here is one of the perspectives.
		const perspective =
			input.perspective !== undefined && isPerspective(input.perspective)
				? input.perspective
				: rater.perspective;
		const perspectiveChanged = perspective !== rater.perspective;
		if (perspectiveChanged)
			tx.update(assessmentRaters)
				.set({ perspective })
				.where(ofRater(key.assessmentId, key.userId))
				.run();
		if (submit) {
			const missing = missingForSubmission(content, perspective, saved);
			// Throwing rolls back anything saved above, so a refused submission changes nothing.
			if (Object.keys(missing).length > 0) throw new RefusedSubmission(missing);
			tx.update(assessmentRaters)
				.set({ submittedAt: now })
				.where(ofRater(key.assessmentId, key.userId))
				.run();
		}
		if (submit || changed.length > 0 || perspectiveChanged) {
			const answered = [...saved.values()].filter((r) => r.level !== null || r.dontKnow).length;
			const change = { submit, before: rater.perspective, perspective, changed, answered };
			recordRatingsEvent(tx, person, assessment, change, now);
		}
		return { ok: true };
	});
}

/**
 * Saves a rater's own answers, part-way or in full, and when asked submits them. Everything
 * happens in one transaction with its audit event: a refusal writes nothing.
 */
export function saveRatings(
	db: Db,
	person: Person,
	assessment: AssessmentRecord,
	input: RatingsInput,
	options: { submit?: boolean; now?: Date } = {}
): RatingsResult {
	try {
		return saveInTransaction(db, person, assessment, input, options);
	} catch (e) {
		if (!(e instanceof RefusedSubmission)) throw e;
		return {
			ok: false,
			status: 400,
			message: 'Answer every question before you submit your ratings',
			errors: e.errors
		};
	}
}
