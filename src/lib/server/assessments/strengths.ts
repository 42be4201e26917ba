// TRIP: what the team does well, beside its priorities. Strengths are recorded, changed and removed
// one at a time by those who may change the team's plan, and exactly while they may: until the
// round closes, even once the assessment is complete. The previous round's strengths are offered
// to the next round for the team to confirm ("still true") or drop; none is carried silently.

import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { whyTeamPlanIsLocked } from '$lib/domain/rounds';
import {
	STRENGTH_TEXT_MAX,
	carriedChallengeId,
	strengthFingerprint,
	strengthPlace,
	strengthsToConfirm,
	whyNoMoreStrengths
} from '$lib/domain/strengths';
import { strengthField } from '$lib/forms/field-names';
import type { Person } from '../access/policy';
import { recordAuditEvent } from '../audit/record';
import type { Db, Tx } from '../db/client';
import { assessments, challenges, droppedStrengths, rounds, strengths, users } from '../db/schema';
import { frameworkContent } from '../frameworks/queries';
import { parseForm, requiredText, type FieldErrors, type FormResult } from '../forms';
import { newId } from '../ids';
import { previousCompletedAssessment } from './queries';

/** The assessment a strength belongs to, as the assessment page knows it. */
export interface StrengthAssessment {
	id: string;
	serviceId: string;
	frameworkId: string;
	periodStart: string;
}

export interface StrengthInput {
	text: string;
	/** Null: across the service. */
	challengeId: string | null;
}

export type StrengthResult =
	| { ok: true }
	| {
			ok: false;
			status: 404 | 409;
			message: string;
			errors: FieldErrors;
			/** After a conflicting change: the fingerprint of what is saved now, to save over it. */
			original?: string;
	  };

/** A strength's text and challenge as posted, the challenge one of this framework's or none. */
export function parseStrengthForm(
	posted: FormData,
	challengeIds: string[]
): FormResult<StrengthInput & { original?: string }> {
	const parsed = parseForm(
		z.object({
			[strengthField.text]: requiredText('what the team does well', STRENGTH_TEXT_MAX),
			[strengthField.challenge]: z
				.string()
				.default('')
				.refine(
					(id) => id === '' || challengeIds.includes(id),
					'Choose one of the challenges, or across the service'
				),
			// Only a change carries it; a stale one makes the change a conflict, never a write.
			[strengthField.original]: z.string().max(100).optional().catch(undefined)
		}),
		posted
	);
	if (!parsed.ok) return parsed;
	const challengeId = parsed.data[strengthField.challenge];
	const original = parsed.data[strengthField.original];
	return {
		ok: true,
		data: {
			text: parsed.data[strengthField.text],
			challengeId: challengeId || null,
			...(original ? { original } : {})
		}
	};
}

/** The id a remove, confirm or drop button posts under `name`. */
export function parseStrengthId(
	posted: FormData,
	name: typeof strengthField.strength | typeof strengthField.previous
): FormResult<string> {
	const parsed = parseForm(
		z.object({
			[name]: z.string({ error: 'Choose a strength' }).trim().min(1, 'Choose a strength').max(100)
		}),
		posted
	);
	return parsed.ok ? { ok: true, data: parsed.data[name] } : parsed;
}

const earlier = alias(strengths, 'earlier_strength');
const earlierAssessment = alias(assessments, 'earlier_assessment');
const earlierRound = alias(rounds, 'earlier_round');

/** An assessment's strengths: across the service first, then by challenge, oldest first. */
export function strengthsOf(db: Pick<Db, 'select'>, assessmentId: string) {
	return db
		.select({
			id: strengths.id,
			text: strengths.text,
			challengeId: strengths.challengeId,
			position: challenges.position,
			shortLabel: challenges.shortLabel,
			recordedAt: strengths.recordedAt,
			recordedBy: users.name,
			carriedFromRound: earlierRound.title
		})
		.from(strengths)
		.leftJoin(challenges, eq(challenges.id, strengths.challengeId))
		.leftJoin(users, eq(users.id, strengths.recordedBy))
		.leftJoin(earlier, eq(earlier.id, strengths.carriedFromId))
		.leftJoin(earlierAssessment, eq(earlierAssessment.id, earlier.assessmentId))
		.leftJoin(earlierRound, eq(earlierRound.id, earlierAssessment.roundId))
		.where(eq(strengths.assessmentId, assessmentId))
		.orderBy(
			sql`${challenges.position} is not null`,
			asc(challenges.position),
			asc(strengths.recordedAt),
			asc(strengths.id)
		)
		.all()
		.map(({ position, shortLabel, ...s }) => ({
			...s,
			fingerprint: strengthFingerprint(s),
			place: strengthPlace(
				position === null || shortLabel === null ? null : { position, shortLabel }
			)
		}));
}

