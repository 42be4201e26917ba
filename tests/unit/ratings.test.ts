import type { Role } from '$lib/domain/roles';
import { describe, expect, it, vi } from 'vitest';
import { count, eq, sql } from 'drizzle-orm';
import { createOrganisation } from '$lib/server/organisations';
import { createService } from '$lib/server/services';
import { closeRound, openRound } from '$lib/server/rounds/transitions';
import { createRound } from '$lib/server/rounds/form';
import { roundParticipants } from '$lib/server/rounds/progress';
import { getAssessment } from '$lib/server/assessments/queries';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { personFor } from '$lib/server/users';
import * as audit from '$lib/server/audit/record';
import { addRater, listRaters, possibleRaters, raterOf } from '$lib/server/ratings/raters';
import { ownRatings, saveRatings, type RatingAnswer } from '$lib/server/ratings/answers';
import { ratingSpread } from '$lib/server/ratings/spread';
import { seesOthersRatings } from '$lib/domain/ratings';
import {
	assessmentRaters,
	auditEvents,
	frameworks,
	memberships,
	ratings
} from '$lib/server/db/schema';
import { newId } from '$lib/server/ids';
import { freshDb, insertUser, platformAdmin } from './helpers/db';
import type { Db } from '$lib/server/db/client';

function world() {
	const db = freshDb();
	const admin = platformAdmin(db);
	const organisationId = createOrganisation(db, admin, {
		name: 'Northmoor Trust',
		odsCode: '',
		groupingLabel: 'Directorate'
	});
	const lead = personFor(db, { id: admin.id, email: '', name: '', isPlatformAdmin: true });
	const service = createService(db, lead, organisationId, {
		name: 'Ashford CMHT',
		type: 'Community mental health team'
	});
	const other = createService(db, lead, organisationId, {
		name: 'Willow Ward',
		type: 'Acute inpatient ward'
	});
	if (!service.ok || !other.ok) throw new Error('service not created');
	const frameworkId = db.select().from(frameworks).get()!.id;
	const round = createRound(db, lead, organisationId, {
		title: 'Spring 2026',
		frameworkId,
		serviceIds: [service.id],
		periodStart: '2026-01-01',
		periodEnd: '2026-06-30'
	});
	if (!round.ok) throw new Error(round.message);
	expect(openRound(db, lead, organisationId, round.id)).toEqual({ ok: true });
	const assessmentId = roundParticipants(db, round.id)[0].assessmentId!;
	const assessment = getAssessment(db, organisationId, round.id, assessmentId)!;
	const content = frameworkContent(db, frameworkId);
	return {
		db,
		lead,
		organisationId,
		serviceId: service.id,
		otherServiceId: other.id,
		roundId: round.id,
		assessment,
		content
	};
}

type World = ReturnType<typeof world>;

/** A person with a role, as the people pages would give it. */
function member(w: World, name: string, role: Role, serviceId: string | null) {
	const user = insertUser(w.db, { name });
	w.db
		.insert(memberships)
		.values({
			id: newId(),
			userId: user.id,
			organisationId: w.organisationId,
			serviceId,
			role,
			createdAt: new Date()
		})
		.run();
	return personFor(w.db, { id: user.id, email: user.email, name, isPlatformAdmin: false });
}

function invitedRater(w: World, name: string) {
	const person = member(w, name, 'rater', w.serviceId);
	expect(addRater(w.db, w.lead, w.assessment, person.id)).toEqual({ ok: true });
	return person;
}

const answersFor = (
	w: World,
	choice: (position: number) => RatingAnswer['choice'],
	upTo = Infinity
): RatingAnswer[] =>
	w.content.challenges
		.filter((c) => c.position <= upTo)
		.map((c) => ({ challengeId: c.id, choice: choice(c.position), comment: '' }));

const auditCount = (db: Db) => db.select({ n: count() }).from(auditEvents).get()!.n;

