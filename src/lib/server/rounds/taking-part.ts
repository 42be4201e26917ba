// The services taking part in an open round: one can join late (and gets its assessment), or be
// taken out while its assessment holds nothing of the team's work.

import { and, asc, desc, eq, isNull, notInArray, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import {
	whyRoundServicesCannotChange,
	whyServiceCannotLeaveRound,
	type AssessmentWork,
	type RoundStatus
} from '$lib/domain/rounds';
import type { Person } from '../access/policy';
import { recordAuditEvent } from '../audit/record';
import type { Db, Tx } from '../db/client';
import {
	actionReviews,
	agreedScores,
	assessmentComments,
	assessmentRaters,
	assessments,
	improvementActions,
	participants,
	priorities,
	ratingSessions,
	ratings,
	roundServices,
	rounds,
	services
} from '../db/schema';
import { newId } from '../ids';
import { getRound } from './queries';

export const roundServiceInputSchema = z.object({
	serviceId: z
		.string({ error: 'Select a service' })
		.trim()
		.min(1, 'Select a service')
		.max(64, 'Select a service from the list')
});

/** An agreed score row that holds something: a level, or anything written. */
const agreedScoreHoldsWork = sql`(${agreedScores.level} is not null or ${agreedScores.evidence} <> '' or ${agreedScores.rationale} <> '' or ${agreedScores.nextStep} <> '' or ${agreedScores.evidenceSources} <> '[]')`;

/** How many rows of a table belong to the assessment of the row being selected. */
const countOf = (table: SQLiteTable, column: SQLiteColumn) =>
	sql<number>`(select count(*) from ${table} where ${column} = ${assessments.id})`;

/** What each assessment holds, counted in SQL; spread into a select beside the assessment. */
const workColumns = {
	assessmentStatus: assessments.status,
	ratings: countOf(ratings, ratings.assessmentId),
	agreedScores: sql<number>`(select count(*) from ${agreedScores} where ${agreedScores.assessmentId} = ${assessments.id} and ${agreedScoreHoldsWork})`,
	participants: sql<number>`(${countOf(participants, participants.assessmentId)} + ${countOf(ratingSessions, ratingSessions.assessmentId)})`,
	otherWork: sql<number>`(${countOf(priorities, priorities.assessmentId)} + ${countOf(assessmentComments, assessmentComments.assessmentId)} + ${countOf(actionReviews, actionReviews.assessmentId)} + ${countOf(improvementActions, improvementActions.assessmentId)} + (${assessments.teamResources} <> ''))`
};

const workOf = (row: {
	assessmentStatus: AssessmentWork['status'];
	ratings: number;
	participants: number;
	agreedScores: number;
	otherWork: number;
}): AssessmentWork => ({
	status: row.assessmentStatus,
	ratings: row.ratings,
	participants: row.participants,
	agreedScores: row.agreedScores,
	otherWork: row.otherWork
});

/**
 * The round's services with whether each can be taken out (and why not), and the organisation's
 * other active services, which could be added; both by name.
 */
export function roundServiceChoices(
	db: Db,
	organisationId: string,
	round: { id: string; status: RoundStatus }
) {
	const taking = db
		.select({
			serviceId: services.id,
			serviceName: services.name,
			assessmentId: assessments.id,
			...workColumns
		})
		.from(roundServices)
		.innerJoin(services, eq(services.id, roundServices.serviceId))
		.innerJoin(
			assessments,
			and(
				eq(assessments.roundId, roundServices.roundId),
				eq(assessments.serviceId, roundServices.serviceId)
			)
		)
		.where(eq(roundServices.roundId, round.id))
		.orderBy(asc(services.name))
		.all()
		.map((row) => ({
			serviceId: row.serviceId,
			serviceName: row.serviceName,
			assessmentId: row.assessmentId,
			staysBecause: whyServiceCannotLeaveRound(round.status, workOf(row))
		}));
	const others = db
		.select({ id: services.id, name: services.name })
		.from(services)
		.where(
			and(
				eq(services.organisationId, organisationId),
				isNull(services.archivedAt),
				notInArray(
					services.id,
					db
						.select({ id: roundServices.serviceId })
						.from(roundServices)
						.where(eq(roundServices.roundId, round.id))
				)
			)
		)
		.orderBy(asc(services.name))
		.all();
	return { taking, others };
}

export type RoundServiceChange =
	| { ok: true; serviceName: string }
	| { ok: false; status: 404 | 409; message: string }
	| { ok: false; status: 400; field: 'serviceId'; message: string };

const ROUND_NOT_FOUND = { ok: false, status: 404, message: 'Round not found' } as const;

function activeService(tx: Tx, organisationId: string, serviceId: string) {
	return tx
		.select({ id: services.id, name: services.name })
		.from(services)
		.where(
			and(
				eq(services.id, serviceId),
				eq(services.organisationId, organisationId),
				isNull(services.archivedAt)
			)
		)
		.get();
}

function takesPart(tx: Tx, roundId: string, serviceId: string) {
	return !!tx
		.select({ serviceId: roundServices.serviceId })
		.from(roundServices)
		.where(and(eq(roundServices.roundId, roundId), eq(roundServices.serviceId, serviceId)))
		.get();
}

/** Adds a service to an open round and gives it its assessment, with an audit event, at once. */
export function addServiceToRound(
	db: Db,
	person: Person,
	organisationId: string,
	roundId: string,
	serviceId: string,
	now = new Date()
): RoundServiceChange {
	return db.transaction((tx): RoundServiceChange => {
		const round = getRound(tx, organisationId, roundId);
		if (!round) return ROUND_NOT_FOUND;
		const service = activeService(tx, organisationId, serviceId);
		if (!service)
			return {
				ok: false,
				status: 400,
				field: 'serviceId',
				message: 'Select a service from the list'
			};
		const closed = whyRoundServicesCannotChange(round.status);
		if (closed)
			return {
				ok: false,
				status: 409,
				message: `${service.name} cannot be added to the round: ${closed}.`
			};
		if (takesPart(tx, roundId, serviceId))
			return {
				ok: false,
				status: 400,
				field: 'serviceId',
				message: `${service.name} already takes part in this round`
			};

		const assessmentId = newId();
		tx.insert(roundServices).values({ roundId, serviceId }).run();
		tx.insert(assessments).values({ id: assessmentId, roundId, serviceId, createdAt: now }).run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				serviceId,
				action: 'round.service_added',
				entityType: 'round',
				entityId: roundId,
				after: { serviceId, serviceName: service.name, assessmentId }
			},
			now
		);
		return { ok: true, serviceName: service.name };
	});
}

