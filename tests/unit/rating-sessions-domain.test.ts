import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import {
	JOIN_CODE_ALPHABET,
	JOIN_CODE_LENGTH,
	displayJoinCode,
	joinCodeFrom,
	normaliseJoinCode,
	sessionIsOpen
} from '$lib/domain/rating-sessions';
import {
	challenges,
	participantRatings,
	participants,
	ratingSessions
} from '$lib/server/db/schema';
import { openedRound, trustWithService } from './helpers/world';

describe('join codes', () => {
	it('are nine characters a room cannot misread, with at least 40 bits of chance', () => {
		expect(JOIN_CODE_LENGTH * Math.log2(JOIN_CODE_ALPHABET.length)).toBeGreaterThanOrEqual(40);
		for (const lookAlike of ['0', 'O', '1', 'I', 'L', '5', 'S', 'U', 'V'])
			expect(JOIN_CODE_ALPHABET).not.toContain(lookAlike);
		const codes = Array.from({ length: 2000 }, () => joinCodeFrom(() => randomBytes(16)));
		for (const code of codes) expect(code).toMatch(/^[ABCDEFGHJKMNPQRTWXYZ2346789]{9}$/);
		expect(new Set(codes).size).toBe(codes.length);
	});

	it('never take a byte past the last whole run of the alphabet, so no character is favoured', () => {
		// 256 % 27 = 13: bytes 243 to 255 would favour the first 13 characters; they are skipped.
		const bytes = [243, 255, 0, 1, 2, 3, 4, 5, 6, 7, 8];
		expect(joinCodeFrom(() => Uint8Array.from(bytes))).toBe('ABCDEFGHJ');
	});

	it('are shown in threes and read back however they are typed, refusing look-alikes', () => {
		expect(displayJoinCode('ABCDEFGHJ')).toBe('ABC-DEF-GHJ');
		expect(normaliseJoinCode(' abc-def ghj ')).toBe('ABCDEFGHJ');
		expect(normaliseJoinCode('ABC-DEF-GH')).toBeNull();
		expect(normaliseJoinCode('ABC-DEF-GHO')).toBeNull();
		expect(normaliseJoinCode('ABC-DEF-GH0')).toBeNull();
		expect(normaliseJoinCode('')).toBeNull();
	});
});

describe('a rating session', () => {
	it('is open until it is closed or its time is up, whichever comes first', () => {
		const start = new Date('2026-12-01T10:00:00Z');
		const closesAt = new Date('2026-12-01T14:00:00Z');
		expect(sessionIsOpen({ closedAt: null, closesAt }, start)).toBe(true);
		expect(sessionIsOpen({ closedAt: null, closesAt }, closesAt)).toBe(false);
		expect(sessionIsOpen({ closedAt: start, closesAt }, start)).toBe(false);
	});
});

describe('participants in the database', () => {
	function world() {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026 recovery audit', '2026-04-01');
		const now = new Date('2026-12-01T10:00:00Z');
		w.db
			.insert(ratingSessions)
			.values({
				id: 'session-1',
				assessmentId: assessment.id,
				joinCode: 'ABCDEFGHJ',
				pace: 'together',
				startedAt: now,
				closesAt: new Date(now.getTime() + 60_000)
			})
			.run();
		const challengeId = w.db.select({ id: challenges.id }).from(challenges).get()!.id;
		return { ...w, assessmentId: assessment.id, now, challengeId };
	}

	it('come from a session with a secret, or from paper with neither', () => {
		const w = world();
		const base = { assessmentId: w.assessmentId, perspective: 'carer' as const, createdAt: w.now };
		const insert = (values: Partial<typeof participants.$inferInsert>) => () =>
			w.db
				.insert(participants)
				.values({ id: crypto.randomUUID(), source: 'paper', ...base, ...values })
				.run();
		expect(
			insert({ source: 'session', ratingSessionId: 'session-1', secretHash: Buffer.alloc(32) })
		).not.toThrow();
		expect(insert({ source: 'paper' })).not.toThrow();
		expect(insert({ source: 'session', secretHash: Buffer.alloc(32) })).toThrow(/CHECK/);
		expect(insert({ source: 'session', ratingSessionId: 'session-1' })).toThrow(/CHECK/);
		expect(insert({ source: 'paper', secretHash: Buffer.alloc(32) })).toThrow(/CHECK/);
		expect(insert({ source: 'paper', ratingSessionId: 'session-1' })).toThrow(/CHECK/);
		expect(
			insert({ source: 'paper', ratingSessionId: 'no-such-session', secretHash: Buffer.alloc(32) })
		).toThrow();
		expect(w.db.select().from(participants).all()).toHaveLength(2);
	});

	it('answer a level or "don\'t know", never both; a join code is never used twice', () => {
		const w = world();
		w.db
			.insert(participants)
			.values({
				id: 'p1',
				assessmentId: w.assessmentId,
				source: 'paper',
				perspective: 'staff',
				createdAt: w.now
			})
			.run();
		const rate = (values: Partial<typeof participantRatings.$inferInsert>) => () =>
			w.db
				.insert(participantRatings)
				.values({ participantId: 'p1', challengeId: w.challengeId, updatedAt: w.now, ...values })
				.onConflictDoNothing()
				.run();
		expect(rate({ level: 2, dontKnow: true })).toThrow(/CHECK/);
		expect(rate({ level: null, dontKnow: true })).not.toThrow();
		expect(
			w.db.select().from(participantRatings).where(eq(participantRatings.participantId, 'p1')).all()
		).toHaveLength(1);
		expect(() =>
			w.db
				.insert(ratingSessions)
				.values({
					id: 'session-2',
					assessmentId: w.assessmentId,
					joinCode: 'ABCDEFGHJ',
					pace: 'own_pace',
					startedAt: w.now,
					closesAt: new Date(w.now.getTime() + 60_000)
				})
				.run()
		).toThrow(/UNIQUE/);
	});
});