describe('adding raters', () => {
	it('adds people with a role in the service or across the organisation, once each, with an audit event', () => {
		const w = world();
		const inService = member(w, 'Dan Evans', 'rater', w.serviceId);
		const orgViewer = member(w, 'Olu Viewer', 'viewer', null);
		const elsewhere = member(w, 'Wendy Willow', 'rater', w.otherServiceId);
		const facilitator = member(w, 'Fay Facilitator', 'facilitator', null);
		const stranger = insertUser(w.db, { name: 'Nobody' });

		const choices = possibleRaters(w.db, w.organisationId, w.assessment).map((p) => p.name);
		expect(choices).toContain('Dan Evans');
		expect(choices).toContain('Olu Viewer');
		expect(choices).not.toContain('Wendy Willow');
		expect(choices).not.toContain('Fay Facilitator');

		expect(addRater(w.db, w.lead, w.assessment, inService.id)).toEqual({ ok: true });
		expect(addRater(w.db, w.lead, w.assessment, orgViewer.id)).toEqual({ ok: true });
		for (const refused of [elsewhere.id, facilitator.id, stranger.id]) {
			expect(addRater(w.db, w.lead, w.assessment, refused)).toMatchObject({
				ok: false,
				status: 400
			});
		}
		expect(addRater(w.db, w.lead, w.assessment, inService.id)).toMatchObject({
			ok: false,
			status: 409,
			message: 'This person is already a rater'
		});

		expect(listRaters(w.db, w.assessment.id)).toEqual([
			expect.objectContaining({ name: 'Dan Evans', perspective: null, submittedAt: null }),
			expect.objectContaining({ name: 'Olu Viewer', perspective: null, submittedAt: null })
		]);
		expect(raterOf(w.db, w.assessment.id, stranger.id)).toBeUndefined();
		const events = w.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'rater.added'))
			.all();
		expect(events).toHaveLength(2);
		expect(events[0]).toMatchObject({
			userId: w.lead.id,
			serviceId: w.serviceId,
			entityId: `${w.assessment.id}/${inService.id}`
		});
	});
});

