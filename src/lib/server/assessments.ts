import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { unscoredChallenges, whyAssessmentIsLocked } from '$lib/domain/rounds';
import type { Db } from './db/client';
import { agreedScores, assessments, rounds, services } from './db/schema';
import { recordAuditEvent } from './audit';
import { frameworkContent, type FrameworkContent } from './frameworks/queries';
import type { FieldErrors } from './forms';
import type { Person } from './access/policy';

export const MAX_EVIDENCE_LENGTH = 10_000;

export const levelField = (challengeId: string) => `level-${challengeId}`;
export const evidenceField = (challengeId: string) => `evidence-${challengeId}`;

/** The assessment with its round and service, only if all three belong to this organisation. */
export function getAssessment(db: Db, organisationId: string, roundId: string, assessmentId: string) {
	return db
		.select({
			id: assessments.id,
			status: assessments.status,
			completedAt: assessments.completedAt,
			roundId: rounds.id,
			roundTitle: rounds.title,
			roundStatus: rounds.status,
			periodStart: rounds.periodStart,
			periodEnd: rounds.periodEnd,
			frameworkId: rounds.frameworkId,
			serviceId: services.id,
			serviceName: services.name
		})
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.innerJoin(services, eq(services.id, assessments.serviceId))
		.where(
			and(
				eq(assessments.id, assessmentId),
				eq(assessments.roundId, roundId),
				eq(rounds.organisationId, organisationId)
			)
		)
		.get();
}

export type AssessmentRecord = NonNullable<ReturnType<typeof getAssessment>>;

export function agreedScoresFor(db: Db, assessmentId: string) {
	return db
		.select({ challengeId: agreedScores.challengeId, level: agreedScores.level, evidence: agreedScores.evidence })
		.from(agreedScores)
		.where(eq(agreedScores.assessmentId, assessmentId))
		.all();
}

export interface AgreedScoreInput {
	challengeId: string;
	level: number | null;
	evidence: string;
}

/**
 * Reads the agreed-score form against this framework: a level must be one on its scale and
 * evidence has a length limit. Field names carry the challenge id, so nothing else is accepted.
 */
export function parseAgreedScoresForm(
	form: FormData,
	content: FrameworkContent
): { ok: true; scores: AgreedScoreInput[] } | { ok: false; errors: FieldErrors } {
	const allowedLevels = new Set(content.scale.map((l) => String(l.value)));
	const errors: FieldErrors = {};
	const scores: AgreedScoreInput[] = [];
	for (const challenge of content.challenges) {
		const rawLevel = form.get(levelField(challenge.id)) ?? '';
		const rawEvidence = form.get(evidenceField(challenge.id)) ?? '';
		if (typeof rawLevel !== 'string' || (rawLevel !== '' && !allowedLevels.has(rawLevel))) {
			errors[levelField(challenge.id)] = `Select one of the levels shown for ${challenge.shortLabel}`;
			continue;
		}
		const evidence = z.string().trim().max(MAX_EVIDENCE_LENGTH).safeParse(rawEvidence);
		if (!evidence.success) {
			errors[evidenceField(challenge.id)] =
				`Evidence for ${challenge.shortLabel} must be ${MAX_EVIDENCE_LENGTH.toLocaleString('en-GB')} characters or fewer`;
			continue;
		}
		scores.push({ challengeId: challenge.id, level: rawLevel === '' ? null : Number(rawLevel), evidence: evidence.data });
	}
	return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, scores };
}

export type SaveResult = { ok: true } | { ok: false; status: 400 | 409; message: string; errors: FieldErrors };

/**
 * Saves the agreed scores and, when asked, marks the assessment complete. Everything happens in
 * one transaction: a refusal (locked round, missing levels) writes nothing at all.
 */
export function saveAgreedScores(
	db: Db,
	person: Person,
	assessment: AssessmentRecord,
	organisationId: string,
	scores: AgreedScoreInput[],
	{ complete = false, now = new Date() } = {}
): SaveResult {
	const content = frameworkContent(db, assessment.frameworkId);
	return db.transaction((tx) => {
		const current = tx
			.select({ status: assessments.status, roundStatus: rounds.status })
			.from(assessments)
			.innerJoin(rounds, eq(rounds.id, assessments.roundId))
			.where(eq(assessments.id, assessment.id))
			.get();
		const locked = current ? whyAssessmentIsLocked(current.roundStatus, current.status) : 'Not found';
		if (locked) return { ok: false, status: 409, message: locked, errors: {} } as const;

		const existing = new Map(
			tx
				.select()
				.from(agreedScores)
				.where(eq(agreedScores.assessmentId, assessment.id))
				.all()
				.map((row) => [row.challengeId, row])
		);

		if (complete) {
			const levels = new Map(
				scores.filter((s) => s.level !== null).map((s) => [s.challengeId, s.level as number])
			);
			const missing = unscoredChallenges(content.challenges, levels);
			if (missing.length > 0) {
				return {
					ok: false,
					status: 400,
					message: 'Agree a level for every challenge before marking the assessment complete',
					errors: Object.fromEntries(
						missing.map((c) => [levelField(c.id), `Select the agreed level for ${c.shortLabel}`])
					)
				} as const;
			}
		}

		for (const score of scores) {
			const before = existing.get(score.challengeId);
			if (!before && score.level === null && score.evidence === '') continue;
			if (before && before.level === score.level && before.evidence === score.evidence) continue;
			if (before) {
				tx.update(agreedScores)
					.set({ level: score.level, evidence: score.evidence, revision: before.revision + 1, updatedAt: now, updatedBy: person.id })
					.where(and(eq(agreedScores.assessmentId, assessment.id), eq(agreedScores.challengeId, score.challengeId)))
					.run();
			} else {
				tx.insert(agreedScores)
					.values({ assessmentId: assessment.id, challengeId: score.challengeId, level: score.level, evidence: score.evidence, updatedAt: now, updatedBy: person.id })
					.run();
			}
			recordAuditEvent(tx, {
				userId: person.id,
				organisationId,
				serviceId: assessment.serviceId,
				action: before ? 'agreed_score.updated' : 'agreed_score.created',
				entityType: 'agreed_score',
				entityId: `${assessment.id}/${score.challengeId}`,
				before: before ? { level: before.level, evidence: before.evidence } : null,
				after: { level: score.level, evidence: score.evidence }
			}, now);
		}

		if (complete) {
			tx.update(assessments)
				.set({ status: 'complete', completedAt: now, completedBy: person.id })
				.where(eq(assessments.id, assessment.id))
				.run();
			recordAuditEvent(tx, {
				userId: person.id,
				organisationId,
				serviceId: assessment.serviceId,
				action: 'assessment.completed',
				entityType: 'assessment',
				entityId: assessment.id,
				before: { status: 'in_progress' },
				after: { status: 'complete' }
			}, now);
		}
		return { ok: true } as const;
	});
}

/** Every assessment of a service, newest round first. */
export function serviceAssessments(db: Db, serviceId: string) {
	return db
		.select({
			id: assessments.id,
			status: assessments.status,
			roundId: rounds.id,
			roundTitle: rounds.title,
			roundStatus: rounds.status,
			periodStart: rounds.periodStart
		})
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(eq(assessments.serviceId, serviceId))
		.orderBy(desc(rounds.periodStart))
		.all();
}
