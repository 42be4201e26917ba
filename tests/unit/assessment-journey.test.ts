import { describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createOrganisation } from '$lib/server/organisations';
import { createService } from '$lib/server/services';
import { closeRound, createRound, openRound, roundParticipants } from '$lib/server/rounds';
import {
	agreedScoresFor,
	evidenceField,
	getAssessment,
	levelField,
	parseAgreedScoresForm,
	saveAgreedScores,
	MAX_EVIDENCE_LENGTH
} from '$lib/server/assessments';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { serviceProgress } from '$lib/server/progress';
import { personFor } from '$lib/server/users';
import { agreedScores, assessments, auditEvents, frameworks } from '$lib/server/db/schema';
import { freshDb, platformAdmin } from './helpers/db';
import type { Db } from '$lib/server/db/client';
import type { Person } from '$lib/server/access/policy';

function world() {
	const db = freshDb();
	const admin = platformAdmin(db);
	const organisationId = createOrganisation(db, admin, { name: 'Northmoor Trust', odsCode: '', groupingLabel: 'Directorate' });
	const person = personFor(db, { id: admin.id, email: '', name: '', isPlatformAdmin: true });
	const service = createService(db, person, organisationId, { name: 'Ashford CMHT', type: 'Community mental health team' });
	if (!service.ok) throw new Error('service not created');
	const frameworkId = db.select().from(frameworks).get()!.id;
	return { db, person, organisationId, serviceId: service.id, frameworkId };
}

function openedRound(w: ReturnType<typeof world>, title: string, periodStart: string) {
	const round = createRound(w.db, w.person, w.organisationId, {
		title,
		frameworkId: w.frameworkId,
		serviceIds: [w.serviceId],
		periodStart,
		periodEnd: periodStart.replace(/-\d\d$/, '-28')
	});
	if (!round.ok) throw new Error(round.message);
	expect(openRound(w.db, w.person, w.organisationId, round.id)).toEqual({ ok: true });
	const assessmentId = roundParticipants(w.db, round.id)[0].assessmentId!;
	return { roundId: round.id, assessment: getAssessment(w.db, w.organisationId, round.id, assessmentId)! };
}

function filledForm(db: Db, frameworkId: string, level: (position: number) => string, evidence = 'Seen in care plans') {
	const form = new FormData();
	for (const c of frameworkContent(db, frameworkId).challenges) {
		form.set(levelField(c.id), level(c.position));
		form.set(evidenceField(c.id), evidence);
	}
	return form;
}

function save(w: ReturnType<typeof world>, person: Person, assessment: NonNullable<ReturnType<typeof getAssessment>>, form: FormData, complete = false) {
	const parsed = parseAgreedScoresForm(form, frameworkContent(w.db, w.frameworkId));
	if (!parsed.ok) return { ok: false as const, errors: parsed.errors };
	return saveAgreedScores(w.db, person, assessment, w.organisationId, parsed.scores, { complete });
}

describe('one assessment journey', () => {
	it('saves part-way, refuses to complete with gaps (writing nothing), then completes', () => {
		const w = world();
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
		expect(w.db.select().from(assessments).where(eq(assessments.id, assessment.id)).get()?.status).toBe('complete');
	});

	it('rejects a level that is not on the scale and over-long evidence, saving nothing', () => {
		const w = world();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		const form = filledForm(w.db, w.frameworkId, (p) => (p === 1 ? '9' : '2'));
		const first = frameworkContent(w.db, w.frameworkId).challenges[1];
		form.set(evidenceField(first.id), 'x'.repeat(MAX_EVIDENCE_LENGTH + 1));
		const parsed = parseAgreedScoresForm(form, frameworkContent(w.db, w.frameworkId));
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) {
			expect(Object.values(parsed.errors).join(' ')).toMatch(/Select one of the levels shown for Day-to-day interactions/);
			expect(parsed.errors[evidenceField(first.id)]).toMatch(/10,000 characters or fewer/);
		}
		expect(w.db.select({ n: count() }).from(agreedScores).get()!.n).toBe(0);
	});

	it('locks the scores once the round is closed', () => {
		const w = world();
		const { roundId, assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		expect(closeRound(w.db, w.person, w.organisationId, roundId)).toEqual({ ok: true });
		const result = save(w, w.person, assessment, filledForm(w.db, w.frameworkId, () => '2'));
		expect(result).toMatchObject({ ok: false, status: 409 });
		expect(w.db.select({ n: count() }).from(agreedScores).get()!.n).toBe(0);
	});

	it('does not find an assessment through another organisation or round', () => {
		const w = world();
		const { roundId, assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		const otherOrg = createOrganisation(w.db, w.person, { name: 'Other Trust', odsCode: '', groupingLabel: 'Locality' });
		expect(getAssessment(w.db, otherOrg, roundId, assessment.id)).toBeUndefined();
		expect(getAssessment(w.db, w.organisationId, 'not-a-round', assessment.id)).toBeUndefined();
	});

	it('charts completed rounds only, oldest first, one line per challenge', () => {
		const w = world();
		const spring = openedRound(w, 'Spring 2026', '2026-01-01');
		save(w, w.person, spring.assessment, filledForm(w.db, w.frameworkId, () => '1'), true);
		const autumn = openedRound(w, 'Autumn 2026', '2026-07-01');
		expect(serviceProgress(w.db, w.serviceId)[0].rounds.map((r) => r.title)).toEqual(['Spring 2026']);
		save(w, w.person, autumn.assessment, filledForm(w.db, w.frameworkId, (p) => (p === 1 ? '3' : '2')), true);

		const [progress] = serviceProgress(w.db, w.serviceId);
		expect(progress.rounds.map((r) => r.title)).toEqual(['Spring 2026', 'Autumn 2026']);
		expect(progress.rows).toHaveLength(10);
		expect(progress.rows[0].levels).toEqual([1, 3]);
		expect(progress.rows[1].levels).toEqual([1, 2]);
	});

	it('writes an audit event with each change, in the same transaction', () => {
		const w = world();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		const form = filledForm(w.db, w.frameworkId, (p) => (p === 1 ? '2' : ''), '');
		form.set(evidenceField(frameworkContent(w.db, w.frameworkId).challenges[0].id), 'Seen in care plans');
		save(w, w.person, assessment, form);
		const events = w.db.select().from(auditEvents).where(eq(auditEvents.action, 'agreed_score.created')).all();
		expect(events).toHaveLength(1);
		expect(events[0].after).toEqual({ level: 2, evidence: 'Seen in care plans' });
	});

	it('refuses a round with a service from another organisation, creating nothing', () => {
		const w = world();
		const other = createOrganisation(w.db, w.person, { name: 'Other Trust', odsCode: '', groupingLabel: 'Locality' });
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