describe('saving and submitting ratings', () => {
	it('saves part-way, returns to it, refuses to submit with gaps (changing nothing), then submits', () => {
		const w = world();
		const dan = invitedRater(w, 'Dan Evans');

		expect(
			saveRatings(w.db, dan, w.assessment, {
				perspective: 'staff',
				answers: answersFor(w, () => 2, 3)
			})
		).toEqual({ ok: true });
		expect(raterOf(w.db, w.assessment.id, dan.id)?.perspective).toBe('staff');
		expect(ownRatings(w.db, w.assessment.id, dan.id)).toHaveLength(3);

		// Coming back later: change one answer and add a comment; the others stay.
		const first = w.content.challenges[0].id;
		expect(
			saveRatings(w.db, dan, w.assessment, {
				answers: [{ challengeId: first, choice: 'dont-know', comment: 'Not sure yet' }]
			})
		).toEqual({ ok: true });
		const saved = new Map(ownRatings(w.db, w.assessment.id, dan.id).map((r) => [r.challengeId, r]));
		expect(saved.get(first)).toMatchObject({
			level: null,
			dontKnow: true,
			comment: 'Not sure yet'
		});
		expect(saved.size).toBe(3);

		const before = auditCount(w.db);
		const last = w.content.challenges.at(-1)!;
		const refused = saveRatings(
			w.db,
			dan,
			w.assessment,
			{ answers: [{ challengeId: last.id, choice: 4, comment: '' }] },
			{ submit: true }
		);
		expect(refused).toMatchObject({ ok: false, status: 400 });
		if (!refused.ok)
			expect(Object.keys(refused.errors)).toHaveLength(w.content.challenges.length - 4);
		// The answer sent with the refused submission was not kept either.
		expect(ownRatings(w.db, w.assessment.id, dan.id)).toHaveLength(3);
		expect(auditCount(w.db)).toBe(before);
		expect(raterOf(w.db, w.assessment.id, dan.id)?.submittedAt).toBeNull();

		const now = new Date('2026-03-01T10:00:00Z');
		expect(
			saveRatings(
				w.db,
				dan,
				w.assessment,
				{ answers: answersFor(w, () => 3) },
				{ submit: true, now }
			)
		).toEqual({ ok: true });
		expect(raterOf(w.db, w.assessment.id, dan.id)?.submittedAt).toEqual(now);
		const events = w.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.userId, dan.id))
			.orderBy(sql`rowid`)
			.all();
		expect(events.map((e) => e.action)).toEqual([
			'ratings.saved',
			'ratings.saved',
			'ratings.submitted'
		]);
		expect(JSON.stringify(events)).not.toContain('Not sure yet');
	});

	it('submitting needs a perspective as well as every answer', () => {
		const w = world();
		const dan = invitedRater(w, 'Dan Evans');
		const result = saveRatings(
			w.db,
			dan,
			w.assessment,
			{ answers: answersFor(w, () => 'dont-know') },
			{ submit: true }
		);
		expect(result).toMatchObject({
			ok: false,
			status: 400,
			errors: { perspective: 'Select the perspective you are rating from' }
		});
		expect(ownRatings(w.db, w.assessment.id, dan.id)).toHaveLength(0);
	});

	it('a second submission is refused (409) and changes nothing', () => {
		const w = world();
		const dan = invitedRater(w, 'Dan Evans');
		expect(
			saveRatings(
				w.db,
				dan,
				w.assessment,
				{ perspective: 'staff', answers: answersFor(w, () => 2) },
				{ submit: true }
			)
		).toEqual({ ok: true });
		const ratingsBefore = w.db.select().from(ratings).all();
		const raterBefore = w.db.select().from(assessmentRaters).all();
		const eventsBefore = auditCount(w.db);

		for (const submit of [true, false]) {
			expect(
				saveRatings(
					w.db,
					dan,
					w.assessment,
					{ perspective: 'carer', answers: answersFor(w, () => 4) },
					{ submit }
				)
			).toEqual({
				ok: false,
				status: 409,
				message: 'You have already submitted your ratings',
				errors: {}
			});
		}
		expect(w.db.select().from(ratings).all()).toEqual(ratingsBefore);
		expect(w.db.select().from(assessmentRaters).all()).toEqual(raterBefore);
		expect(auditCount(w.db)).toBe(eventsBefore);
	});

	it('refuses in a closed round, and adding raters there too', () => {
		const w = world();
		const dan = invitedRater(w, 'Dan Evans');
		const later = member(w, 'Lara Late', 'rater', w.serviceId);
		expect(closeRound(w.db, w.lead, w.organisationId, w.roundId)).toEqual({ ok: true });
		expect(
			saveRatings(w.db, dan, w.assessment, {
				perspective: 'staff',
				answers: answersFor(w, () => 2)
			})
		).toMatchObject({
			ok: false,
			status: 409,
			message: 'This round is closed, so its scores can no longer change.'
		});
		expect(addRater(w.db, w.lead, w.assessment, later.id)).toMatchObject({
			ok: false,
			status: 409
		});
		expect(ownRatings(w.db, w.assessment.id, dan.id)).toHaveLength(0);
	});

	it('refuses a level off the scale, an unknown perspective and an over-long comment', () => {
		const w = world();
		const dan = invitedRater(w, 'Dan Evans');
		const first = w.content.challenges[0].id;
		expect(
			saveRatings(w.db, dan, w.assessment, {
				answers: [{ challengeId: first, choice: 7, comment: '' }]
			})
		).toMatchObject({
			ok: false,
			status: 400,
			errors: { level: expect.any(String) }
		});
		expect(
			saveRatings(w.db, dan, w.assessment, { perspective: 'boss', answers: [] })
		).toMatchObject({ ok: false, errors: { perspective: expect.any(String) } });
		expect(
			saveRatings(w.db, dan, w.assessment, {
				answers: [{ challengeId: first, choice: 2, comment: 'x'.repeat(2001) }]
			})
		).toMatchObject({
			ok: false,
			errors: { comment: 'Your comment must be 2,000 characters or fewer' }
		});
		expect(
			saveRatings(w.db, dan, w.assessment, {
				answers: [{ challengeId: first, choice: 2, comment: 'x'.repeat(2000) }]
			})
		).toEqual({ ok: true });
		expect(
			saveRatings(w.db, dan, w.assessment, {
				answers: [{ challengeId: 'not-a-challenge', choice: 2, comment: '' }]
			})
		).toMatchObject({ ok: false, status: 400 });
	});

	it('refuses a person who was not invited to rate, as not found', () => {
		const w = world();
		const notInvited = member(w, 'Nia Notinvited', 'rater', w.serviceId);
		expect(
			saveRatings(w.db, notInvited, w.assessment, {
				perspective: 'staff',
				answers: answersFor(w, () => 2)
			})
		).toMatchObject({ ok: false, status: 404 });
		expect(
			saveRatings(w.db, w.lead, w.assessment, {
				perspective: 'staff',
				answers: answersFor(w, () => 2)
			})
		).toMatchObject({ ok: false, status: 404 });
		expect(w.db.select().from(ratings).all()).toHaveLength(0);
	});

	it('writes the audit event in the same transaction as the change', () => {
		const w = world();
		const dan = invitedRater(w, 'Dan Evans');
		const spy = vi.spyOn(audit, 'recordAuditEvent').mockImplementationOnce(() => {
			throw new Error('audit store unavailable');
		});
		expect(() =>
			saveRatings(w.db, dan, w.assessment, {
				perspective: 'staff',
				answers: answersFor(w, () => 2)
			})
		).toThrow('audit store unavailable');
		spy.mockRestore();
		// The failed event took the ratings and the perspective with it.
		expect(ownRatings(w.db, w.assessment.id, dan.id)).toHaveLength(0);
		expect(raterOf(w.db, w.assessment.id, dan.id)?.perspective).toBeNull();
	});
});

