import { and, asc, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { isoDateFromParts } from '$lib/domain/dates';
import { londonDate } from '$lib/domain/london-days';
import {
	ACTION_STATUSES,
	MAX_ACTION_TEXT_LENGTH,
	MAX_ACTION_TITLE_LENGTH,
	MAX_OWNER_NAME_LENGTH,
	isClosedStatus,
	isOverdue,
	whyStatusCannotChange,
	type ActionStatus
} from '$lib/domain/actions';
import type { Db } from './db/client';
import {
	actionNotes,
	assessments,
	challenges,
	improvementActions,
	memberships,
	priorities,
	rounds,
	services,
	users
} from './db/schema';
import { newId } from './ids';
import { recordAuditEvent } from './audit/record';
import { requiredText, type FieldErrors } from './forms';
import { frameworkContent } from './frameworks/queries';
import type { Person } from './access/policy';

// Input --------------------------------------------------------------------------------------

const datePart = z
	.string()
	.default('')
	.pipe(
		z
			.string()
			.trim()
			.max(4, 'Enter the date as numbers')
			.regex(/^\d*$/, 'Enter the date as numbers')
	);
export const optionalText = (label: string, max: number) =>
	z
		.string()
		.default('')
		.pipe(
			z
				.string()
				.trim()
				.max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`)
		);

/** Day, month and year boxes: null when all are empty, undefined when they are not a real date. */
function dateFrom(day: string, month: string, year: string): string | null | undefined {
	if (day === '' && month === '' && year === '') return null;
	return isoDateFromParts(Number(day), Number(month), Number(year)) ?? undefined;
}

export const actionInputSchema = z
	.object({
		challengeId: z
			.string({ error: 'Select the challenge the action is about' })
			.trim()
			.min(1, 'Select the challenge the action is about')
			.max(64, 'Select the challenge from the list'),
		title: requiredText('a title for the action', MAX_ACTION_TITLE_LENGTH),
		description: optionalText('The description', MAX_ACTION_TEXT_LENGTH),
		ownerUserId: z
			.string()
			.default('')
			.pipe(z.string().trim().max(64, 'Select the owner from the list')),
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
			ctx.addIssue({
				code: 'custom',
				path: ['ownerUserId'],
				message: 'Select the owner, or type the name of someone without an account'
			});
		}
		if (v.ownerUserId !== '' && v.ownerName !== '') {
			ctx.addIssue({
				code: 'custom',
				path: ['ownerName'],
				message: 'Either select an owner or type a name, not both'
			});
		}
		const startDate = dateFrom(v.startDay, v.startMonth, v.startYear);
		const dueDate = dateFrom(v.dueDay, v.dueMonth, v.dueYear);
		if (startDate === undefined)
			ctx.addIssue({
				code: 'custom',
				path: ['startDay'],
				message: 'Enter the start date as a real date, like 1 4 2026'
			});
		if (dueDate === null)
			ctx.addIssue({
				code: 'custom',
				path: ['dueDay'],
				message: 'Enter the date the action is due'
			});
		if (dueDate === undefined)
			ctx.addIssue({
				code: 'custom',
				path: ['dueDay'],
				message: 'Enter the due date as a real date, like 30 9 2026'
			});
		if (startDate && dueDate && dueDate < startDate) {
			ctx.addIssue({
				code: 'custom',
				path: ['dueDay'],
				message: 'The due date must be the same as or after the start date'
			});
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
export function possibleOwners(
	db: Pick<Db, 'select' | 'selectDistinct'>,
	organisationId: string,
	serviceId: string
) {
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

export function selectActions(db: Pick<Db, 'select'>) {
	return db
		.select(actionColumns)
		.from(improvementActions)
		.innerJoin(services, eq(services.id, improvementActions.serviceId))
		.innerJoin(challenges, eq(challenges.id, improvementActions.challengeId))
		.leftJoin(ownerUser, eq(ownerUser.id, improvementActions.ownerUserId));
}

export type ActionRow = ReturnType<ReturnType<typeof selectActions>['all']>[number];

/** The action, only if it belongs to this service of this organisation. */
export function getAction(
	db: Pick<Db, 'select'>,
	organisationId: string,
	serviceId: string,
	actionId: string
) {
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
		.select({
			id: actionNotes.id,
			body: actionNotes.body,
			createdAt: actionNotes.createdAt,
			by: users.name
		})
		.from(actionNotes)
		.leftJoin(users, eq(users.id, actionNotes.userId))
		.where(eq(actionNotes.actionId, actionId))
		.orderBy(desc(actionNotes.createdAt))
		.all();
}

/** The challenges an action can be about: those of the service's current pack, plus its own. */
export function challengeChoices(
	db: Pick<Db, 'select'>,
	serviceId: string,
	currentChallengeId?: string
) {
	const latest = latestAssessmentOf(db, serviceId);
	const choices = latest
		? frameworkContent(db, latest.frameworkId).challenges.map((c) => ({
				id: c.id,
				label: `${c.position}. ${c.shortLabel}`
			}))
		: [];
	if (currentChallengeId && !choices.some((c) => c.id === currentChallengeId)) {
		const own = db.select().from(challenges).where(eq(challenges.id, currentChallengeId)).get();
		if (own)
			choices.unshift({
				id: own.id,
				label: `${own.position}. ${own.shortLabel} (earlier version of the framework)`
			});
	}
	return { latest, choices };
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

export const OPEN_STATUSES = ['not_started', 'in_progress'] as const;

export function filterConditions(filters: ActionFilters, today: string): SQL[] {
	const conditions: SQL[] = [];
	if (filters.challenge) conditions.push(eq(challenges.packChallengeKey, filters.challenge));
	if (filters.status) conditions.push(eq(improvementActions.status, filters.status));
	if (filters.overdue)
		conditions.push(
			inArray(improvementActions.status, [...OPEN_STATUSES]),
			lt(improvementActions.dueDate, today)
		);
	if (filters.service) conditions.push(eq(improvementActions.serviceId, filters.service));
	if (filters.grouping) conditions.push(eq(services.groupingId, filters.grouping));
	return conditions;
}

/** Sorts open actions before done and dropped ones. */
export const openBeforeClosed = sql`case when ${improvementActions.status} in ('done', 'dropped') then 1 else 0 end`;

export const withOverdue = (today: string) => (action: ActionRow) => ({
	...action,
	overdue: isOverdue(action, today)
});

/** A service's actions, most urgent first (open before closed, then by due date). */
export function serviceActions(
	db: Db,
	serviceId: string,
	filters: ActionFilters = {},
	now = new Date()
) {
	const today = londonDate(now);
	return selectActions(db)
		.where(and(eq(improvementActions.serviceId, serviceId), ...filterConditions(filters, today)))
		.orderBy(openBeforeClosed, asc(improvementActions.dueDate), asc(improvementActions.createdAt))
		.all()
		.map(withOverdue(today));
}

/**
 * The plan page: the latest assessment's priorities, each with its actions (matched by the
 * challenge's key, so actions raised under an earlier version of the framework still count),
 * then every other action.
 */
export function servicePlan(
	db: Db,
	serviceId: string,
	filters: ActionFilters = {},
	now = new Date()
) {
	const latest = latestAssessmentOf(db, serviceId);
	const actions = serviceActions(db, serviceId, filters, now);
	const priorityRows = latest
		? db
				.select({
					rank: priorities.rank,
					challengeKey: challenges.packChallengeKey,
					name: challenges.shortLabel,
					position: challenges.position
				})
				.from(priorities)
				.innerJoin(challenges, eq(challenges.id, priorities.challengeId))
				.where(eq(priorities.assessmentId, latest.id))
				.orderBy(asc(priorities.rank))
				.all()
		: [];
	const priorityKeys = new Set(priorityRows.map((p) => p.challengeKey));
	return {
		latest: latest ?? null,
		priorities: priorityRows.map((p) => ({
			...p,
			actions: actions.filter((a) => a.challengeKey === p.challengeKey)
		})),
		otherActions: actions.filter((a) => !priorityKeys.has(a.challengeKey)),
		total: actions.length,
		overdueCount: actions.filter((a) => a.overdue).length,
		/** Choices for the challenge filter, by key: the current pack's challenges. */
		challengeOptions: latest
			? frameworkContent(db, latest.frameworkId).challenges.map((c) => ({
					value: c.key,
					text: `${c.position}. ${c.shortLabel}`
				}))
			: []
	};
}

// Changing -----------------------------------------------------------------------------------

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
			...input,
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
		if (whyNot)
			return refuse(
				400,
				isClosedStatus(input.status) && input.outcome === '' ? 'outcome' : 'status',
				whyNot
			);
		const closedAt = isClosedStatus(input.status)
			? isClosedStatus(before.status)
				? before.closedAt
				: now
			: null;
		const unchanged = JSON.stringify(auditView(before)) === JSON.stringify(auditView(input));
		if (unchanged) return { ok: true } as const;
		tx.update(improvementActions)
			.set({ ...input, closedAt, updatedAt: now })
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

export function addActionNote(
	db: Db,
	person: Person,
	action: { id: string; organisationId: string; serviceId: string },
	body: string,
	now = new Date()
) {
	db.transaction((tx) => {
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
	});
}
