// A round's life: a draft is opened (every service taking part gets an assessment), an open round
// is closed, and a closed one can be reopened with a reason for the audit trail.

import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { withoutHiddenCharacters } from '../forms';
import {
	REOPEN_REASON_MAX_LENGTH,
	REOPEN_REASON_MESSAGES,
	whyRoundCannotClose,
	whyRoundCannotOpen,
	whyRoundCannotReopen
} from '$lib/domain/rounds';
import type { Person } from '../access/policy';
import { recordAuditEvent } from '../audit/record';
import type { Db } from '../db/client';
import { assessments, roundServices, rounds } from '../db/schema';
import { newId } from '../ids';
import { getRound } from './queries';

export type RoundStatusChange = { ok: true } | { ok: false; status: 404 | 409; message: string };

const ROUND_NOT_FOUND = { ok: false, status: 404, message: 'Round not found' } as const;

/** Opens a draft round, giving every service taking part an assessment, all at once. */
export function openRound(
	db: Db,
	person: Person,
	organisationId: string,
	roundId: string,
	now = new Date()
): RoundStatusChange {
	return db.transaction((tx) => {
		const round = getRound(tx, organisationId, roundId);
		if (!round) return ROUND_NOT_FOUND;
		const serviceIds = tx
			.select({ serviceId: roundServices.serviceId })
			.from(roundServices)
			.where(eq(roundServices.roundId, roundId))
			.all()
			.map((r) => r.serviceId);
		const refusal = whyRoundCannotOpen(round.status, serviceIds.length);
		if (refusal) return { ok: false, status: 409, message: refusal } as const;

		tx.update(rounds).set({ status: 'open', openedAt: now }).where(eq(rounds.id, roundId)).run();
		tx.insert(assessments)
			.values(serviceIds.map((serviceId) => ({ id: newId(), roundId, serviceId, createdAt: now })))
			.run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				action: 'round.opened',
				entityType: 'round',
				entityId: roundId,
				before: { status: round.status },
				after: { status: 'open' }
			},
			now
		);
		return { ok: true } as const;
	});
}

export function closeRound(
	db: Db,
	person: Person,
	organisationId: string,
	roundId: string,
	now = new Date()
): RoundStatusChange {
	return db.transaction((tx) => {
		const round = getRound(tx, organisationId, roundId);
		if (!round) return ROUND_NOT_FOUND;
		const refusal = whyRoundCannotClose(round.status);
		if (refusal) return { ok: false, status: 409, message: refusal } as const;
		tx.update(rounds).set({ status: 'closed', closedAt: now }).where(eq(rounds.id, roundId)).run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				action: 'round.closed',
				entityType: 'round',
				entityId: roundId,
				before: { status: round.status },
				after: { status: 'closed' }
			},
			now
		);
		return { ok: true } as const;
	});
}

export const reopenInputSchema = z.object({
	reason: z
		.string({ error: REOPEN_REASON_MESSAGES.missing })
		.trim()
		.min(1, REOPEN_REASON_MESSAGES.missing)
		.max(REOPEN_REASON_MAX_LENGTH, REOPEN_REASON_MESSAGES.tooLong)
		.superRefine(withoutHiddenCharacters('the reason', 'long'))
});

export type RoundReopening =
	| { ok: true }
	| { ok: false; status: 404 | 409; message: string }
	| { ok: false; status: 400; field: 'reason'; message: string };

/**
 * Reopens a closed round, so its assessments that were not marked complete can change again.
 * The reason goes into the audit trail with the change.
 */
export function reopenRound(
	db: Db,
	person: Person,
	organisationId: string,
	roundId: string,
	reason: string,
	now = new Date()
): RoundReopening {
	return db.transaction((tx) => {
		const round = getRound(tx, organisationId, roundId);
		if (!round) return ROUND_NOT_FOUND;
		const refusal = whyRoundCannotReopen(round.status, reason);
		if (refusal?.about === 'round')
			return { ok: false, status: 409, message: refusal.message } as const;
		if (refusal)
			return { ok: false, status: 400, field: 'reason', message: refusal.message } as const;

		tx.update(rounds).set({ status: 'open', closedAt: null }).where(eq(rounds.id, roundId)).run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				action: 'round.reopened',
				entityType: 'round',
				entityId: roundId,
				before: { status: round.status, closedAt: round.closedAt },
				after: { status: 'open', reason: reason.trim() }
			},
			now
		);
		return { ok: true } as const;
	});
}
