import { and, asc, count, eq, isNotNull, or, sql } from 'drizzle-orm';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import {
	isPerspective,
	MAX_RATING_COMMENT_LENGTH,
	summariseRatings,
	type ChallengeSpreadSummary,
	type Perspective,
	type RatingCount
} from '$lib/domain/ratings';
import type { Db } from './db/client';
import { assessmentRaters, assessments, ratings, rounds, users } from './db/schema';
import { recordAuditEvent } from './audit/record';
import { frameworkContent } from './frameworks/queries';
import { listMemberships } from './memberships';
import type { FieldErrors } from './forms';
import type { AssessmentRecord } from './assessments/queries';
import type { Person } from './access/policy';

/** The perspective column cannot be null; this is stored until the rater chooses one. */
const NOT_CHOSEN = '';

export type RatingsResult =
	{ ok: true } | { ok: false; status: 400 | 404 | 409; message: string; errors: FieldErrors };

function organisationOf(db: Pick<Db, 'select'>, roundId: string): string | null {
	return (
		db.select({ id: rounds.organisationId }).from(rounds).where(eq(rounds.id, roundId)).get()?.id ??
		null
	);
}

function currentLock(tx: Pick<Db, 'select'>, assessmentId: string): string | null {
	const current = tx
		.select({ status: assessments.status, roundStatus: rounds.status })
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(eq(assessments.id, assessmentId))
		.get();
	return current
		? whyAssessmentIsLocked(current.roundStatus, current.status)
		: 'This assessment was not found.';
}

/**
 * People who may be asked to rate: anyone holding a role in the service, or a role across the
 * organisation other than facilitator (facilitators support the site from outside and change
 * nothing). Disabled accounts and people already invited are left out.
 */
export function possibleRaters(
	db: Db,
	organisationId: string,
	assessment: Pick<AssessmentRecord, 'id' | 'serviceId'>
) {
	const already = new Set(listRaters(db, assessment.id).map((r) => r.userId));
	const people = new Map<string, { userId: string; name: string; email: string }>();
	for (const m of listMemberships(db, organisationId)) {
		if (m.disabled || already.has(m.userId)) continue;
		const inService = m.serviceId === assessment.serviceId;
		const acrossOrganisation = m.serviceId === null && m.role !== 'facilitator';
		if (inService || acrossOrganisation)
			people.set(m.userId, { userId: m.userId, name: m.name, email: m.email });
	}
	return [...people.values()].sort(
		(a, b) => a.name.localeCompare(b.name, 'en-GB') || a.email.localeCompare(b.email)
	);
}

/** Invites a person to rate; they must hold a role where the assessment is, and only once. */
export function addRater(
	db: Db,
	person: Person,
	assessment: AssessmentRecord,
	userId: string,
	now = new Date()
): RatingsResult {
	return db.transaction((tx): RatingsResult => {
		const locked = currentLock(tx, assessment.id);
		if (locked) return { ok: false, status: 409, message: locked, errors: {} } as const;
		const organisationId = organisationOf(tx, assessment.roundId);
		if (!organisationId)
			return { ok: false, status: 404, message: 'Page not found', errors: {} } as const;

		const existing = tx
			.select({ userId: assessmentRaters.userId })
			.from(assessmentRaters)
			.where(
				and(eq(assessmentRaters.assessmentId, assessment.id), eq(assessmentRaters.userId, userId))
			)
			.get();
		if (existing) {
			return {
				ok: false,
				status: 409,
				message: 'This person is already a rater',
				errors: { userId: 'This person is already a rater' }
			} as const;
		}
		const eligible = possibleRaters(tx as unknown as Db, organisationId, assessment).some(
			(p) => p.userId === userId
		);
		if (!eligible) {
			return {
				ok: false,
				status: 400,
				message: 'Select a person from the list',
				errors: { userId: 'Select a person from the list' }
			} as const;
		}
		tx.insert(assessmentRaters)
			.values({ assessmentId: assessment.id, userId, perspective: NOT_CHOSEN, invitedAt: now })
			.run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				serviceId: assessment.serviceId,
				action: 'rater.added',
				entityType: 'assessment_rater',
				entityId: `${assessment.id}/${userId}`,
				after: { userId }
			},
			now
		);
		return { ok: true } as const;
	});
}

export interface Rater {
	userId: string;
	name: string;
	/** Null until the rater has chosen it. */
	perspective: Perspective | null;
	invitedAt: Date;
	submittedAt: Date | null;
}

function toPerspective(value: string): Perspective | null {
	return isPerspective(value) ? value : null;
}

