// Participants of a live session: joining by code (no account, no name: a perspective only), the
// secret their browser keeps in a cookie, and knowing them again by it. Only SHA-256 of the secret
// is stored, so the database alone cannot act as anyone.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { encodeBase64urlNoPadding, decodeBase64urlIgnorePadding } from '@oslojs/encoding';
import {
	MAX_PARTICIPANTS_PER_SESSION,
	normaliseJoinCode,
	PARTICIPANT_PERSPECTIVES
} from '$lib/domain/rating-sessions';
import { isPerspective, type Perspective } from '$lib/domain/ratings';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import type { Db } from '../db/client';
import { assessments, participants, rounds } from '../db/schema';
import { newId } from '../ids';
import { publish } from './hub';
import { sessionByCode, type RatingSessionRecord } from './sessions';

export { PARTICIPANT_PERSPECTIVES };

export const JOIN_PROBLEM_MESSAGES = {
	/** The same words for a wrong, closed or expired code: which one it was is nobody's business. */
	'not-open':
		'That code does not open a rating session. Check it against the screen in the room: sessions end when the facilitator closes them, or after 4 hours.',
	full: `This session is full: it takes ${MAX_PARTICIPANTS_PER_SESSION} people at most. Ask the facilitator how else you can give your view.`,
	locked: 'This assessment can no longer be rated, so the session takes no more answers.'
} as const;
export type JoinProblem = keyof typeof JOIN_PROBLEM_MESSAGES;

export const PARTICIPANT_COOKIE_PATH = '/join';

/** The participant cookie's name and flags, from the address people use (ORIGIN). */
export function participantCookie(origin: string) {
	const secure = new URL(origin).protocol === 'https:';
	return {
		name: `${secure ? '__Secure-' : ''}imroc_participant`,
		options: {
			httpOnly: true,
			sameSite: 'lax' as const,
			secure,
			path: PARTICIPANT_COOKIE_PATH,
			maxAge: 5 * 60 * 60
		}
	};
}

const hashOf = (secret: Uint8Array) => createHash('sha256').update(secret).digest();

/** The session a typed or linked code opens, or why not. */
export function openSessionForCode(
	db: Db,
	typed: string,
	now = new Date()
): { ok: true; session: RatingSessionRecord } | { ok: false; problem: JoinProblem } {
	const code = normaliseJoinCode(typed);
	const session = code ? sessionByCode(db, code, now) : null;
	if (!session) return { ok: false, problem: 'not-open' };
	return { ok: true, session };
}

export function assessmentLockOf(db: Db, assessmentId: string): string | null {
	const row = db
		.select({ status: assessments.status, roundStatus: rounds.status })
		.from(assessments)
		.innerJoin(rounds, eq(rounds.id, assessments.roundId))
		.where(eq(assessments.id, assessmentId))
		.get();
	return row ? whyAssessmentIsLocked(row.roundStatus, row.status) : 'Not found';
}

/**
 * Joins the session with a perspective: a new participant, and the cookie value that is their
 * only key (participant id and a fresh 256-bit secret). Refused when the session is full.
 */
export function joinSession(
	db: Db,
	session: RatingSessionRecord,
	perspective: Perspective,
	now = new Date()
): { ok: true; participantId: string; cookieValue: string } | { ok: false; problem: JoinProblem } {
	if (!(PARTICIPANT_PERSPECTIVES as readonly string[]).includes(perspective))
		throw new Error('not a participant perspective');
	if (assessmentLockOf(db, session.assessmentId)) return { ok: false, problem: 'locked' };
	const secret = randomBytes(32);
	const id = newId();
	const joined = db.transaction((tx) => {
		const n =
			tx
				.select({ n: count() })
				.from(participants)
				.where(eq(participants.ratingSessionId, session.id))
				.get()?.n ?? 0;
		if (n >= MAX_PARTICIPANTS_PER_SESSION) return false;
		tx.insert(participants)
			.values({
				id,
				assessmentId: session.assessmentId,
				source: 'session',
				ratingSessionId: session.id,
				secretHash: hashOf(secret),
				perspective,
				createdAt: now
			})
			.run();
		return true;
	});
	if (!joined) return { ok: false, problem: 'full' };
	publish(session.id);
	return { ok: true, participantId: id, cookieValue: `${id}.${encodeBase64urlNoPadding(secret)}` };
}

export type SessionParticipant = {
	id: string;
	perspective: Perspective;
	submittedAt: Date | null;
};

export const PARTICIPANT_PROBLEM_MESSAGES = {
	none: 'You have not joined this session on this device yet.',
	'other-session':
		'This device joined a different rating session. Join this one with its code to take part here.',
	'wrong-secret':
		'This device’s key to the session does not match. Join again with the code on the screen.'
} as const;
export type ParticipantProblem = keyof typeof PARTICIPANT_PROBLEM_MESSAGES;

/** The participant the cookie names, if its secret is right and it belongs to this session. */
export function participantFromCookie(
	db: Pick<Db, 'select'>,
	cookieValue: string | undefined,
	sessionId: string
): { ok: true; participant: SessionParticipant } | { ok: false; problem: ParticipantProblem } {
	if (!cookieValue) return { ok: false, problem: 'none' };
	const match = /^([a-z0-9]{1,40})\.([A-Za-z0-9_-]{43})$/.exec(cookieValue);
	if (!match) return { ok: false, problem: 'wrong-secret' };
	let secret: Uint8Array;
	try {
		secret = decodeBase64urlIgnorePadding(match[2]);
	} catch {
		return { ok: false, problem: 'wrong-secret' };
	}
	const row = db
		.select({
			id: participants.id,
			perspective: participants.perspective,
			submittedAt: participants.submittedAt,
			ratingSessionId: participants.ratingSessionId,
			secretHash: participants.secretHash
		})
		.from(participants)
		.where(eq(participants.id, match[1]))
		.get();
	if (!row || !row.secretHash) return { ok: false, problem: 'wrong-secret' };
	const given = hashOf(secret);
	if (given.length !== row.secretHash.length || !timingSafeEqual(given, row.secretHash))
		return { ok: false, problem: 'wrong-secret' };
	if (row.ratingSessionId !== sessionId) return { ok: false, problem: 'other-session' };
	if (!isPerspective(row.perspective)) return { ok: false, problem: 'wrong-secret' };
	return {
		ok: true,
		participant: { id: row.id, perspective: row.perspective, submittedAt: row.submittedAt }
	};
}

/**
 * Joins from one address per hour at most: a room shares one address behind its network, so this
 * is far above a full session (60), and far below what a script would try.
 */
export const MAX_JOINS_PER_ADDRESS_PER_HOUR = 100;

/** A count per key in fixed one-hour windows; forgotten when the window passes. */
export class HourlyCap {
	readonly #counts = new Map<string, { windowStart: number; n: number }>();
	constructor(
		readonly limit: number,
		private readonly clock: () => number = Date.now,
		private readonly windowMs = 60 * 60 * 1000
	) {}
	/** Counts one more for the key; false when the key has reached its limit (not counted then). */
	take(key: string): boolean {
		const now = this.clock();
		let entry = this.#counts.get(key);
		if (!entry || now - entry.windowStart >= this.windowMs) {
			entry = { windowStart: now, n: 0 };
			this.#counts.set(key, entry);
		}
		if (entry.n >= this.limit) return false;
		entry.n += 1;
		if (this.#counts.size > 10_000) {
			for (const [k, e] of this.#counts)
				if (now - e.windowStart >= this.windowMs) this.#counts.delete(k);
		}
		return true;
	}
}

export { isPerspective };