/**
 * Takes a service out of an open round, with its assessment, while that assessment holds nothing
 * of the team's work; raters already invited to it lose the invitation, which the audit event
 * keeps. Refused, with the reason, once the assessment has ratings, agreed levels or is complete.
 */
export function takeServiceOutOfRound(
	db: Db,
	person: Person,
	organisationId: string,
	roundId: string,
	serviceId: string,
	now = new Date()
): RoundServiceChange {
	return db.transaction((tx): RoundServiceChange => {
		const round = getRound(tx, organisationId, roundId);
		if (!round) return ROUND_NOT_FOUND;
		const service = activeService(tx, organisationId, serviceId);
		const assessment =
			service &&
			tx
				.select({ id: assessments.id, ...workColumns })
				.from(assessments)
				.where(and(eq(assessments.roundId, roundId), eq(assessments.serviceId, serviceId)))
				.get();
		if (!service || !assessment || !takesPart(tx, roundId, serviceId))
			return {
				ok: false,
				status: 400,
				field: 'serviceId',
				message: 'Select a service that takes part in this round'
			};
		const stays = whyServiceCannotLeaveRound(round.status, workOf(assessment));
		if (stays)
			return {
				ok: false,
				status: 409,
				message: `${service.name} cannot be taken out of the round: ${stays}.`
			};

		const raters = tx
			.select({ userId: assessmentRaters.userId })
			.from(assessmentRaters)
			.where(eq(assessmentRaters.assessmentId, assessment.id))
			.all()
			.map((r) => r.userId);
		tx.delete(assessmentRaters).where(eq(assessmentRaters.assessmentId, assessment.id)).run();
		tx.delete(agreedScores).where(eq(agreedScores.assessmentId, assessment.id)).run();
		tx.delete(assessments).where(eq(assessments.id, assessment.id)).run();
		tx.delete(roundServices)
			.where(and(eq(roundServices.roundId, roundId), eq(roundServices.serviceId, serviceId)))
			.run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				serviceId,
				action: 'round.service_taken_out',
				entityType: 'round',
				entityId: roundId,
				before: { serviceId, serviceName: service.name, assessmentId: assessment.id, raters }
			},
			now
		);
		return { ok: true, serviceName: service.name };
	});
}

/**
 * Where a service with no assessment yet could start one, for those who manage rounds: the open
 * round it does not take part in (the latest), or else none, when a round is still to be created.
 */
export function roundToJoin(db: Db, organisationId: string, serviceId: string) {
	return (
		db
			.select({ id: rounds.id, title: rounds.title })
			.from(rounds)
			.where(
				and(
					eq(rounds.organisationId, organisationId),
					eq(rounds.status, 'open'),
					notInArray(
						rounds.id,
						db
							.select({ id: roundServices.roundId })
							.from(roundServices)
							.where(eq(roundServices.serviceId, serviceId))
					)
				)
			)
			.orderBy(desc(rounds.periodStart))
			.get() ?? null
	);
}