export type Strength = ReturnType<typeof strengthsOf>[number];

/** The strengths of the service's latest completed assessment, for its dashboard and plan. */
export function latestCompletedStrengths(db: Pick<Db, 'select'>, serviceId: string) {
	const latest = db
		.select({ id: assessments.id, roundTitle: rounds.title })
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(and(eq(assessments.serviceId, serviceId), eq(assessments.status, 'complete')))
		.orderBy(desc(rounds.periodStart), desc(rounds.createdAt))
		.get();
	return latest ? { roundTitle: latest.roundTitle, strengths: strengthsOf(db, latest.id) } : null;
}

/**
 * The previous completed assessment's strengths the team has neither confirmed into this one nor
 * dropped, or null when there is no previous assessment.
 */
export function strengthsToOffer(db: Pick<Db, 'select'>, assessment: StrengthAssessment) {
	const previous = previousCompletedAssessment(db, assessment);
	if (!previous) return null;
	const theirs = strengthsOf(db, previous.id);
	const carriedFrom = db
		.select({ id: strengths.carriedFromId })
		.from(strengths)
		.where(eq(strengths.assessmentId, assessment.id))
		.all()
		.map((s) => s.id);
	const dropped = db
		.select({ id: droppedStrengths.strengthId })
		.from(droppedStrengths)
		.where(eq(droppedStrengths.assessmentId, assessment.id))
		.all()
		.map((s) => s.id);
	return {
		roundTitle: previous.roundTitle,
		strengths: strengthsToConfirm(theirs, { carriedFrom, dropped })
	};
}

/** Who made a change and where, for its audit event. */
interface Who {
	person: Person;
	organisationId: string;
}

function lockOf(tx: Tx, assessmentId: string): string | null {
	const round = tx
		.select({ status: rounds.status })
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(eq(assessments.id, assessmentId))
		.get();
	return round ? whyTeamPlanIsLocked(round.status) : 'Not found';
}

const refused = (status: 404 | 409, message: string): StrengthResult => ({
	ok: false,
	status,
	message,
	errors: {}
});

/** Runs one change to an assessment's strengths in a transaction, refused once the plan is locked. */
function changingStrengths(
	db: Db,
	assessment: StrengthAssessment,
	change: (tx: Tx, place: (challengeId: string | null) => string) => StrengthResult
): StrengthResult {
	const places = new Map(
		frameworkContent(db, assessment.frameworkId).challenges.map((c) => [c.id, strengthPlace(c)])
	);
	const place = (challengeId: string | null) =>
		challengeId ? (places.get(challengeId) ?? '') : strengthPlace(null);
	return db.transaction((tx) => {
		const locked = lockOf(tx, assessment.id);
		if (locked) return refused(409, locked);
		return change(tx, place);
	});
}

function countOf(tx: Tx, assessmentId: string): number {
	return (
		tx
			.select({ n: sql<number>`count(*)` })
			.from(strengths)
			.where(eq(strengths.assessmentId, assessmentId))
			.get()?.n ?? 0
	);
}

function audit(
	tx: Tx,
	who: Who,
	assessment: StrengthAssessment,
	action: string,
	entityId: string,
	change: { before?: unknown; after?: unknown },
	now: Date
) {
	recordAuditEvent(
		tx,
		{
			userId: who.person.id,
			organisationId: who.organisationId,
			serviceId: assessment.serviceId,
			action,
			entityType: 'strength',
			entityId,
			...change
		},
		now
	);
}

export function addStrength(
	db: Db,
	who: Who,
	assessment: StrengthAssessment,
	input: StrengthInput,
	now = new Date()
): StrengthResult {
	return changingStrengths(db, assessment, (tx, place) => {
		const full = whyNoMoreStrengths(countOf(tx, assessment.id));
		if (full) return refused(409, full);
		const id = newId();
		tx.insert(strengths)
			.values({
				id,
				assessmentId: assessment.id,
				text: input.text,
				challengeId: input.challengeId,
				recordedAt: now,
				recordedBy: who.person.id
			})
			.run();
		const after = { text: input.text, challenge: place(input.challengeId) };
		audit(tx, who, assessment, 'strength.added', id, { after }, now);
		return { ok: true };
	});
}

function ownStrength(tx: Tx, assessmentId: string, strengthId: string) {
	return tx
		.select()
		.from(strengths)
		.where(and(eq(strengths.id, strengthId), eq(strengths.assessmentId, assessmentId)))
		.get();
}

const NOT_HERE = 'That strength is not in this assessment: it may have been removed already.';

