// What the room sees of a session: the code, the challenge on the screen, how many have answered,
// and, only for a challenge the facilitator has revealed, its anonymous spread by perspective.
// The same state feeds the first render of the facilitator's screen and every live update, so the
// two never disagree. The spread counts only this session's participants who answered the
// challenge, and a perspective fewer than three of them answered from is always folded into
// "other perspectives" (`perspectivesToFold`, as for anyone who does not agree the levels): on
// the screen and on every phone.

import { and, count, eq } from 'drizzle-orm';
import {
	displayJoinCode,
	sessionIsOpen,
	type RatingOrder,
	type SessionPace
} from '$lib/domain/rating-sessions';
import {
	foldPerspectives,
	isPerspective,
	perspectiveLabel,
	perspectivesToFold,
	summariseRatings,
	type ChallengeSpreadSummary,
	type Perspective,
	type RatingCount
} from '$lib/domain/ratings';
import type { Db } from '../db/client';
import { participantRatings, participants } from '../db/schema';
import { frameworkContent } from '../frameworks/queries';
import {
	ratingOrderOf,
	revealedChallenges,
	sessionTotals,
	type RatingSessionRecord
} from './sessions';

export type SessionSpread = ChallengeSpreadSummary & {
	challengeId: string;
	position: number;
	shortLabel: string;
};

export interface ScreenChallenge {
	challengeId: string;
	position: number;
	name: string;
	shortLabel: string;
	/** Participants of this session who answered it (a level or "don't know"). */
	answered: number;
	revealed: boolean;
}

export interface ScreenState {
	sessionId: string;
	open: boolean;
	code: string;
	displayCode: string;
	pace: SessionPace;
	order: RatingOrder;
	closesAt: string;
	joined: number;
	/** Answers given in the session so far, over every challenge. */
	answers: number;
	/** The challenge on the screen (in both paces), with its place in the framework. */
	current: (ScreenChallenge & { index: number; of: number }) | null;
	challenges: ScreenChallenge[];
	/** The current challenge's spread, only once it has been revealed. */
	spread: SessionSpread | null;
}

/** Answers per challenge from this session's participants, counted in SQL. */
function answeredByChallenge(db: Pick<Db, 'select'>, sessionId: string): Map<string, number> {
	const rows = db
		.select({ challengeId: participantRatings.challengeId, n: count() })
		.from(participantRatings)
		.innerJoin(participants, eq(participants.id, participantRatings.participantId))
		.where(eq(participants.ratingSessionId, sessionId))
		.groupBy(participantRatings.challengeId)
		.all();
	return new Map(rows.map((r) => [r.challengeId, r.n]));
}

/** One challenge's anonymous spread among this session's participants, folded. */
export function sessionSpread(
	db: Pick<Db, 'select'>,
	sessionId: string,
	challenge: { id: string; position: number; shortLabel: string },
	scale: { value: number; name: string }[]
): SessionSpread {
	const rows = db
		.select({
			perspective: participants.perspective,
			level: participantRatings.level,
			dontKnow: participantRatings.dontKnow,
			n: count()
		})
		.from(participantRatings)
		.innerJoin(participants, eq(participants.id, participantRatings.participantId))
		.where(
			and(
				eq(participants.ratingSessionId, sessionId),
				eq(participantRatings.challengeId, challenge.id)
			)
		)
		.groupBy(participants.perspective, participantRatings.level, participantRatings.dontKnow)
		.all();
	const counts: RatingCount[] = [];
	const people = new Map<Perspective, number>();
	for (const row of rows) {
		if (!isPerspective(row.perspective)) continue;
		if (row.level === null && !row.dontKnow) continue;
		counts.push({
			perspective: row.perspective,
			level: row.dontKnow ? null : row.level,
			count: row.n
		});
		people.set(row.perspective, (people.get(row.perspective) ?? 0) + row.n);
	}
	// The room is never those who agree the levels: a lone perspective is always folded.
	const fold = perspectivesToFold(people, false);
	const summary = summariseRatings(foldPerspectives(counts, fold), scale);
	for (const row of summary.spread.byPerspective)
		row.label = perspectiveLabel(row.perspective, fold);
	return {
		challengeId: challenge.id,
		position: challenge.position,
		shortLabel: challenge.shortLabel,
		...summary
	};
}

export function screenState(
	db: Db,
	session: RatingSessionRecord,
	frameworkId: string,
	now = new Date()
): ScreenState {
	const content = frameworkContent(db, frameworkId);
	const answered = answeredByChallenge(db, session.id);
	const revealed = revealedChallenges(db, session.id);
	const list: ScreenChallenge[] = content.challenges.map((c) => ({
		challengeId: c.id,
		position: c.position,
		name: c.name,
		shortLabel: c.shortLabel,
		answered: answered.get(c.id) ?? 0,
		revealed: revealed.has(c.id)
	}));
	const index = list.findIndex((c) => c.challengeId === session.currentChallengeId);
	const current = index >= 0 ? { ...list[index], index, of: list.length } : null;
	const totals = sessionTotals(db, session.id);
	return {
		sessionId: session.id,
		open: sessionIsOpen(session, now),
		code: session.joinCode,
		displayCode: displayJoinCode(session.joinCode),
		pace: session.pace,
		order: ratingOrderOf(db, session.assessmentId),
		closesAt: session.closesAt.toISOString(),
		joined: totals.joined,
		answers: totals.answers,
		current,
		challenges: list,
		spread:
			current && current.revealed
				? sessionSpread(
						db,
						session.id,
						{ id: current.challengeId, position: current.position, shortLabel: current.shortLabel },
						content.scale
					)
				: null
	};
}
