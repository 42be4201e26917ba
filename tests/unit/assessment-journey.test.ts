import { agreedScoreField } from '$lib/forms/field-names';
import { describe, expect, it } from 'vitest';
import { count, desc, eq } from 'drizzle-orm';
import { createOrganisation } from '$lib/server/organisations';
import { closeRound } from '$lib/server/rounds/transitions';
import { createRound } from '$lib/server/rounds/form';
import {
	agreedScoresFor,
	getAssessment,
	previousAgreedScores,
	prioritiesFor,
	scoreFingerprints,
	teamResourcesFor
} from '$lib/server/assessments/queries';
import { MAX_EVIDENCE_LENGTH, parseAssessmentForm } from '$lib/server/assessments/form';
import { saveAssessment } from '$lib/server/assessments/save';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { serviceProgress } from '$lib/server/progress';
import { agreedScores, assessments, auditEvents } from '$lib/server/db/schema';
import { openedRound, trustWithService, type TrustWithService } from './helpers/world';
import type { Db } from '$lib/server/db/client';
import type { Person } from '$lib/server/access/policy';

/** The form as a person fills it in from the page as it now stands (its revisions and fingerprints). */
function filledForm(
	db: Db,
	frameworkId: string,
	level: (position: number) => string,
	evidence = 'Seen in care plans'
) {
	const form = new FormData();
	const challenges = frameworkContent(db, frameworkId).challenges;
	const assessmentId =
		db.select({ id: assessments.id }).from(assessments).orderBy(desc(assessments.createdAt)).get()
			?.id ?? '';
	const fingerprints = scoreFingerprints(
		db,
		assessmentId,
		challenges.map((c) => c.id)
	);
	const revisions = new Map(
		agreedScoresFor(db, assessmentId).map((s) => [s.challengeId, s.revision])
	);
	for (const c of challenges) {
		form.set(agreedScoreField.revision(c.id), String(revisions.get(c.id) ?? 0));
		form.set(agreedScoreField.original(c.id), fingerprints[c.id]);
		form.set(agreedScoreField.level(c.id), level(c.position));
		form.set(agreedScoreField.evidence(c.id), evidence);
	}
	return form;
}

function save(
	w: TrustWithService,
	person: Person,
	assessment: NonNullable<ReturnType<typeof getAssessment>>,
	form: FormData,
	complete = false
) {
	const parsed = parseAssessmentForm(form, frameworkContent(w.db, w.frameworkId));
	if (!parsed.ok) return { ok: false as const, errors: parsed.errors };
	return saveAssessment(w.db, person, assessment, w.organisationId, parsed.input, { complete });
}

