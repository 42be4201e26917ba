import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { and, asc, desc, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import { unscoredChallenges, whyAssessmentIsLocked } from '$lib/domain/rounds';
import { EVIDENCE_SOURCE_KEYS, PRIORITY_COUNT, type EvidenceSource } from '$lib/domain/evidence';
import { agreedScoreField } from '$lib/forms/field-names';
import type { Db } from './db/client';
import {
	agreedScores,
	assessments,
	challenges,
	levels,
	priorities,
	rounds,
	services,
	users
} from './db/schema';
import { recordAuditEvent } from './audit';
import { unreviewedActionCount } from './action-review';
import { countCompletedAssessment } from './assessments/level-counts';
import { frameworkContent, type FrameworkContent } from './frameworks/queries';
import type { FieldErrors } from './forms';
import type { Person } from './access/policy';

export const MAX_EVIDENCE_LENGTH = 10_000;

/** The assessment with its round and service, only if all three belong to this organisation. */
export function getAssessment(
	db: Db,
	organisationId: string,
	roundId: string,
	assessmentId: string
) {
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
		.select({
			challengeId: agreedScores.challengeId,
			level: agreedScores.level,
			evidence: agreedScores.evidence,
			rationale: agreedScores.rationale,
			evidenceSources: agreedScores.evidenceSources,
			nextStep: agreedScores.nextStep,
			revision: agreedScores.revision
		})
		.from(agreedScores)
		.where(eq(agreedScores.assessmentId, assessmentId))
		.all();
}

export interface AgreedScoreInput {
	challengeId: string;
	level: number | null;
	evidence: string;
	rationale: string;
	evidenceSources: EvidenceSource[];
	nextStep: string;
	/** The revision the person started from: 0 when there was no saved score. */
	revision: number;
	/** The fingerprint of the values the person started from, to tell their changes from the rest. */
	original: string;
}

export interface AssessmentInput {
	scores: AgreedScoreInput[];
	teamResources: string;
	/** Challenge ids in priority order; at most PRIORITY_COUNT, no repeats. */
	priorities: string[];
}

const longText = (label: string) =>
	z
		.string()
		.trim()
		.max(
			MAX_EVIDENCE_LENGTH,
			`${label} must be ${MAX_EVIDENCE_LENGTH.toLocaleString('en-GB')} characters or fewer`
		);

/**
 * Reads the assessment form against this framework: levels must be on its scale, priorities must
 * be its challenges, text has a length limit. Field names carry challenge ids, so nothing else
 * is accepted.
 */
export function parseAssessmentForm(
	form: FormData,
	content: FrameworkContent
): { ok: true; input: AssessmentInput } | { ok: false; errors: FieldErrors } {
	const allowedLevels = new Set(content.scale.map((l) => String(l.value)));
	const challengeIds = new Set(content.challenges.map((c) => c.id));
	const errors: FieldErrors = {};
	const text = (name: string) => {
		const value = form.get(name);
		return typeof value === 'string' ? value : '';
	};
	const checkText = (name: string, label: string) => {
		const parsed = longText(label).safeParse(text(name));
		if (!parsed.success) errors[name] = parsed.error.issues[0].message;
		return parsed.success ? parsed.data : '';
	};

	const scores: AgreedScoreInput[] = [];
	for (const challenge of content.challenges) {
		const rawLevel = text(agreedScoreField.level(challenge.id));
		if (rawLevel !== '' && !allowedLevels.has(rawLevel)) {
			errors[agreedScoreField.level(challenge.id)] =
				`Select one of the levels shown for ${challenge.shortLabel}`;
		}
		const sources = z
			.array(z.enum(EVIDENCE_SOURCE_KEYS))
			.safeParse(form.getAll(agreedScoreField.sources(challenge.id)));
		if (!sources.success)
			errors[agreedScoreField.sources(challenge.id)] =
				`Select sources of evidence from the list for ${challenge.shortLabel}`;
		const rawRevision = text(agreedScoreField.revision(challenge.id));
		scores.push({
			challengeId: challenge.id,
			level: rawLevel === '' || !allowedLevels.has(rawLevel) ? null : Number(rawLevel),
			evidence: checkText(
				agreedScoreField.evidence(challenge.id),
				`Evidence for ${challenge.shortLabel}`
			),
			rationale: checkText(
				agreedScoreField.rationale(challenge.id),
				`The reason for the level of ${challenge.shortLabel}`
			),
			evidenceSources: sources.success ? [...new Set(sources.data)] : [],
			nextStep: checkText(
				agreedScoreField.nextStep(challenge.id),
				`The next step for ${challenge.shortLabel}`
			),
			revision: rawRevision === '' ? 0 : /^\d{1,9}$/.test(rawRevision) ? Number(rawRevision) : -1,
			original: text(agreedScoreField.original(challenge.id))
		});
	}

	const priorities: string[] = [];
	for (let rank = 1; rank <= PRIORITY_COUNT; rank++) {
		const chosen = text(agreedScoreField.priority(rank));
		if (chosen === '') continue;
		if (!challengeIds.has(chosen))
			errors[agreedScoreField.priority(rank)] =
				`Select priority ${rank} from the list of challenges`;
		else if (priorities.includes(chosen))
			errors[agreedScoreField.priority(rank)] =
				`Priority ${rank} is already chosen above: choose a different challenge`;
		else priorities.push(chosen);
	}

	const teamResources = checkText(agreedScoreField.teamResources, "The team's resources");
	return Object.keys(errors).length > 0
		? { ok: false, errors }
		: { ok: true, input: { scores, teamResources, priorities } };
}

export interface ConflictingChange {
	challengeId: string;
	shortLabel: string;
	level: number | null;
	evidence: string;
	by: string | null;
	at: Date;
}

export type SaveResult =
	| { ok: true }
	| {
			ok: false;
			status: 400 | 409;
			message: string;
			errors: FieldErrors;
			conflicts?: ConflictingChange[];
			/** After a conflict, the saved revisions and fingerprints to start again from. */
			revisions?: Record<string, number>;
			originals?: Record<string, string>;
	  };

const sameList = (a: string[], b: string[]) =>
	a.length === b.length && a.every((v, i) => v === b[i]);

interface ScoreValues {
	level: number | null;
	evidence: string;
	rationale: string;
	evidenceSources: readonly string[];
	nextStep: string;
}

const EMPTY_SCORE: ScoreValues = {
	level: null,
	evidence: '',
	rationale: '',
	evidenceSources: [],
	nextStep: ''
};

/** A short digest of an agreed score's values; the form carries it back to show what the person started from. */
export function scoreFingerprint(values: ScoreValues = EMPTY_SCORE): string {
	const key = JSON.stringify([
		values.level,
		values.evidence,
		values.rationale,
		[...values.evidenceSources].sort(),
		values.nextStep
	]);
	return encodeHexLowerCase(sha256(new TextEncoder().encode(key))).slice(0, 32);
}

/** The fingerprint of every challenge's saved values (or of an empty score), for the form. */
export function scoreFingerprints(
	db: Db,
	assessmentId: string,
	challengeIds: string[]
): Record<string, string> {
	const saved = new Map(agreedScoresFor(db, assessmentId).map((s) => [s.challengeId, s]));
	return Object.fromEntries(
		challengeIds.map((id) => [id, scoreFingerprint(saved.get(id) as ScoreValues | undefined)])
	);
}

/**
 * Saves the agreed scores, the team's resources and priorities and, when asked, marks the
 * assessment complete. Everything happens in one transaction: a refusal (locked round, missing
 * levels, or a score someone else changed since this person opened it) writes nothing at all.
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
	const audit = { userId: person.id, organisationId, serviceId: assessment.serviceId };
	return db.transaction((tx) => {
		const current = tx
			.select({
				status: assessments.status,
				roundStatus: rounds.status,
				teamResources: assessments.teamResources
			})
			.from(assessments)
			.innerJoin(rounds, eq(rounds.id, assessments.roundId))
			.where(eq(assessments.id, assessment.id))
			.get();
		const locked = current
			? whyAssessmentIsLocked(current.roundStatus, current.status)
			: 'Not found';
		if (!current || locked)
			return { ok: false, status: 409, message: locked ?? 'Not found', errors: {} } as const;

		const existing = new Map(
			tx
				.select({ score: agreedScores, by: users.name })
				.from(agreedScores)
				.leftJoin(users, eq(users.id, agreedScores.updatedBy))
				.where(eq(agreedScores.assessmentId, assessment.id))
				.all()
				.map((row) => [row.score.challengeId, row])
		);
		// Only what this person changed is written; a challenge they left alone keeps whatever is
		// saved, even if someone else changed it meanwhile.
		const changed = input.scores.filter((score) => {
			const saved = existing.get(score.challengeId)?.score;
			return (
				scoreFingerprint(score) !== score.original &&
				scoreFingerprint(score) !== scoreFingerprint(saved ?? EMPTY_SCORE)
			);
		});
		const savedRevisions = () =>
			Object.fromEntries([...existing].map(([id, row]) => [id, row.score.revision]));
		const savedFingerprints = () =>
			Object.fromEntries([...existing].map(([id, row]) => [id, scoreFingerprint(row.score)]));
		// A revision no save ever gave (unreadable, or ahead of the saved one) means the form was
		// altered or is from another assessment: refuse it, but hand back where to start again.
		const outOfStep = changed.some((score) => {
			const saved = existing.get(score.challengeId)?.score.revision ?? 0;
			return score.revision < 0 || score.revision > saved;
		});
		if (outOfStep) {
			return {
				ok: false,
				status: 400,
				message:
					'This form did not match the saved assessment. Nothing has been saved, and nothing you typed has been lost: check your changes below and save again.',
				errors: {},
				revisions: savedRevisions(),
				originals: savedFingerprints()
			} as const;
		}
		const conflicts = changed.filter(
			(score) => (existing.get(score.challengeId)?.score.revision ?? 0) !== score.revision
		);
		if (conflicts.length > 0) {
			const labels = new Map(content.challenges.map((c) => [c.id, c.shortLabel]));
			return {
				ok: false,
				status: 409,
				message:
					'Someone else saved changes to the same challenges while you were working. Nothing you typed has been lost: compare it with their change below, then save again to keep yours.',
				errors: Object.fromEntries(
					conflicts.map((c) => [
						agreedScoreField.level(c.challengeId),
						`${labels.get(c.challengeId)} was changed by someone else while you were working`
					])
				),
				// Every conflict has a saved score: its revision is behind the saved one (see above).
				conflicts: conflicts.flatMap((c) => {
					const theirs = existing.get(c.challengeId);
					if (!theirs) return [];
					return {
						challengeId: c.challengeId,
						shortLabel: labels.get(c.challengeId) ?? '',
						level: theirs.score.level,
						evidence: theirs.score.evidence,
						by: theirs.by,
						at: theirs.score.updatedAt
					};
				}),
				revisions: savedRevisions(),
				originals: savedFingerprints()
			} as const;
		}

		if (complete) {
			const levels = new Map(
				input.scores.filter((s) => s.level !== null).map((s) => [s.challengeId, s.level as number])
			);
			const missing = unscoredChallenges(content.challenges, levels);
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
				} as const;
			}
			const unreviewed = unreviewedActionCount(tx, assessment);
			if (unreviewed > 0) {
				const actionsWord = unreviewed === 1 ? 'the action' : `the ${unreviewed} actions`;
				return {
					ok: false,
					status: 400,
					message: `Review ${actionsWord} from the last round before marking the assessment complete`,
					errors: {
						review: `Review ${actionsWord} still open from the last round: done, carry forward or dropped`
					} as FieldErrors
				} as const;
			}
		}

		for (const score of changed) {
			const before = existing.get(score.challengeId)?.score;
			const values = {
				level: score.level,
				evidence: score.evidence,
				rationale: score.rationale,
				evidenceSources: score.evidenceSources,
				nextStep: score.nextStep
			};
			if (before) {
				tx.update(agreedScores)
					.set({ ...values, revision: before.revision + 1, updatedAt: now, updatedBy: person.id })
					.where(
						and(
							eq(agreedScores.assessmentId, assessment.id),
							eq(agreedScores.challengeId, score.challengeId)
						)
					)
					.run();
			} else {
				tx.insert(agreedScores)
					.values({
						assessmentId: assessment.id,
						challengeId: score.challengeId,
						...values,
						updatedAt: now,
						updatedBy: person.id
					})
					.run();
			}
			recordAuditEvent(
				tx,
				{
					...audit,
					action: before ? 'agreed_score.updated' : 'agreed_score.created',
					entityType: 'agreed_score',
					entityId: `${assessment.id}/${score.challengeId}`,
					before: before
						? {
								level: before.level,
								evidence: before.evidence,
								rationale: before.rationale,
								evidenceSources: before.evidenceSources,
								nextStep: before.nextStep
							}
						: null,
					after: values
				},
				now
			);
		}

		if (current.teamResources !== input.teamResources) {
			tx.update(assessments)
				.set({ teamResources: input.teamResources })
				.where(eq(assessments.id, assessment.id))
				.run();
			recordAuditEvent(
				tx,
				{
					...audit,
					action: 'team_resources.updated',
					entityType: 'assessment',
					entityId: assessment.id,
					before: { teamResources: current.teamResources },
					after: { teamResources: input.teamResources }
				},
				now
			);
		}

		const priorChallengeIds = tx
			.select({ challengeId: priorities.challengeId })
			.from(priorities)
			.where(eq(priorities.assessmentId, assessment.id))
			.orderBy(asc(priorities.rank))
			.all()
			.map((p) => p.challengeId);
		if (!sameList(priorChallengeIds, input.priorities)) {
			tx.delete(priorities).where(eq(priorities.assessmentId, assessment.id)).run();
			if (input.priorities.length > 0) {
				tx.insert(priorities)
					.values(
						input.priorities.map((challengeId, i) => ({
							assessmentId: assessment.id,
							rank: i + 1,
							challengeId
						}))
					)
					.run();
			}
			recordAuditEvent(
				tx,
				{
					...audit,
					action: 'priorities.set',
					entityType: 'assessment',
					entityId: assessment.id,
					before: { priorities: priorChallengeIds },
					after: { priorities: input.priorities }
				},
				now
			);
		}

		if (complete) {
			tx.update(assessments)
				.set({ status: 'complete', completedAt: now, completedBy: person.id })
				.where(eq(assessments.id, assessment.id))
				.run();
			countCompletedAssessment(tx, assessment.id, assessment.roundId);
			recordAuditEvent(
				tx,
				{
					...audit,
					action: 'assessment.completed',
					entityType: 'assessment',
					entityId: assessment.id,
					before: { status: 'in_progress' },
					after: { status: 'complete' }
				},
				now
			);
		}
		return { ok: true } as const;
	});
}

/** The team's resources, written as part of its recovery implementation plan. */
export function teamResourcesFor(db: Db, assessmentId: string): string {
	return (
		db
			.select({ teamResources: assessments.teamResources })
			.from(assessments)
			.where(eq(assessments.id, assessmentId))
			.get()?.teamResources ?? ''
	);
}

/** The team's priorities, in order. */
export function prioritiesFor(db: Db, assessmentId: string): string[] {
	return db
		.select({ challengeId: priorities.challengeId })
		.from(priorities)
		.where(eq(priorities.assessmentId, assessmentId))
		.orderBy(asc(priorities.rank))
		.all()
		.map((p) => p.challengeId);
}

/**
 * The agreed levels of the same service's latest completed assessment before this one, keyed by
 * the challenge's key in its pack, shown beside each challenge for reference only.
 */
export function previousAgreedScores(db: Db, assessment: AssessmentRecord) {
	const previous = db
		.select({ id: assessments.id, roundTitle: rounds.title })
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(
			and(
				eq(assessments.serviceId, assessment.serviceId),
				eq(assessments.status, 'complete'),
				lt(rounds.periodStart, assessment.periodStart)
			)
		)
		.orderBy(desc(rounds.periodStart))
		.get();
	if (!previous) return null;
	const rows = db
		.select({
			key: challenges.packChallengeKey,
			level: agreedScores.level,
			evidence: agreedScores.evidence,
			levelName: levels.name
		})
		.from(agreedScores)
		.innerJoin(challenges, eq(challenges.id, agreedScores.challengeId))
		.leftJoin(
			levels,
			and(eq(levels.frameworkId, challenges.frameworkId), eq(levels.value, agreedScores.level))
		)
		.where(eq(agreedScores.assessmentId, previous.id))
		.all();
	return {
		roundTitle: previous.roundTitle,
		byChallengeKey: Object.fromEntries(rows.map((r) => [r.key, r]))
	};
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