export function listRaters(db: Db, assessmentId: string): Rater[] {
	return db
		.select({
			userId: assessmentRaters.userId,
			name: users.name,
			perspective: assessmentRaters.perspective,
			invitedAt: assessmentRaters.invitedAt,
			submittedAt: assessmentRaters.submittedAt
		})
		.from(assessmentRaters)
		.innerJoin(users, eq(users.id, assessmentRaters.userId))
		.where(eq(assessmentRaters.assessmentId, assessmentId))
		.orderBy(asc(users.name))
		.all()
		.map((r) => ({ ...r, perspective: toPerspective(r.perspective) }));
}

/** This person's place as a rater in the assessment, or undefined when they were not invited. */
export function raterOf(db: Db, assessmentId: string, userId: string): Rater | undefined {
	return listRaters(db, assessmentId).find((r) => r.userId === userId);
}

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
		if (e instanceof RefusedSubmission) {
			return {
				ok: false,
				status: 400,
				message: 'Answer every question before you submit your ratings',
				errors: e.errors
			};
		}
		throw e;
	}
}

/** Thrown inside the transaction so that it rolls back whatever it had saved. */
class RefusedSubmission extends Error {
	errors: FieldErrors;
	constructor(errors: FieldErrors) {
		super('Refused submission');
		this.errors = errors;
	}
}

function saveInTransaction(
	db: Db,
	person: Person,
	assessment: AssessmentRecord,
	input: RatingsInput,
	{ submit = false, now = new Date() }: { submit?: boolean; now?: Date }
): RatingsResult {
	const content = frameworkContent(db, assessment.frameworkId);
	const scaleValues = new Set(content.scale.map((l) => l.value));
	const challengeIds = new Set(content.challenges.map((c) => c.id));

	return db.transaction((tx) => {
		const rater = tx
			.select()
			.from(assessmentRaters)
			.where(
				and(
					eq(assessmentRaters.assessmentId, assessment.id),
					eq(assessmentRaters.userId, person.id)
				)
			)
			.get();
		if (!rater) return { ok: false, status: 404, message: 'Page not found', errors: {} } as const;
		const locked = currentLock(tx, assessment.id);
		if (locked) return { ok: false, status: 409, message: locked, errors: {} } as const;
		if (rater.submittedAt)
			return {
				ok: false,
				status: 409,
				message: 'You have already submitted your ratings',
				errors: {}
			} as const;

		const errors: FieldErrors = {};
		let perspective = rater.perspective;
		if (input.perspective !== undefined) {
			if (!isPerspective(input.perspective))
				errors.perspective = 'Select the perspective you are rating from';
			else perspective = input.perspective;
		}
		for (const answer of input.answers) {
			if (!challengeIds.has(answer.challengeId)) {
				errors.level = 'Select one of the levels shown, or ‘Don’t know’';
				continue;
			}
			if (typeof answer.choice === 'number' && !scaleValues.has(answer.choice)) {
				errors.level = 'Select one of the levels shown, or ‘Don’t know’';
			}
			if (answer.comment.length > MAX_RATING_COMMENT_LENGTH) {
				errors.comment = `Your comment must be ${MAX_RATING_COMMENT_LENGTH.toLocaleString('en-GB')} characters or fewer`;
			}
		}
		if (Object.keys(errors).length > 0) {
			return {
				ok: false,
				status: 400,
				message: 'There is a problem with your answers',
				errors
			} as const;
		}

		const existing = new Map(
			tx
				.select()
				.from(ratings)
				.where(and(eq(ratings.assessmentId, assessment.id), eq(ratings.userId, person.id)))
				.all()
				.map((r) => [r.challengeId, r])
		);
		const changed: string[] = [];
		for (const answer of input.answers) {
			const level = typeof answer.choice === 'number' ? answer.choice : null;
			const dontKnow = answer.choice === 'dont-know';
			const before = existing.get(answer.challengeId);
			if (!before && answer.choice === null && answer.comment === '') continue;
			if (
				before &&
				before.level === level &&
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
							eq(ratings.assessmentId, assessment.id),
							eq(ratings.userId, person.id),
							eq(ratings.challengeId, answer.challengeId)
						)
					)
					.run();
			} else {
				tx.insert(ratings)
					.values({
						assessmentId: assessment.id,
						userId: person.id,
						challengeId: answer.challengeId,
						...row
					})
					.run();
			}
			existing.set(answer.challengeId, {
				...(before ?? {
					assessmentId: assessment.id,
					userId: person.id,
					challengeId: answer.challengeId
				}),
				...row
			});
			changed.push(answer.challengeId);
		}
		const perspectiveChanged = perspective !== rater.perspective;
		if (perspectiveChanged) {
			tx.update(assessmentRaters)
				.set({ perspective })
				.where(
					and(
						eq(assessmentRaters.assessmentId, assessment.id),
						eq(assessmentRaters.userId, person.id)
					)
				)
				.run();
		}

		if (submit) {
			const errors: FieldErrors = {};
			if (!isPerspective(perspective))
				errors.perspective = 'Select the perspective you are rating from';
			const missing = content.challenges.filter((c) => {
				const r = existing.get(c.id);
				return !r || (r.level === null && !r.dontKnow);
			});
			for (const c of missing)
				errors[`challenge-${c.position}`] = `Select a level, or ‘Don’t know’, for ${c.shortLabel}`;
			if (Object.keys(errors).length > 0) {
				// Throwing rolls back anything saved above, so a refused submission changes nothing.
				throw new RefusedSubmission(errors);
			}
			tx.update(assessmentRaters)
				.set({ submittedAt: now })
				.where(
					and(
						eq(assessmentRaters.assessmentId, assessment.id),
						eq(assessmentRaters.userId, person.id)
					)
				)
				.run();
		}

		if (submit || changed.length > 0 || perspectiveChanged) {
			// Which challenges changed, never the levels or comments: a rater's own answers are the
			// team's working, not something for the organisation's trail.
			recordAuditEvent(
				tx,
				{
					userId: person.id,
					organisationId: organisationOf(tx, assessment.roundId),
					serviceId: assessment.serviceId,
					action: submit ? 'ratings.submitted' : 'ratings.saved',
					entityType: 'assessment_rater',
					entityId: `${assessment.id}/${person.id}`,
					before: perspectiveChanged ? { perspective: rater.perspective || null } : null,
					after: {
						perspective: isPerspective(perspective) ? perspective : null,
						challengesChanged: changed.length,
						answered: [...existing.values()].filter((r) => r.level !== null || r.dontKnow).length
					}
				},
				now
			);
		}
		return { ok: true } as const;
	});
}

