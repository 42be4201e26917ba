// Changing a service's plan: adding and changing actions, and progress notes. Every change is
// checked against the service and written with its audit event in one transaction.

import { and, desc, eq, gte } from 'drizzle-orm';
import { isClosedStatus, whyStatusCannotChange } from '$lib/domain/actions';
import { minutesToWait, POSTING_WINDOW_MS, POSTS_PER_HOUR } from '$lib/domain/posting-limits';
import type { Person } from '../access/policy';
import { recordAuditEvent } from '../audit/record';
import type { Db } from '../db/client';
import { actionNotes, improvementActions } from '../db/schema';
import type { FieldErrors } from '../forms';
import { newId } from '../ids';
import type { ActionInput, ActionUpdate } from './form';
import { challengeChoices, latestAssessmentOf, possibleOwners } from './plan';

type Refusal = { ok: false; status: 400 | 404 | 409; errors: FieldErrors };

function refuse(status: Refusal['status'], field: string, message: string): Refusal {
	return { ok: false, status, errors: { [field]: message } };
}

/** Checks the owner and challenge against this service; null when both are acceptable. */
function checkOwnerAndChallenge(
	tx: Pick<Db, 'select' | 'selectDistinct'>,
	organisationId: string,
	serviceId: string,
	input: ActionInput,
	keepChallengeId?: string
): Refusal | null {
	if (
		input.ownerUserId &&
		!possibleOwners(tx, organisationId, serviceId).some((o) => o.id === input.ownerUserId)
	) {
		return refuse(400, 'ownerUserId', 'Select the owner from the list of people in this service');
	}
	const { choices } = challengeChoices(tx, serviceId, keepChallengeId);
	if (!choices.some((c) => c.id === input.challengeId)) {
		return refuse(
			400,
			'challengeId',
			choices.length === 0
				? 'This service has no assessment yet, so there are no challenges to plan against. Plan actions once its first round has opened.'
				: 'Select one of this service’s challenges from the list'
		);
	}
	return null;
}

type ActionFields = Pick<
	typeof improvementActions.$inferSelect,
	'title' | 'challengeId' | 'ownerUserId' | 'ownerName' | 'startDate' | 'dueDate' | 'status'
> &
	Partial<Pick<typeof improvementActions.$inferSelect, 'description' | 'outcome'>>;

/** The columns a person plans on the action form, each named: parsed input is never spread whole. */
function plannedColumns(input: ActionInput) {
	return {
		challengeId: input.challengeId,
		title: input.title,
		description: input.description,
		ownerUserId: input.ownerUserId,
		ownerName: input.ownerName,
		startDate: input.startDate,
		dueDate: input.dueDate
	};
}

/** The fields of an action the audit trail records before and after a change. */
function auditView(action: ActionFields) {
	return {
		title: action.title,
		description: action.description,
		challengeId: action.challengeId,
		ownerUserId: action.ownerUserId,
		ownerName: action.ownerName,
		startDate: action.startDate,
		dueDate: action.dueDate,
		status: action.status,
		outcome: action.outcome
	};
}

export function createAction(
	db: Db,
	person: Person,
	organisationId: string,
	serviceId: string,
	input: ActionInput,
	now = new Date()
): { ok: true; id: string } | Refusal {
	return db.transaction((tx) => {
		const problem = checkOwnerAndChallenge(tx, organisationId, serviceId, input);
		if (problem) return problem;
		const latest = latestAssessmentOf(tx, serviceId);
		const id = newId();
		const values = {
			id,
			organisationId,
			serviceId,
			assessmentId: latest?.id ?? null,
			...plannedColumns(input),
			status: 'not_started' as const,
			createdAt: now,
			createdBy: person.id,
			updatedAt: now
		};
		tx.insert(improvementActions).values(values).run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				serviceId,
				action: 'action.created',
				entityType: 'action',
				entityId: id,
				after: auditView(values)
			},
			now
		);
		return { ok: true, id } as const;
	});
}

/** When a closed action was closed: kept while it stays closed, now when it is just closed. */
function closedAtAfter(
	before: { status: ActionUpdate['status']; closedAt: Date | null },
	status: ActionUpdate['status'],
	now: Date
) {
	if (!isClosedStatus(status)) return null;
	return isClosedStatus(before.status) ? before.closedAt : now;
}

export function updateAction(
	db: Db,
	person: Person,
	organisationId: string,
	serviceId: string,
	actionId: string,
	input: ActionUpdate,
	now = new Date()
): { ok: true } | Refusal {
	return db.transaction((tx) => {
		const before = tx
			.select()
			.from(improvementActions)
			.where(
				and(
					eq(improvementActions.id, actionId),
					eq(improvementActions.serviceId, serviceId),
					eq(improvementActions.organisationId, organisationId)
				)
			)
			.get();
		if (!before) return refuse(404, 'form', 'This action no longer exists');
		const problem = checkOwnerAndChallenge(
			tx,
			organisationId,
			serviceId,
			input,
			before.challengeId
		);
		if (problem) return problem;
		const whyNot = whyStatusCannotChange(before.status, input.status, input.outcome);
		if (whyNot) {
			const field = isClosedStatus(input.status) && input.outcome === '' ? 'outcome' : 'status';
			return refuse(400, field, whyNot);
		}
		if (JSON.stringify(auditView(before)) === JSON.stringify(auditView(input)))
			return { ok: true } as const;
		const closedAt = closedAtAfter(before, input.status, now);
		tx.update(improvementActions)
			.set({
				...plannedColumns(input),
				status: input.status,
				outcome: input.outcome,
				closedAt,
				updatedAt: now
			})
			.where(eq(improvementActions.id, actionId))
			.run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				serviceId,
				action: 'action.updated',
				entityType: 'action',
				entityId: actionId,
				before: auditView(before),
				after: auditView(input)
			},
			now
		);
		return { ok: true } as const;
	});
}

/** Minutes this person must wait before another progress note, or null when they may add one. */
export function noteWait(db: Pick<Db, 'select'>, userId: string, now: Date): number | null {
	const nth = db
		.select({ at: actionNotes.createdAt })
		.from(actionNotes)
		.where(
			and(
				eq(actionNotes.userId, userId),
				gte(actionNotes.createdAt, new Date(now.getTime() - POSTING_WINDOW_MS))
			)
		)
		.orderBy(desc(actionNotes.createdAt))
		.limit(1)
		.offset(POSTS_PER_HOUR - 1)
		.get();
	return minutesToWait(nth?.at ?? null, now);
}

/** Adds a progress note, unless the person has already added as many as an hour allows. */
export function addActionNote(
	db: Db,
	person: Person,
	action: { id: string; organisationId: string; serviceId: string },
	body: string,
	now = new Date()
): { ok: true } | { ok: false; minutesToWait: number } {
	return db.transaction((tx) => {
		const wait = noteWait(tx, person.id, now);
		if (wait !== null) return { ok: false as const, minutesToWait: wait };
		const id = newId();
		tx.insert(actionNotes)
			.values({ id, actionId: action.id, userId: person.id, body, createdAt: now })
			.run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId: action.organisationId,
				serviceId: action.serviceId,
				action: 'action.note_added',
				entityType: 'action',
				entityId: action.id,
				after: { note: body }
			},
			now
		);
		return { ok: true as const };
	});
}
