// Paper rating sheets: someone without an account fills in a printed sheet, and the person who
// runs the assessment types it in, one sheet at a time. Each sheet is a participant (source
// 'paper') with its answers; nothing on it says who filled it in, only who typed it in.

import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { isPerspective, MAX_RATING_COMMENT_LENGTH, type Perspective } from '$lib/domain/ratings';
import { paperSheetField } from '$lib/forms/field-names';
import type { Person } from '../access/policy';
import type { AssessmentRecord } from '../assessments/queries';
import { recordAuditEvent } from '../audit/record';
import type { Db } from '../db/client';
import { participantRatings, participants, users } from '../db/schema';
import { freeText, type FieldErrors } from '../forms';
import { newId } from '../ids';
import type { FrameworkContent } from '../frameworks/queries';
import { currentLock, organisationOf } from './raters';

/** What a sheet says about one challenge: a level, "don't know", or nothing (left blank). */
export type SheetChoice = number | 'dont-know' | null;

export interface PaperSheetInput {
	perspective: Perspective;
	answers: { challengeId: string; choice: SheetChoice; comment: string }[];
}

const perspectiveSchema = z
	.string({ error: 'Select the perspective ticked on the sheet' })
	.refine(isPerspective, 'Select the perspective ticked on the sheet');

const commentSchema = z
	.string()
	.default('')
	.pipe(freeText('the comment', MAX_RATING_COMMENT_LENGTH, { kind: 'long' }));

const single = (posted: FormData, name: string) => {
	const value = posted.get(name);
	return typeof value === 'string' ? value : undefined;
};

/**
 * A sheet as typed in, checked against the assessment's framework: a perspective, and for each
 * challenge a level on the scale, "don't know" or blank, with a comment of at most 2,000
 * characters. Refused when nothing at all is answered.
 */
export function parsePaperSheet(
	posted: FormData,
	content: Pick<FrameworkContent, 'challenges' | 'scale'>
): { ok: true; data: PaperSheetInput } | { ok: false; errors: FieldErrors } {
	const errors: FieldErrors = {};
	const perspective = perspectiveSchema.safeParse(single(posted, paperSheetField.perspective));
	if (!perspective.success)
		errors[paperSheetField.perspective] = perspective.error.issues[0].message;
	const scale = new Set(content.scale.map((l) => String(l.value)));
	const answers: PaperSheetInput['answers'] = [];
	for (const challenge of content.challenges) {
		const levelField = paperSheetField.level(challenge.id);
		const commentField = paperSheetField.comment(challenge.id);
		const level = single(posted, levelField) ?? '';
		let choice: SheetChoice = null;
		if (level === 'dont-know') choice = 'dont-know';
		else if (scale.has(level)) choice = Number(level);
		else if (level !== '')
			errors[levelField] =
				`Choose a level of the scale, ‘Don’t know’ or ‘Left blank’ for ${challenge.shortLabel}`;
		const comment = commentSchema.safeParse(single(posted, commentField));
		if (!comment.success) errors[commentField] = comment.error.issues[0].message;
		answers.push({
			challengeId: challenge.id,
			choice,
			comment: comment.success ? comment.data : ''
		});
	}
	const levelRefused = content.challenges.some((c) => paperSheetField.level(c.id) in errors);
	if (!levelRefused && answers.every((a) => a.choice === null)) {
		const first = content.challenges[0];
		const message =
			'Nothing on this sheet is answered: enter at least one level or ‘Don’t know’, or do not enter the sheet';
		errors[first ? paperSheetField.level(first.id) : 'form'] = message;
	}
	if (Object.keys(errors).length > 0) return { ok: false, errors };
	return { ok: true, data: { perspective: perspective.data as Perspective, answers } };
}

export type PaperSheetResult =
	{ ok: true; sheetNumber: number } | { ok: false; status: 404 | 409; message: string };

const answeredCount = (answers: PaperSheetInput['answers']) =>
	answers.filter((a) => a.choice !== null).length;

/**
 * Enters one sheet, all at once: the participant, its answers and the audit event (which keeps
 * the perspective and how many were answered, never the answers). Refused once the assessment is
 * locked. The sheet's number is how many sheets the assessment now holds.
 */
