// Who rates an assessment: the people the lead invites, and from which perspective each rates.

import { and, asc, eq } from 'drizzle-orm';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import { isPerspective, PERSPECTIVE_NOT_CHOSEN, type Perspective } from '$lib/domain/ratings';
import type { Person } from '../access/policy';
import type { AssessmentRecord } from '../assessments/queries';
import { recordAuditEvent } from '../audit/record';
import type { Db } from '../db/client';
import { assessmentRaters, assessments, rounds, users } from '../db/schema';
import type { FieldErrors } from '../forms';
import { listMemberships } from '../memberships';

export type RatingsResult =
	{ ok: true } | { ok: false; status: 400 | 404 | 409; message: string; errors: FieldErrors };

export function organisationOf(db: Pick<Db, 'select'>, roundId: string): string | null {
	return (
		db.select({ id: rounds.organisationId }).from(rounds).where(eq(rounds.id, roundId)).get()?.id ??
		null
	);
}

/** Why the assessment's ratings cannot change now, read inside the transaction that would change them. */
export function currentLock(tx: Pick<Db, 'select'>, assessmentId: string): string | null {
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

export interface Rater {
	userId: string;
	name: string;
	/** Null until the rater has chosen it. */
	perspective: Perspective | null;
	invitedAt: Date;
	submittedAt: Date | null;
}

export function listRaters(db: Pick<Db, 'select'>, assessmentId: string): Rater[] {
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
		.map((r) => ({ ...r, perspective: isPerspective(r.perspective) ? r.perspective : null }));
}

/** This person's place as a rater in the assessment, or undefined when they were not invited. */
export function raterOf(db: Db, assessmentId: string, userId: string): Rater | undefined {
	return listRaters(db, assessmentId).find((r) => r.userId === userId);
}

/**
 * People who may be asked to rate: anyone holding a role in the service, or a role across the
 * organisation other than facilitator (facilitators support the organisation from outside and change
 * nothing). Disabled accounts and people already invited are left out.
 */
export function possibleRaters(
	db: Pick<Db, 'select'>,
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
		if (locked) return { ok: false, status: 409, message: locked, errors: {} };
		const organisationId = organisationOf(tx, assessment.roundId);
		if (!organisationId) return { ok: false, status: 404, message: 'Page not found', errors: {} };
		const existing = tx
			.select({ userId: assessmentRaters.userId })
			.from(assessmentRaters)
			.where(
				and(eq(assessmentRaters.assessmentId, assessment.id), eq(assessmentRaters.userId, userId))
			)
			.get();
		if (existing) {
			const message = 'This person is already a rater';
			return { ok: false, status: 409, message, errors: { userId: message } };
		}
		if (!possibleRaters(tx, organisationId, assessment).some((p) => p.userId === userId)) {
			const message = 'Select a person from the list';
			return { ok: false, status: 400, message, errors: { userId: message } };
		}
		tx.insert(assessmentRaters)
			.values({
				assessmentId: assessment.id,
				userId,
				perspective: PERSPECTIVE_NOT_CHOSEN,
				invitedAt: now
			})
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
		return { ok: true };
	});
}