describe('one assessment journey', () => {
	it('saves part-way, refuses to complete with gaps (writing nothing), then completes', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');

		const partial = filledForm(w.db, w.frameworkId, (p) => (p <= 3 ? '2' : ''));
		expect(save(w, w.person, assessment, partial)).toEqual({ ok: true });
		expect(agreedScoresFor(w.db, assessment.id).filter((s) => s.level !== null)).toHaveLength(3);

		const eventsBefore = w.db.select({ n: count() }).from(auditEvents).get()!.n;
		const stillPartial = filledForm(w.db, w.frameworkId, (p) => (p <= 5 ? '3' : ''));
		const refused = save(w, w.person, assessment, stillPartial, true);
		expect(refused.ok).toBe(false);
		if (!refused.ok) expect(Object.keys(refused.errors)).toHaveLength(5);
		expect(agreedScoresFor(w.db, assessment.id).filter((s) => s.level === 3)).toHaveLength(0);
		expect(w.db.select({ n: count() }).from(auditEvents).get()!.n).toBe(eventsBefore);

		const full = filledForm(w.db, w.frameworkId, (p) => String(1 + (p % 4)));
		expect(save(w, w.person, assessment, full, true)).toEqual({ ok: true });
		expect(
			w.db.select().from(assessments).where(eq(assessments.id, assessment.id)).get()?.status
		).toBe('complete');
	});

	it('rejects a level that is not on the scale and over-long evidence, saving nothing', () => {
		const w = trustWithService();
		openedRound(w, 'Spring 2026', '2026-01-01');
		const form = filledForm(w.db, w.frameworkId, (p) => (p === 1 ? '9' : '2'));
		const first = frameworkContent(w.db, w.frameworkId).challenges[1];
		form.set(agreedScoreField.evidence(first.id), 'x'.repeat(MAX_EVIDENCE_LENGTH + 1));
		const parsed = parseAssessmentForm(form, frameworkContent(w.db, w.frameworkId));
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) {
			expect(Object.values(parsed.errors).join(' ')).toMatch(
				/Select one of the levels shown for Day-to-day interactions/
			);
			expect(parsed.errors[agreedScoreField.evidence(first.id)]).toMatch(
				/10,000 characters or fewer/
			);
		}
		expect(w.db.select({ n: count() }).from(agreedScores).get()!.n).toBe(0);
	});

	it('locks the scores once the round is closed', () => {
		const w = trustWithService();
		const { roundId, assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		expect(closeRound(w.db, w.person, w.organisationId, roundId)).toEqual({ ok: true });
		const result = save(
			w,
			w.person,
			assessment,
			filledForm(w.db, w.frameworkId, () => '2')
		);
		expect(result).toMatchObject({ ok: false, status: 409 });
		expect(w.db.select({ n: count() }).from(agreedScores).get()!.n).toBe(0);
	});

	it('does not find an assessment through another organisation or round', () => {
		const w = trustWithService();
		const { roundId, assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		const otherOrg = createOrganisation(w.db, w.person, {
			name: 'Other Trust',
			odsCode: '',
			groupingLabel: 'Locality'
		});
		expect(getAssessment(w.db, otherOrg, roundId, assessment.id)).toBeUndefined();
		expect(getAssessment(w.db, w.organisationId, 'not-a-round', assessment.id)).toBeUndefined();
	});

	it('charts completed rounds only, oldest first, one line per challenge', () => {
		const w = trustWithService();
		const spring = openedRound(w, 'Spring 2026', '2026-01-01');
		save(
			w,
			w.person,
			spring.assessment,
			filledForm(w.db, w.frameworkId, () => '1'),
			true
		);
		const autumn = openedRound(w, 'Autumn 2026', '2026-07-01');
		expect(serviceProgress(w.db, w.serviceId)[0].rounds.map((r) => r.title)).toEqual([
			'Spring 2026'
		]);
		save(
			w,
			w.person,
			autumn.assessment,
			filledForm(w.db, w.frameworkId, (p) => (p === 1 ? '3' : '2')),
			true
		);

		const [progress] = serviceProgress(w.db, w.serviceId);
		expect(progress.rounds.map((r) => r.title)).toEqual(['Spring 2026', 'Autumn 2026']);
		expect(progress.rows).toHaveLength(10);
		expect(progress.rows[0].levels).toEqual([1, 3]);
		expect(progress.rows[1].levels).toEqual([1, 2]);
	});

	it('writes an audit event with each change, in the same transaction', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		const form = filledForm(w.db, w.frameworkId, (p) => (p === 1 ? '2' : ''), '');
		form.set(
			agreedScoreField.evidence(frameworkContent(w.db, w.frameworkId).challenges[0].id),
			'Seen in care plans'
		);
		save(w, w.person, assessment, form);
		const events = w.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'agreed_score.created'))
			.all();
		expect(events).toHaveLength(1);
		expect(events[0].after).toMatchObject({ level: 2, evidence: 'Seen in care plans' });
	});

	it('refuses a round with a service from another organisation, creating nothing', () => {
		const w = trustWithService();
		const other = createOrganisation(w.db, w.person, {
			name: 'Other Trust',
			odsCode: '',
			groupingLabel: 'Locality'
		});
		const result = createRound(w.db, w.person, other, {
			title: 'Sneaky',
			frameworkId: w.frameworkId,
			serviceIds: [w.serviceId],
			periodStart: '2026-01-01',
			periodEnd: '2026-06-30'
		});
		expect(result).toMatchObject({ ok: false, field: 'serviceIds' });
	});
});

/** The form as the page renders it for this assessment now: saved values and their revisions. */
function formFromSaved(w: TrustWithService, assessmentId: string) {
	const form = new FormData();
	const challengeIds = frameworkContent(w.db, w.frameworkId).challenges.map((c) => c.id);
	const fingerprints = scoreFingerprints(w.db, assessmentId, challengeIds);
	for (const id of challengeIds) form.set(agreedScoreField.original(id), fingerprints[id]);
	for (const score of agreedScoresFor(w.db, assessmentId)) {
		if (score.level !== null)
			form.set(agreedScoreField.level(score.challengeId), String(score.level));
		form.set(agreedScoreField.evidence(score.challengeId), score.evidence);
		form.set(agreedScoreField.revision(score.challengeId), String(score.revision));
	}
	return form;
}