export function enterPaperSheet(
	db: Db,
	person: Person,
	assessment: Pick<AssessmentRecord, 'id' | 'roundId' | 'serviceId'>,
	input: PaperSheetInput,
	now = new Date()
): PaperSheetResult {
	return db.transaction((tx): PaperSheetResult => {
		const locked = currentLock(tx, assessment.id);
		if (locked) return { ok: false, status: 409, message: locked };
		const organisationId = organisationOf(tx, assessment.roundId);
		if (!organisationId) return { ok: false, status: 404, message: 'Page not found' };
		const id = newId();
		tx.insert(participants)
			.values({
				id,
				assessmentId: assessment.id,
				source: 'paper',
				perspective: input.perspective,
				enteredBy: person.id,
				createdAt: now,
				submittedAt: now
			})
			.run();
		const rows = input.answers
			.filter((a) => a.choice !== null || a.comment !== '')
			.map((a) => ({
				participantId: id,
				challengeId: a.challengeId,
				level: typeof a.choice === 'number' ? a.choice : null,
				dontKnow: a.choice === 'dont-know',
				comment: a.comment,
				updatedAt: now
			}));
		if (rows.length > 0) tx.insert(participantRatings).values(rows).run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				serviceId: assessment.serviceId,
				action: 'paper_sheet.entered',
				entityType: 'participant',
				entityId: id,
				after: {
					assessmentId: assessment.id,
					perspective: input.perspective,
					answers: answeredCount(input.answers)
				}
			},
			now
		);
		return { ok: true, sheetNumber: paperSheetCount(tx, assessment.id) };
	});
}

function paperSheetCount(db: Pick<Db, 'select'>, assessmentId: string): number {
	return (
		db
			.select({ n: count() })
			.from(participants)
			.where(and(eq(participants.assessmentId, assessmentId), eq(participants.source, 'paper')))
			.get()?.n ?? 0
	);
}

export interface PaperSheet {
	id: string;
	perspective: Perspective;
	enteredAt: Date;
	/** Null once the account that typed it in is gone. */
	enteredByName: string | null;
	/** Challenges with a level or "don't know". */
	answered: number;
}

/** The assessment's paper sheets, the latest first, with how many challenges each answers. */
export function paperSheets(
	db: Pick<Db, 'select'>,
	assessmentId: string,
	/** Only this sheet, when given. */
	sheetId?: string
): PaperSheet[] {
	return db
		.select({
			id: participants.id,
			perspective: participants.perspective,
			enteredAt: participants.createdAt,
			enteredByName: users.name,
			answered: sql<number>`(select count(*) from ${participantRatings} where ${participantRatings.participantId} = ${participants.id} and (${participantRatings.level} is not null or ${participantRatings.dontKnow} = 1))`
		})
		.from(participants)
		.leftJoin(users, eq(users.id, participants.enteredBy))
		.where(
			and(
				eq(participants.assessmentId, assessmentId),
				eq(participants.source, 'paper'),
				sheetId === undefined ? undefined : eq(participants.id, sheetId)
			)
		)
		.orderBy(desc(participants.createdAt), asc(participants.id))
		.all()
		.flatMap((row) =>
			isPerspective(row.perspective) ? [{ ...row, perspective: row.perspective }] : []
		);
}

/** How many sheets each person typed in, for "3 sheets entered from paper by Sam Lead". */
export function paperSheetsByEnterer(
	db: Pick<Db, 'select'>,
	assessmentId: string
): { name: string | null; sheets: number }[] {
	return db
		.select({ name: users.name, sheets: count() })
		.from(participants)
		.leftJoin(users, eq(users.id, participants.enteredBy))
		.where(and(eq(participants.assessmentId, assessmentId), eq(participants.source, 'paper')))
		.groupBy(participants.enteredBy)
		.orderBy(asc(users.name))
		.all();
}

export type RemovalResult = { ok: true } | { ok: false; status: 400 | 404 | 409; message: string };

/** Removes a sheet entered by mistake, with its answers, while the assessment is not locked. */
export function removePaperSheet(
	db: Db,
	person: Person,
	assessment: Pick<AssessmentRecord, 'id' | 'roundId' | 'serviceId'>,
	sheetId: string,
	now = new Date()
): RemovalResult {
	return db.transaction((tx): RemovalResult => {
		const locked = currentLock(tx, assessment.id);
		if (locked) return { ok: false, status: 409, message: locked };
		const organisationId = organisationOf(tx, assessment.roundId);
		if (!organisationId) return { ok: false, status: 404, message: 'Page not found' };
		const [sheet] = paperSheets(tx, assessment.id, sheetId);
		if (!sheet)
			return { ok: false, status: 400, message: 'That sheet is not one of this assessment’s' };
		tx.delete(participantRatings).where(eq(participantRatings.participantId, sheet.id)).run();
		tx.delete(participants).where(eq(participants.id, sheet.id)).run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				serviceId: assessment.serviceId,
				action: 'paper_sheet.removed',
				entityType: 'participant',
				entityId: sheet.id,
				before: {
					assessmentId: assessment.id,
					perspective: sheet.perspective,
					answers: sheet.answered
				}
			},
			now
		);
		return { ok: true };
	});
}