describe('the spread and who may see it', () => {
	it('counts only submitted ratings, by challenge, perspective and level, with the flags', () => {
		const w = world();
		const staff = invitedRater(w, 'Sam Staff');
		const manager = invitedRater(w, 'Mo Manager');
		const user = invitedRater(w, 'Uma User');
		const drafter = invitedRater(w, 'Dee Draft');

		expect(seesOthersRatings(raterOf(w.db, w.assessment.id, staff.id))).toBe(false);
		saveRatings(
			w.db,
			staff,
			w.assessment,
			{ perspective: 'staff', answers: answersFor(w, (p) => (p === 1 ? 4 : 3)) },
			{ submit: true }
		);
		saveRatings(
			w.db,
			manager,
			w.assessment,
			{ perspective: 'team_manager', answers: answersFor(w, (p) => (p === 1 ? 4 : 'dont-know')) },
			{ submit: true }
		);
		saveRatings(
			w.db,
			user,
			w.assessment,
			{ perspective: 'person_using_service', answers: answersFor(w, () => 1) },
			{ submit: true }
		);
		saveRatings(w.db, drafter, w.assessment, {
			perspective: 'carer',
			answers: answersFor(w, () => 1)
		});
		expect(seesOthersRatings(raterOf(w.db, w.assessment.id, staff.id))).toBe(true);
		expect(seesOthersRatings(raterOf(w.db, w.assessment.id, drafter.id))).toBe(false);

		const result = ratingSpread(w.db, w.assessment.id, { agreesLevels: true });
		expect(result.scale.map((l) => l.value)).toEqual([1, 2, 3, 4]);
		expect(result.challenges).toHaveLength(10);
		const [first, second] = result.challenges;
		expect(first.spread.counts).toEqual([1, 0, 0, 2]);
		expect(first.spread.byPerspective.map((p) => [p.perspective, p.counts, p.dontKnow])).toEqual([
			['staff', [0, 0, 0, 1], 0],
			['team_manager', [0, 0, 0, 1], 0],
			['person_using_service', [1, 0, 0, 0], 0]
		]);
		expect(first.median).toEqual({ kind: 'level', level: 4 });
		expect(first.disagreement).toEqual({ wide: true, usersRateLower: true });

		expect(second.spread.counts).toEqual([1, 0, 1, 0]);
		expect(second.spread.dontKnow).toBe(1);
		expect(second.median).toEqual({ kind: 'between', low: 1, high: 3 });
		// The draft carer's ratings are nowhere in the spread.
		expect(
			result.challenges.every((c) => !c.spread.byPerspective.some((p) => p.perspective === 'carer'))
		).toBe(true);
	});

	it('folds a perspective fewer than 3 people rated from into "other perspectives", except for the lead', () => {
		const w = world();
		const staff = ['Sam', 'Sue', 'Sid'].map((name) => invitedRater(w, `${name} Staff`));
		const carer = invitedRater(w, 'Cara Carer');
		const user = invitedRater(w, 'Uma User');
		for (const person of staff)
			saveRatings(
				w.db,
				person,
				w.assessment,
				{ perspective: 'staff', answers: answersFor(w, () => 3) },
				{ submit: true }
			);
		saveRatings(
			w.db,
			carer,
			w.assessment,
			{ perspective: 'carer', answers: answersFor(w, () => 1) },
			{ submit: true }
		);
		saveRatings(
			w.db,
			user,
			w.assessment,
			{ perspective: 'person_using_service', answers: answersFor(w, () => 2) },
			{ submit: true }
		);

		const forLead = ratingSpread(w.db, w.assessment.id, { agreesLevels: true }).challenges[0];
		expect(forLead.spread.byPerspective.map((p) => [p.label, p.counts])).toEqual([
			['Staff member', [0, 0, 3, 0]],
			['Person using the service', [0, 1, 0, 0]],
			['Carer, family member or supporter', [1, 0, 0, 0]]
		]);
		expect(forLead.disagreement.usersRateLower).toBe(true);

		const forRater = ratingSpread(w.db, w.assessment.id, { agreesLevels: false }).challenges[0];
		expect(forRater.spread.byPerspective.map((p) => [p.label, p.counts])).toEqual([
			['Staff member', [0, 0, 3, 0]],
			['Other perspectives', [1, 1, 0, 0]]
		]);
		expect(JSON.stringify(forRater)).not.toMatch(/carer|person_using_service/);
		// The whole team's spread and median are the same for everyone.
		expect(forRater.spread.counts).toEqual(forLead.spread.counts);
		expect(forRater.median).toEqual(forLead.median);
		expect(forRater.disagreement.usersRateLower).toBe(false);
	});
});
