import { and, asc, count, desc, eq, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { isoDateFromParts } from '$lib/domain/dates';
import { londonDate } from '$lib/domain/london-days';
import {
	ACTION_STATUSES,
	MAX_ACTION_TEXT_LENGTH,
	MAX_ACTION_TITLE_LENGTH,
	MAX_OWNER_NAME_LENGTH,
	REVIEW_DECISIONS,
	isClosedStatus,
	isDueForReview,
	isOverdue,
	statusAfterReview,
	whyStatusCannotChange,
	type ActionStatus,
	type ReviewDecision
} from '$lib/domain/actions';
import type { Db } from './db/client';
import {
	actionNotes,
	actionReviews,
	assessmentRaters,
	assessments,
	challenges,
	improvementActions,
	memberships,
	organisations,
	priorities,
	rounds,
	services,
	users
} from './db/schema';
import { newId } from './ids';
import { recordAuditEvent } from './audit';
import { requiredText, type FieldErrors } from './forms';
import { frameworkContent } from './frameworks/queries';
import { may, type Person } from './access/policy';

// Input --------------------------------------------------------------------------------------

const datePart = z.string().default('').pipe(z.string().trim().max(4, 'Enter the date as numbers').regex(/^\d*$/, 'Enter the date as numbers'));
const optionalText = (label: string, max: number) =>
	z.string().default('').pipe(z.string().trim().max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`));

/** Day, month and year boxes: null when all are empty, undefined when they are not a real date. */
function dateFrom(day: string, month: string, year: string): string | null | undefined {
	if (day === '' && month === '' && year === '') return null;
	return isoDateFromParts(Number(day), Number(month), Number(year)) ?? undefined;
}

export const actionInputSchema = z
	.object({
		challengeId: z.string({ error: 'Select the challenge the action is about' }).trim().min(1, 'Select the challenge the action is about').max(64, 'Select the challenge from the list'),
		title: requiredText('a title for the action', MAX_ACTION_TITLE_LENGTH),
		description: optionalText('The description', MAX_ACTION_TEXT_LENGTH),
		ownerUserId: z.string().default('').pipe(z.string().trim().max(64, 'Select the owner from the list')),
		ownerName: optionalText("The owner's name", MAX_OWNER_NAME_LENGTH),
		startDay: datePart,
		startMonth: datePart,
		startYear: datePart,
		dueDay: datePart,
		dueMonth: datePart,
		dueYear: datePart
	})
	// Checked as a refinement, which runs even when a field above has a problem, so every
	// problem is reported at once.
	.superRefine((v, ctx) => {
		if (v.ownerUserId === '' && v.ownerName === '') {
			ctx.addIssue({ code: 'custom', path: ['ownerUserId'], message: 'Select the owner, or type the name of someone without an account' });
		}
		if (v.ownerUserId !== '' && v.ownerName !== '') {
			ctx.addIssue({ code: 'custom', path: ['ownerName'], message: 'Either select an owner or type a name, not both' });
		}
		const startDate = dateFrom(v.startDay, v.startMonth, v.startYear);
		const dueDate = dateFrom(v.dueDay, v.dueMonth, v.dueYear);
		if (startDate === undefined) ctx.addIssue({ code: 'custom', path: ['startDay'], message: 'Enter the start date as a real date, like 1 4 2026' });
		if (dueDate === null) ctx.addIssue({ code: 'custom', path: ['dueDay'], message: 'Enter the date the action is due' });
		if (dueDate === undefined) ctx.addIssue({ code: 'custom', path: ['dueDay'], message: 'Enter the due date as a real date, like 30 9 2026' });
		if (startDate && dueDate && dueDate < startDate) {
			ctx.addIssue({ code: 'custom', path: ['dueDay'], message: 'The due date must be the same as or after the start date' });
		}
	})
	.transform((v) => ({
		challengeId: v.challengeId,
		title: v.title,
		description: v.description,
		ownerUserId: v.ownerUserId || null,
		ownerName: v.ownerName || null,
		startDate: dateFrom(v.startDay, v.startMonth, v.startYear) ?? null,
		// Present and real: the refinement above refused anything else.
		dueDate: dateFrom(v.dueDay, v.dueMonth, v.dueYear) as string
	}));

export type ActionInput = z.infer<typeof actionInputSchema>;

export const actionUpdateSchema = z.intersection(
	actionInputSchema,
	z.object({
		status: z.enum(ACTION_STATUSES, { error: 'Select a status from the list' }),
		outcome: optionalText('The outcome note', MAX_ACTION_TEXT_LENGTH)
	})
);

export type ActionUpdate = z.infer<typeof actionUpdateSchema>;

export const actionNoteSchema = z.object({
	body: requiredText('the progress note', MAX_ACTION_TEXT_LENGTH)
});

// Reading ------------------------------------------------------------------------------------

/** The service's most recent assessment (by round period): its pack is the one actions are about. */
export function latestAssessmentOf(db: Pick<Db, 'select'>, serviceId: string) {
	return db
		.select({
			id: assessments.id,
			status: assessments.status,
			createdAt: assessments.createdAt,
			roundId: rounds.id,
			roundTitle: rounds.title,
			frameworkId: rounds.frameworkId
		})
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(eq(assessments.serviceId, serviceId))
		.orderBy(desc(rounds.periodStart), desc(assessments.createdAt))
		.get();
}

/** People who can own an action: anyone with a role in this service or across its organisation. */
export function possibleOwners(db: Pick<Db, 'select' | 'selectDistinct'>, organisationId: string, serviceId: string) {
	return db
		.selectDistinct({ id: users.id, name: users.name })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(
			and(
				eq(memberships.organisationId, organisationId),
				or(isNull(memberships.serviceId), eq(memberships.serviceId, serviceId)),
				isNull(users.disabledAt)
			)
		)
		.orderBy(asc(users.name))
		.all();
}

const ownerUser = alias(users, 'owner_user');

const actionColumns = {
	id: improvementActions.id,
	organisationId: improvementActions.organisationId,
	serviceId: improvementActions.serviceId,
	serviceName: services.name,
	challengeId: improvementActions.challengeId,
	challengeKey: challenges.packChallengeKey,
	challengeLabel: challenges.shortLabel,
	challengePosition: challenges.position,
	assessmentId: improvementActions.assessmentId,
	title: improvementActions.title,
	description: improvementActions.description,
	ownerUserId: improvementActions.ownerUserId,
	ownerName: sql<string>`coalesce(${ownerUser.name}, ${improvementActions.ownerName}, '')`,
	startDate: improvementActions.startDate,
	dueDate: improvementActions.dueDate,
	status: improvementActions.status,
	outcome: improvementActions.outcome,
	closedAt: improvementActions.closedAt,
	createdAt: improvementActions.createdAt,
	updatedAt: improvementActions.updatedAt
};

function selectActions(db: Pick<Db, 'select'>) {
	return db
		.select(actionColumns)
		.from(improvementActions)
		.innerJoin(services, eq(services.id, improvementActions.serviceId))
		.innerJoin(challenges, eq(challenges.id, improvementActions.challengeId))
		.leftJoin(ownerUser, eq(ownerUser.id, improvementActions.ownerUserId));
}

export type ActionRow = ReturnType<ReturnType<typeof selectActions>['all']>[number];

/** The action, only if it belongs to this service of this organisation. */
export function getAction(db: Pick<Db, 'select'>, organisationId: string, serviceId: string, actionId: string) {
	return selectActions(db)
		.where(
			and(
				eq(improvementActions.id, actionId),
				eq(improvementActions.serviceId, serviceId),
				eq(improvementActions.organisationId, organisationId)
			)
		)
		.get();
}

export function actionNotesFor(db: Db, actionId: string) {
	return db
		.select({ id: actionNotes.id, body: actionNotes.body, createdAt: actionNotes.createdAt, by: users.name })
		.from(actionNotes)
		.leftJoin(users, eq(users.id, actionNotes.userId))
		.where(eq(actionNotes.actionId, actionId))
		.orderBy(desc(actionNotes.createdAt))
		.all();
}

/** The challenges an action can be about: those of the service's current pack, plus its own. */
export function challengeChoices(db: Pick<Db, 'select'>, serviceId: string, currentChallengeId?: string) {
	const latest = latestAssessmentOf(db, serviceId);
	const choices = latest ? frameworkContent(db, latest.frameworkId).challenges.map((c) => ({ id: c.id, label: `${c.position}. ${c.shortLabel}` })) : [];
	if (currentChallengeId && !choices.some((c) => c.id === currentChallengeId)) {
		const own = db.select().from(challenges).where(eq(challenges.id, currentChallengeId)).get();
		if (own) choices.unshift({ id: own.id, label: `${own.position}. ${own.shortLabel} (earlier version of the framework)` });
	}
	return { latest, choices };
}

/** Challenge filter choices, by the challenge's key in its pack: the current pack's challenges. */
export function planChallengeFilterOptions(db: Pick<Db, 'select'>, serviceId: string) {
	const latest = latestAssessmentOf(db, serviceId);
	if (!latest) return [];
	return frameworkContent(db, latest.frameworkId).challenges.map((c) => ({ value: c.key, text: `${c.position}. ${c.shortLabel}` }));
}

export interface ActionFilters {
	/** A challenge's key in its pack, so one filter spans versions of the framework. */
	challenge?: string;
	status?: ActionStatus;
	overdue?: boolean;
	service?: string;
	grouping?: string;
}

export const actionFilterSchema = z.object({
	challenge: z.string().max(100).optional().catch(undefined),
	status: z.enum(ACTION_STATUSES).optional().catch(undefined),
	overdue: z.literal('yes').optional().catch(undefined),
	service: z.string().max(64).optional().catch(undefined),
	grouping: z.string().max(64).optional().catch(undefined)
});

/** Filters from the page's address; anything unrecognised is ignored rather than refused. */
export function filtersFromUrl(url: URL): ActionFilters {
	const raw = Object.fromEntries([...url.searchParams].filter(([, v]) => v !== ''));
	const parsed = actionFilterSchema.parse(raw);
	return {
		challenge: parsed.challenge,
		status: parsed.status,
		overdue: parsed.overdue === 'yes',
		service: parsed.service,
		grouping: parsed.grouping
	};
}

const OPEN = ['not_started', 'in_progress'] as const;

function filterConditions(filters: ActionFilters, today: string): SQL[] {
	const conditions: SQL[] = [];
	if (filters.challenge) conditions.push(eq(challenges.packChallengeKey, filters.challenge));
	if (filters.status) conditions.push(eq(improvementActions.status, filters.status));
	if (filters.overdue) conditions.push(inArray(improvementActions.status, [...OPEN]), lt(improvementActions.dueDate, today));
	if (filters.service) conditions.push(eq(improvementActions.serviceId, filters.service));
	if (filters.grouping) conditions.push(eq(services.groupingId, filters.grouping));
	return conditions;
}

/** Sorts open actions before done and dropped ones. */
const openBeforeClosed = sql`case when ${improvementActions.status} in ('done', 'dropped') then 1 else 0 end`;

const withOverdue = (today: string) => (action: ActionRow) => ({ ...action, overdue: isOverdue(action, today) });

/** A service's actions, most urgent first (open before closed, then by due date). */
export function serviceActions(db: Db, serviceId: string, filters: ActionFilters = {}, now = new Date()) {
	const today = londonDate(now);
	return selectActions(db)
		.where(and(eq(improvementActions.serviceId, serviceId), ...filterConditions(filters, today)))
		.orderBy(
			openBeforeClosed,
			asc(improvementActions.dueDate),
			asc(improvementActions.createdAt)
		)
		.all()
		.map(withOverdue(today));
}

/**
 * The plan page: the latest assessment's priorities, each with its actions (matched by the
 * challenge's key, so actions raised under an earlier version of the framework still count),
 * then every other action.
 */
export function servicePlan(db: Db, serviceId: string, filters: ActionFilters = {}, now = new Date()) {
	const latest = latestAssessmentOf(db, serviceId);
	const actions = serviceActions(db, serviceId, filters, now);
	const priorityRows = latest
		? db
				.select({ rank: priorities.rank, challengeKey: challenges.packChallengeKey, name: challenges.shortLabel, position: challenges.position })
				.from(priorities)
				.innerJoin(challenges, eq(challenges.id, priorities.challengeId))
				.where(eq(priorities.assessmentId, latest.id))
				.orderBy(asc(priorities.rank))
				.all()
		: [];
	const priorityKeys = new Set(priorityRows.map((p) => p.challengeKey));
	return {
		latest: latest ?? null,
		priorities: priorityRows.map((p) => ({ ...p, actions: actions.filter((a) => a.challengeKey === p.challengeKey) })),
		otherActions: actions.filter((a) => !priorityKeys.has(a.challengeKey)),
		total: actions.length,
		overdueCount: actions.filter((a) => a.overdue).length
	};
}

// Changing -----------------------------------------------------------------------------------

type Refusal = { ok: false; status: 400 | 404 | 409; errors: FieldErrors };

function refuse(status: Refusal['status'], field: string, message: string): Refusal {
	return { ok: false, status, errors: { [field]: message } };
}

/** Checks the owner and challenge against this service; null when both are acceptable. */
function checkOwnerAndChallenge(tx: Pick<Db, 'select' | 'selectDistinct'>, organisationId: string, serviceId: string, input: ActionInput, keepChallengeId?: string): Refusal | null {
	if (input.ownerUserId && !possibleOwners(tx, organisationId, serviceId).some((o) => o.id === input.ownerUserId)) {
		return refuse(400, 'ownerUserId', 'Select the owner from the list of people in this service');
	}
	const { choices } = challengeChoices(tx, serviceId, keepChallengeId);
	if (!choices.some((c) => c.id === input.challengeId)) {
		return refuse(400, 'challengeId', choices.length === 0
			? 'This service has no assessment yet, so there are no challenges to plan against. Plan actions once its first round has opened.'
			: 'Select one of this service’s challenges from the list');
	}
	return null;
}

type ActionFields = Pick<typeof improvementActions.$inferSelect, 'title' | 'challengeId' | 'ownerUserId' | 'ownerName' | 'startDate' | 'dueDate' | 'status'> &
	Partial<Pick<typeof improvementActions.$inferSelect, 'description' | 'outcome'>>;

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
			challengeId: input.challengeId,
			assessmentId: latest?.id ?? null,
			title: input.title,
			description: input.description,
			ownerUserId: input.ownerUserId,
			ownerName: input.ownerName,
			startDate: input.startDate,
			dueDate: input.dueDate,
			status: 'not_started' as const,
			createdAt: now,
			createdBy: person.id,
			updatedAt: now
		};
		tx.insert(improvementActions).values(values).run();
		recordAuditEvent(tx, {
			userId: person.id,
			organisationId,
			serviceId,
			action: 'action.created',
			entityType: 'action',
			entityId: id,
			after: auditView(values)
		}, now);
		return { ok: true, id } as const;
	});
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
			.where(and(eq(improvementActions.id, actionId), eq(improvementActions.serviceId, serviceId), eq(improvementActions.organisationId, organisationId)))
			.get();
		if (!before) return refuse(404, 'form', 'This action no longer exists');
		const problem = checkOwnerAndChallenge(tx, organisationId, serviceId, input, before.challengeId);
		if (problem) return problem;
		const outcome = input.outcome;
		const whyNot = whyStatusCannotChange(before.status, input.status, outcome);
		if (whyNot) return refuse(400, isClosedStatus(input.status) && outcome === '' ? 'outcome' : 'status', whyNot);
		const closedAt = isClosedStatus(input.status) ? (isClosedStatus(before.status) ? before.closedAt : now) : null;
		const after = {
			challengeId: input.challengeId,
			title: input.title,
			description: input.description,
			ownerUserId: input.ownerUserId,
			ownerName: input.ownerName,
			startDate: input.startDate,
			dueDate: input.dueDate,
			status: input.status,
			outcome
		};
		const unchanged = JSON.stringify(auditView(before)) === JSON.stringify(auditView(after));
		if (unchanged) return { ok: true } as const;
		tx.update(improvementActions).set({ ...after, closedAt, updatedAt: now }).where(eq(improvementActions.id, actionId)).run();
		recordAuditEvent(tx, {
			userId: person.id,
			organisationId,
			serviceId,
			action: 'action.updated',
			entityType: 'action',
			entityId: actionId,
			before: auditView(before),
			after: auditView(after)
		}, now);
		return { ok: true } as const;
	});
}

export function addActionNote(db: Db, person: Person, action: { id: string; organisationId: string; serviceId: string }, body: string, now = new Date()) {
	db.transaction((tx) => {
		const id = newId();
		tx.insert(actionNotes).values({ id, actionId: action.id, userId: person.id, body, createdAt: now }).run();
		recordAuditEvent(tx, {
			userId: person.id,
			organisationId: action.organisationId,
			serviceId: action.serviceId,
			action: 'action.note_added',
			entityType: 'action',
			entityId: action.id,
			after: { note: body }
		}, now);
	});
}

// Review at the next round -------------------------------------------------------------------

/**
 * The service's actions that were open when this assessment started, with any decision already
 * recorded for them in it. The test is done in SQL with the same rule as isDueForReview.
 */
export function actionsToReview(db: Pick<Db, 'select'>, assessment: { id: string; serviceId: string }) {
	const started = db.select({ createdAt: assessments.createdAt }).from(assessments).where(eq(assessments.id, assessment.id)).get();
	if (!started) return [];
	const rows = selectActions(db)
		.where(
			and(
				eq(improvementActions.serviceId, assessment.serviceId),
				lt(improvementActions.createdAt, started.createdAt),
				or(isNull(improvementActions.closedAt), sql`${improvementActions.closedAt} >= ${started.createdAt.getTime()}`),
				or(isNull(improvementActions.assessmentId), ne(improvementActions.assessmentId, assessment.id))
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
		return { ...action, decision: (review?.decision ?? null) as ReviewDecision | null, reviewNote: review?.note ?? '' };
	});
}

/** How many actions still want a decision before the assessment can be completed. */
export function unreviewedActionCount(db: Pick<Db, 'select'>, assessment: { id: string; serviceId: string }): number {
	return actionsToReview(db, assessment).filter((a) => a.decision === null).length;
}

export interface ReviewInput {
	actionId: string;
	decision: ReviewDecision;
	note: string;
}

export const reviewField = {
	decision: (actionId: string) => `decision-${actionId}`,
	note: (actionId: string) => `note-${actionId}`
};

const reviewNote = optionalText('The review note', MAX_ACTION_TEXT_LENGTH);

/** Reads the review form for exactly the actions listed for review; others are not accepted. */
export function parseReviewForm(form: FormData, listed: { id: string; title: string }[]):
	{ ok: true; input: ReviewInput[] } | { ok: false; errors: FieldErrors } {
	const errors: FieldErrors = {};
	const input: ReviewInput[] = [];
	for (const action of listed) {
		const decision = form.get(reviewField.decision(action.id));
		const note = reviewNote.safeParse(form.get(reviewField.note(action.id)) ?? '');
		if (!note.success) errors[reviewField.note(action.id)] = note.error.issues[0].message;
		if (decision === null || decision === '') continue;
		if (typeof decision !== 'string' || !(REVIEW_DECISIONS as readonly string[]).includes(decision)) {
			errors[reviewField.decision(action.id)] = `Select done, carry forward or dropped for “${action.title}”`;
			continue;
		}
		if (decision !== 'carried_forward' && note.success && note.data === '') {
			errors[reviewField.note(action.id)] = `Enter a note saying what happened to “${action.title}”`;
			continue;
		}
		if (note.success) input.push({ actionId: action.id, decision: decision as ReviewDecision, note: note.data });
	}
	return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, input };
}

/**
 * Records review decisions and applies them to the actions: done and dropped close an action with
 * the note as its outcome; carrying forward keeps it open. One transaction.
 */
export function saveReview(
	db: Db,
	person: Person,
	assessment: { id: string; serviceId: string; roundStatus: string; status: string },
	organisationId: string,
	input: ReviewInput[],
	now = new Date()
): { ok: true } | { ok: false; message: string } {
	if (assessment.roundStatus !== 'open' || assessment.status !== 'in_progress') {
		return { ok: false, message: 'The review can only change while the assessment is in progress in an open round' };
	}
	return db.transaction((tx) => {
		const listed = new Map(actionsToReview(tx, assessment).map((a) => [a.id, a]));
		for (const item of input) {
			const action = listed.get(item.actionId);
			if (!action) continue;
			if (action.decision === item.decision && action.reviewNote === item.note) continue;
			tx.insert(actionReviews)
				.values({ assessmentId: assessment.id, actionId: item.actionId, decision: item.decision, note: item.note, reviewedAt: now, reviewedBy: person.id })
				.onConflictDoUpdate({
					target: [actionReviews.assessmentId, actionReviews.actionId],
					set: { decision: item.decision, note: item.note, reviewedAt: now, reviewedBy: person.id }
				})
				.run();
			const status = statusAfterReview(item.decision, action.status);
			const outcome = isClosedStatus(status) ? item.note : action.outcome;
			tx.update(improvementActions)
				.set({
					status,
					outcome,
					closedAt: isClosedStatus(status) ? (action.closedAt ?? now) : null,
					updatedAt: now
				})
				.where(eq(improvementActions.id, item.actionId))
				.run();
			recordAuditEvent(tx, {
				userId: person.id,
				organisationId,
				serviceId: assessment.serviceId,
				action: 'action.reviewed',
				entityType: 'action',
				entityId: item.actionId,
				before: { status: action.status, decision: action.decision },
				after: { status, decision: item.decision, note: item.note }
			}, now);
		}
		return { ok: true } as const;
	});
}

// The organisation's view --------------------------------------------------------------------

/** Every service's actions with the filters applied, and the counts a board report needs. */
export function organisationActions(db: Db, organisationId: string, filters: ActionFilters = {}, now = new Date()) {
	const today = londonDate(now);
	const where = and(eq(improvementActions.organisationId, organisationId), ...filterConditions(filters, today));
	const actions = selectActions(db)
		.where(where)
		.orderBy(
			openBeforeClosed,
			asc(improvementActions.dueDate),
			asc(services.name)
		)
		.all()
		.map(withOverdue(today));
	const counts = db
		.select({
			challengeKey: challenges.packChallengeKey,
			status: improvementActions.status,
			overdue: sql<number>`sum(case when ${improvementActions.status} in ('not_started', 'in_progress') and ${improvementActions.dueDate} < ${today} then 1 else 0 end)`,
			count: count()
		})
		.from(improvementActions)
		.innerJoin(services, eq(services.id, improvementActions.serviceId))
		.innerJoin(challenges, eq(challenges.id, improvementActions.challengeId))
		.where(where)
		.groupBy(challenges.packChallengeKey, improvementActions.status)
		.all();
	return { actions, counts };
}

/**
 * Services whose latest completed assessment has no plan: no action raised from it and none
 * carried forward in its review.
 */
export function servicesWithoutPlan(db: Db, organisationId: string) {
	const latestComplete = db
		.select({
			serviceId: assessments.serviceId,
			assessmentId: sql<string>`${assessments.id}`.as('assessment_id'),
			roundTitle: sql<string>`${rounds.title}`.as('round_title'),
			rank: sql<number>`row_number() over (partition by ${assessments.serviceId} order by ${rounds.periodStart} desc)`.as('rank')
		})
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(and(eq(rounds.organisationId, organisationId), eq(assessments.status, 'complete')))
		.as('latest_complete');
	return db
		.select({ serviceId: services.id, serviceName: services.name, assessmentId: latestComplete.assessmentId, roundTitle: latestComplete.roundTitle })
		.from(latestComplete)
		.innerJoin(services, eq(services.id, latestComplete.serviceId))
		.where(
			and(
				eq(latestComplete.rank, 1),
				isNull(services.archivedAt),
				sql`not exists (select 1 from ${improvementActions} where ${improvementActions.assessmentId} = ${latestComplete.assessmentId})`,
				sql`not exists (select 1 from ${actionReviews} where ${actionReviews.assessmentId} = ${latestComplete.assessmentId} and ${actionReviews.decision} = 'carried_forward')`
			)
		)
		.orderBy(asc(services.name))
		.all();
}

/** The challenges of every framework the organisation's rounds use, one per key, for filters. */
export function organisationChallengeOptions(db: Db, organisationId: string) {
	const rows = db
		.selectDistinct({ key: challenges.packChallengeKey, position: challenges.position, shortLabel: challenges.shortLabel })
		.from(challenges)
		.innerJoin(rounds, eq(rounds.frameworkId, challenges.frameworkId))
		.where(eq(rounds.organisationId, organisationId))
		.orderBy(asc(challenges.position))
		.all();
	const byKey = new Map<string, { value: string; text: string; position: number }>();
	for (const row of rows) if (!byKey.has(row.key)) byKey.set(row.key, { value: row.key, text: `${row.position}. ${row.shortLabel}`, position: row.position });
	return [...byKey.values()];
}

/** The counts as a table: one row per challenge, a column per status, with overdue and totals. */
export function countTable(counts: { challengeKey: string; status: ActionStatus; overdue: number; count: number }[], challengeOptions: { value: string; text: string }[]) {
	const empty = () => ({ not_started: 0, in_progress: 0, done: 0, dropped: 0, overdue: 0, total: 0 });
	const rows = challengeOptions.map((c) => ({ key: c.value, label: c.text, ...empty() }));
	const total = { key: '', label: 'All challenges', ...empty() };
	for (const c of counts) {
		const row = rows.find((r) => r.key === c.challengeKey);
		for (const target of row ? [row, total] : [total]) {
			target[c.status] += c.count;
			target.overdue += c.overdue;
			target.total += c.count;
		}
	}
	return { rows: rows.filter((r) => r.total > 0), total };
}

// My work ------------------------------------------------------------------------------------

/**
 * What is waiting for this person, wherever they hold a role: open actions they own, ratings they
 * were invited to give, and assessments they can agree that are still in progress.
 */
export function myWork(db: Db, person: Person, now = new Date()) {
	const today = londonDate(now);
	const visible = (row: { organisationId: string; serviceId: string }) =>
		may(person, 'service.view', { organisationId: row.organisationId, serviceId: row.serviceId });
	const actions = selectActions(db)
		.where(and(eq(improvementActions.ownerUserId, person.id), inArray(improvementActions.status, [...OPEN])))
		.orderBy(asc(improvementActions.dueDate))
		.all()
		.filter(visible)
		.map(withOverdue(today));

	const openAssessmentColumns = {
		assessmentId: assessments.id,
		roundId: rounds.id,
		roundTitle: rounds.title,
		periodEnd: rounds.periodEnd,
		organisationId: rounds.organisationId,
		organisationName: organisations.name,
		serviceId: services.id,
		serviceName: services.name
	};
	const toRate = db
		.select(openAssessmentColumns)
		.from(assessmentRaters)
		.innerJoin(assessments, eq(assessments.id, assessmentRaters.assessmentId))
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.innerJoin(services, eq(services.id, assessments.serviceId))
		.innerJoin(organisations, eq(organisations.id, rounds.organisationId))
		.where(
			and(
				eq(assessmentRaters.userId, person.id),
				isNull(assessmentRaters.submittedAt),
				eq(rounds.status, 'open'),
				eq(assessments.status, 'in_progress')
			)
		)
		.orderBy(asc(rounds.periodEnd), asc(services.name))
		.all()
		.filter(visible);

	const organisationIds = [...new Set(person.memberships.map((m) => m.organisationId))];
	const toAgree = organisationIds.length === 0
		? []
		: db
				.select(openAssessmentColumns)
				.from(assessments)
				.innerJoin(rounds, eq(rounds.id, assessments.roundId))
				.innerJoin(services, eq(services.id, assessments.serviceId))
				.innerJoin(organisations, eq(organisations.id, rounds.organisationId))
				.where(and(inArray(rounds.organisationId, organisationIds), eq(rounds.status, 'open'), eq(assessments.status, 'in_progress')))
				.orderBy(asc(rounds.periodEnd), asc(services.name))
				.all()
				.filter((row) => may(person, 'assessment.edit', { organisationId: row.organisationId, serviceId: row.serviceId }));
	return { actions, toRate, toAgree };
}