export interface ChallengeRatingSpread extends ChallengeSpreadSummary {
	challengeId: string;
	position: number;
	name: string;
	shortLabel: string;
	/** The grouped counts the summary was made from, for anything else that needs them. */
	ratings: RatingCount[];
}

/**
 * The spread of submitted ratings for every challenge of the assessment, in framework order.
 * Counted in SQL, grouped by challenge, perspective, level and "don't know"; drafts of people
 * who have not yet submitted are left out.
 */
export function ratingSpread(
	db: Db,
	assessmentId: string
): {
	scale: { value: number; name: string; description: string }[];
	challenges: ChallengeRatingSpread[];
} {
	const frameworkId = db
		.select({ id: rounds.frameworkId })
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(eq(assessments.id, assessmentId))
		.get()?.id;
	if (!frameworkId) return { scale: [], challenges: [] };
	const content = frameworkContent(db, frameworkId);

	const rows = db
		.select({
			challengeId: ratings.challengeId,
			perspective: assessmentRaters.perspective,
			level: ratings.level,
			dontKnow: ratings.dontKnow,
			n: count()
		})
		.from(ratings)
		.innerJoin(
			assessmentRaters,
			and(
				eq(assessmentRaters.assessmentId, ratings.assessmentId),
				eq(assessmentRaters.userId, ratings.userId)
			)
		)
		.where(
			and(
				eq(ratings.assessmentId, assessmentId),
				isNotNull(assessmentRaters.submittedAt),
				or(isNotNull(ratings.level), eq(ratings.dontKnow, true))
			)
		)
		.groupBy(ratings.challengeId, assessmentRaters.perspective, ratings.level, ratings.dontKnow)
		.all();

	const byChallenge = new Map<string, RatingCount[]>();
	for (const row of rows) {
		if (!isPerspective(row.perspective)) continue;
		const list = byChallenge.get(row.challengeId) ?? [];
		list.push({
			perspective: row.perspective,
			level: row.dontKnow ? null : row.level,
			count: row.n
		});
		byChallenge.set(row.challengeId, list);
	}
	return {
		scale: content.scale,
		challenges: content.challenges.map((c) => {
			const counts = byChallenge.get(c.id) ?? [];
			return {
				challengeId: c.id,
				position: c.position,
				name: c.name,
				shortLabel: c.shortLabel,
				ratings: counts,
				...summariseRatings(counts, content.scale)
			};
		})
	};
}

/** How many raters there are and how many have submitted, for a summary line. */
export function raterProgress(db: Db, assessmentId: string) {
	const row = db
		.select({ total: count(), submitted: sql<number>`count(${assessmentRaters.submittedAt})` })
		.from(assessmentRaters)
		.where(eq(assessmentRaters.assessmentId, assessmentId))
		.get();
	return { total: row?.total ?? 0, submitted: Number(row?.submitted ?? 0) };
}