describe('agreeing with others at the same time', () => {
	it('refuses the second of two saves made from the same starting point, and shows the other change', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		const [first] = frameworkContent(w.db, w.frameworkId).challenges;
		expect(
			save(
				w,
				w.person,
				assessment,
				filledForm(w.db, w.frameworkId, (p) => (p === 1 ? '1' : ''), '')
			)
		).toEqual({ ok: true });

		const aliceForm = formFromSaved(w, assessment.id);
		const bobForm = formFromSaved(w, assessment.id);
		aliceForm.set(agreedScoreField.level(first.id), '3');
		aliceForm.set(agreedScoreField.evidence(first.id), 'Alice saw it in care plans');
		bobForm.set(agreedScoreField.level(first.id), '2');

		expect(save(w, w.person, assessment, aliceForm)).toEqual({ ok: true });
		const refused = save(w, w.person, assessment, bobForm);
		expect(refused).toMatchObject({ ok: false, status: 409 });
		if (!refused.ok && 'conflicts' in refused) {
			expect(refused.conflicts).toEqual([
				expect.objectContaining({
					challengeId: first.id,
					level: 3,
					evidence: 'Alice saw it in care plans'
				})
			]);
			expect(refused.revisions?.[first.id]).toBe(2);
		}
		expect(
			agreedScoresFor(w.db, assessment.id).find((s) => s.challengeId === first.id)?.level
		).toBe(3);

		// Seeing the other change, Bob saves again from the latest version and his choice stands.
		bobForm.set(agreedScoreField.revision(first.id), '2');
		if (!refused.ok && 'originals' in refused)
			bobForm.set(agreedScoreField.original(first.id), refused.originals![first.id]);
		expect(save(w, w.person, assessment, bobForm)).toEqual({ ok: true });
		expect(
			agreedScoresFor(w.db, assessment.id).find((s) => s.challengeId === first.id)?.level
		).toBe(2);
	});

	it('refuses a form whose revisions were tampered with, changing nothing, and says how to go on', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		const [first, second] = frameworkContent(w.db, w.frameworkId).challenges;
		const eventsBefore = w.db.select({ n: count() }).from(auditEvents).get()!.n;

		for (const revision of ['7', 'not-a-number', '-1', '1e3']) {
			const form = formFromSaved(w, assessment.id);
			form.set(agreedScoreField.level(first.id), '2');
			form.set(agreedScoreField.level(second.id), '3');
			form.set(agreedScoreField.revision(first.id), revision);
			const refused = save(w, w.person, assessment, form);
			expect(refused).toMatchObject({ ok: false, status: 400 });
			if (!refused.ok && 'message' in refused) {
				expect(refused.message).toMatch(/Nothing has been saved/);
			}
		}
		expect(w.db.select({ n: count() }).from(agreedScores).get()!.n).toBe(0);
		expect(w.db.select({ n: count() }).from(auditEvents).get()!.n).toBe(eventsBefore);
	});

	it('lets two people change different challenges without refusing either', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		const [first, second] = frameworkContent(w.db, w.frameworkId).challenges;
		const a = formFromSaved(w, assessment.id);
		const b = formFromSaved(w, assessment.id);
		a.set(agreedScoreField.level(first.id), '2');
		b.set(agreedScoreField.level(second.id), '3');
		expect(save(w, w.person, assessment, a)).toEqual({ ok: true });
		expect(save(w, w.person, assessment, b)).toEqual({ ok: true });
	});
});

describe('the team recovery implementation plan', () => {
	it('records resources and up to three different priorities, in order', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		const challenges = frameworkContent(w.db, w.frameworkId).challenges;
		const form = new FormData();
		form.set('teamResources', 'Two peer workers; a nurse who runs a gardening group');
		form.set(agreedScoreField.priority(1), challenges[6].id);
		form.set(agreedScoreField.priority(2), challenges[0].id);
		expect(save(w, w.person, assessment, form)).toEqual({ ok: true });
		expect(prioritiesFor(w.db, assessment.id)).toEqual([challenges[6].id, challenges[0].id]);
		expect(teamResourcesFor(w.db, assessment.id)).toContain('gardening');

		const repeated = new FormData();
		repeated.set(agreedScoreField.priority(1), challenges[1].id);
		repeated.set(agreedScoreField.priority(2), challenges[1].id);
		expect(parseAssessmentForm(repeated, frameworkContent(w.db, w.frameworkId))).toMatchObject({
			ok: false,
			errors: { [agreedScoreField.priority(2)]: expect.stringContaining('already chosen') }
		});
		const foreign = new FormData();
		foreign.set(agreedScoreField.priority(1), 'not-a-challenge');
		expect(parseAssessmentForm(foreign, frameworkContent(w.db, w.frameworkId)).ok).toBe(false);
	});

	it('rejects an evidence source that is not on the list', () => {
		const w = trustWithService();
		const [first] = frameworkContent(w.db, w.frameworkId).challenges;
		const form = new FormData();
		form.append(agreedScoreField.sources(first.id), 'care_plans');
		form.append(agreedScoreField.sources(first.id), 'gossip');
		expect(parseAssessmentForm(form, frameworkContent(w.db, w.frameworkId)).ok).toBe(false);
	});
});

describe('the previous round, for reference', () => {
	it('shows the last completed assessment before this one, and nothing counts until the team agrees', () => {
		const w = trustWithService();
		const spring = openedRound(w, 'Spring 2026', '2026-01-01');
		save(
			w,
			w.person,
			spring.assessment,
			filledForm(w.db, w.frameworkId, () => '2', 'Spring evidence'),
			true
		);
		const autumn = openedRound(w, 'Autumn 2026', '2026-07-01');
		const previous = previousAgreedScores(w.db, autumn.assessment);
		expect(previous?.roundTitle).toBe('Spring 2026');
		expect(previous?.byChallengeKey['day-to-day-interactions']).toMatchObject({
			level: 2,
			levelName: 'Engagement',
			evidence: 'Spring evidence'
		});
		expect(agreedScoresFor(w.db, autumn.assessment.id)).toEqual([]);
		expect(previousAgreedScores(w.db, spring.assessment)).toBeNull();
	});
});