export function changeStrength(
	db: Db,
	who: Who,
	assessment: StrengthAssessment,
	strengthId: string,
	input: StrengthInput & { original?: string },
	now = new Date()
): StrengthResult {
	const { original, ...values } = input;
	return changingStrengths(db, assessment, (tx, place) => {
		const saved = ownStrength(tx, assessment.id, strengthId);
		if (!saved) return refused(404, NOT_HERE);
		const current = strengthFingerprint(saved);
		if (strengthFingerprint(values) === current) return { ok: true };
		if (original !== undefined && original !== current) {
			return {
				ok: false,
				status: 409,
				message:
					'Someone else changed this strength while you were working. Nothing you typed has been lost: compare it with their change below, then save again to keep yours.',
				errors: {
					[strengthField.text]: `Someone else changed this strength. It now reads: “${saved.text}” (${place(saved.challengeId)}). Save again to keep yours.`
				},
				original: current
			};
		}
		tx.update(strengths).set(values).where(eq(strengths.id, strengthId)).run();
		audit(
			tx,
			who,
			assessment,
			'strength.changed',
			strengthId,
			{
				before: { text: saved.text, challenge: place(saved.challengeId) },
				after: { text: values.text, challenge: place(values.challengeId) }
			},
			now
		);
		return { ok: true };
	});
}

/**
 * Removes a strength. One confirmed from the previous round counts as dropped, so that it is not
 * offered again: the team has said it no longer holds.
 */
export function removeStrength(
	db: Db,
	who: Who,
	assessment: StrengthAssessment,
	strengthId: string,
	now = new Date()
): StrengthResult {
	return changingStrengths(db, assessment, (tx, place) => {
		const saved = ownStrength(tx, assessment.id, strengthId);
		if (!saved) return refused(404, NOT_HERE);
		tx.delete(strengths).where(eq(strengths.id, strengthId)).run();
		if (saved.carriedFromId) {
			tx.insert(droppedStrengths)
				.values({
					assessmentId: assessment.id,
					strengthId: saved.carriedFromId,
					droppedAt: now,
					droppedBy: who.person.id
				})
				.onConflictDoNothing()
				.run();
		}
		const before = { text: saved.text, challenge: place(saved.challengeId) };
		audit(tx, who, assessment, 'strength.removed', strengthId, { before }, now);
		return { ok: true };
	});
}

/** The previous round's strength `previousId`, if it is still waiting for the team's word. */
function offered(tx: Tx, assessment: StrengthAssessment, previousId: string) {
	const offer = strengthsToOffer(tx, assessment);
	return offer?.strengths.find((s) => s.id === previousId) ?? null;
}

const NOT_OFFERED =
	'That strength is no longer waiting to be confirmed: someone may have confirmed or dropped it already.';

/** The team says a previous round's strength still holds: it becomes one of this assessment's. */
export function confirmStrength(
	db: Db,
	who: Who,
	assessment: StrengthAssessment,
	previousId: string,
	now = new Date()
): StrengthResult {
	const current = frameworkContent(db, assessment.frameworkId).challenges;
	return changingStrengths(db, assessment, (tx, place) => {
		const previous = offered(tx, assessment, previousId);
		if (!previous) return refused(404, NOT_OFFERED);
		const full = whyNoMoreStrengths(countOf(tx, assessment.id));
		if (full) return refused(409, full);
		const key = previous.challengeId
			? (tx
					.select({ key: challenges.packChallengeKey })
					.from(challenges)
					.where(eq(challenges.id, previous.challengeId))
					.get()?.key ?? null)
			: null;
		const challengeId = carriedChallengeId(key, current);
		const id = newId();
		tx.insert(strengths)
			.values({
				id,
				assessmentId: assessment.id,
				challengeId,
				text: previous.text,
				carriedFromId: previous.id,
				recordedAt: now,
				recordedBy: who.person.id
			})
			.run();
		const after = { text: previous.text, challenge: place(challengeId), carriedFrom: previous.id };
		audit(tx, who, assessment, 'strength.confirmed', id, { after }, now);
		return { ok: true };
	});
}

/** The team says a previous round's strength no longer holds: it is not offered again. */
export function dropStrength(
	db: Db,
	who: Who,
	assessment: StrengthAssessment,
	previousId: string,
	now = new Date()
): StrengthResult {
	return changingStrengths(db, assessment, (tx) => {
		const previous = offered(tx, assessment, previousId);
		if (!previous) return refused(404, NOT_OFFERED);
		tx.insert(droppedStrengths)
			.values({
				assessmentId: assessment.id,
				strengthId: previous.id,
				droppedAt: now,
				droppedBy: who.person.id
			})
			.run();
		const before = { text: previous.text, challenge: previous.place };
		audit(tx, who, assessment, 'strength.dropped', previous.id, { before }, now);
		return { ok: true };
	});
}
