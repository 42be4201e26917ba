// Co-production in the room: people without an account rate as participants, live on their
// phones in a rating session or on a paper sheet someone enters for them. Pure: no I/O.

import { MIN_PEOPLE_PER_PERSPECTIVE, type Perspective } from './ratings';

/** How the room rates: privately first and then see the spread (the default), or talk first. */
export const RATING_ORDERS = ['rate_first', 'discuss_first'] as const;
export type RatingOrder = (typeof RATING_ORDERS)[number];

export const RATING_ORDER_LABELS: Record<RatingOrder, string> = {
	rate_first: 'Rate privately first, then see the spread and discuss',
	discuss_first: 'Discuss first, then each person records their own view'
};

/**
 * The perspectives a participant chooses from: a rater's, without "Other", which is where the
 * perspectives too small to show are folded.
 */
export const PARTICIPANT_PERSPECTIVES = [
	'staff',
	'team_manager',
	'peer_support_worker',
	'person_using_service',
	'carer'
] as const satisfies readonly Perspective[];

/** What the room does first, as the screen and every phone say it. */
export const RATING_ORDER_STEPS: Record<RatingOrder, string> = {
	rate_first: 'Record your own view first; the spread is shown after.',
	discuss_first: 'Talk it through together first, then record your own view.'
};

/** Whether the room moves through the challenges together, or each person at their own pace. */
export const SESSION_PACES = ['together', 'own_pace'] as const;
export type SessionPace = (typeof SESSION_PACES)[number];

export const SESSION_PACE_LABELS: Record<SessionPace, string> = {
	together: 'Together: the facilitator moves the room from challenge to challenge',
	own_pace: 'At their own pace: each person goes through the challenges on their phone'
};

/** Where a participant's ratings came from. */
export const PARTICIPANT_SOURCES = ['session', 'paper'] as const;
export type ParticipantSource = (typeof PARTICIPANT_SOURCES)[number];

/**
 * Who wrote a participant's comment, as far as anyone is told: their perspective (as shown to
 * the reader, so perhaps "Other perspectives") and where they rated, never who they are.
 */
export const participantCommentFrom = (perspectiveLabel: string, source: ParticipantSource) =>
	`${perspectiveLabel}, ${source === 'paper' ? 'on paper' : 'in the room'}`;

/** A rating session ends when it is closed, or after this long at most. */
export const SESSION_MAX_LENGTH_MS = 4 * 60 * 60 * 1000;
/** Participants a session takes at most. */
export const MAX_PARTICIPANTS_PER_SESSION = 60;
/**
 * Below this many people, a perspective's ratings are folded into "other perspectives": the same
 * rule as for raters (`perspectivesToFold`), said to participants in these words.
 */
export const SMALLEST_PERSPECTIVE_SHOWN = MIN_PEOPLE_PER_PERSPECTIVE;

/**
 * Join codes: letters and digits that cannot be mistaken for each other when read off a projected
 * screen (no 0/O, 1/I/L, 5/S, U/V), nine of them: 27^9 ≈ 2^42.8, over the 40 bits an open code
 * must have to resist guessing, and typed in three groups of three.
 */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRTWXYZ2346789';
export const JOIN_CODE_LENGTH = 9;

/** A join code from random bytes (at least JOIN_CODE_LENGTH of them), without modulo bias. */
export function joinCodeFrom(randomBytes: () => Uint8Array): string {
	const size = JOIN_CODE_ALPHABET.length;
	const limit = 256 - (256 % size);
	let code = '';
	while (code.length < JOIN_CODE_LENGTH) {
		for (const byte of randomBytes()) {
			if (byte >= limit) continue;
			code += JOIN_CODE_ALPHABET[byte % size];
			if (code.length === JOIN_CODE_LENGTH) break;
		}
	}
	return code;
}

/** The code as shown and read aloud: ABC-DEF-GHJ. */
export const displayJoinCode = (code: string) => code.match(/.{1,3}/g)!.join('-');

/**
 * The code as typed: case, spaces and hyphens do not matter; a character the alphabet leaves out
 * (O, 0, I, 1…) is refused rather than guessed at. Null when it cannot be a code.
 */
export function normaliseJoinCode(typed: string): string | null {
	const code = typed.replace(/[\s-]/g, '').toUpperCase();
	if (code.length !== JOIN_CODE_LENGTH) return null;
	for (const character of code) if (!JOIN_CODE_ALPHABET.includes(character)) return null;
	return code;
}

/** Whether a session still takes answers at `now`. */
export function sessionIsOpen(
	session: { closedAt: Date | null; closesAt: Date },
	now: Date
): boolean {
	return session.closedAt === null && now.getTime() < session.closesAt.getTime();
}
