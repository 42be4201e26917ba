import { describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { completionReadiness, describeAgreedProgress } from '$lib/domain/completion';
import { describeAction, describeChange } from '$lib/domain/audit-labels';
import {
	UNDO_COMPLETION_REASON_MAX_LENGTH,
	whyCompletionCannotBeUndone,
	whyTeamPlanIsLocked
} from '$lib/domain/rounds';
import { savedScoresFingerprint } from '$lib/domain/score-fingerprint';
import { agreedScoreField } from '$lib/forms/field-names';
import { createService } from '$lib/server/services';
import { createRound } from '$lib/server/rounds/form';
import { closeRound, openRound, reopenRound } from '$lib/server/rounds/transitions';
import { roundParticipants, roundProgress, standingOf } from '$lib/server/rounds/progress';
import { addRater } from '$lib/server/ratings/raters';
import { myWork } from '$lib/server/actions/my-work';
import {
	agreedScoresFor,
	getAssessment,
	prioritiesFor,
	scoreFingerprints,
	serviceAssessments,
	teamResourcesFor,
	type AssessmentRecord
} from '$lib/server/assessments/queries';
import { parseAssessmentForm, parseTeamPlanForm } from '$lib/server/assessments/form';
import { saveAssessment } from '$lib/server/assessments/save';
import { completeSavedAssessment, undoCompletion } from '$lib/server/assessments/completion';
import { saveTeamPlan, savedTeamPlan, teamPlanOriginals } from '$lib/server/assessments/team-plan';
import { frameworkContent } from '$lib/server/frameworks/queries';
import {
	assessments,
	auditEvents,
	roundLevelCounts,
	roundLevelTotals
} from '$lib/server/db/schema';
import { openedRound, trustWithService, type TrustWithService } from './helpers/world';
import type { Db } from '$lib/server/db/client';

const challengesOf = (w: TrustWithService) => frameworkContent(w.db, w.frameworkId).challenges;

/** The agreeing form as the page draws it now: saved values, revisions and fingerprints. */
function pageForm(w: TrustWithService, assessmentId: string) {
	const form = new FormData();
	const ids = challengesOf(w).map((c) => c.id);
	const fingerprints = scoreFingerprints(w.db, assessmentId, ids);
	for (const id of ids) {
		form.set(agreedScoreField.original(id), fingerprints[id]);
		form.set(agreedScoreField.revision(id), '0');
	}
	for (const score of agreedScoresFor(w.db, assessmentId)) {
		if (score.level !== null)
			form.set(agreedScoreField.level(score.challengeId), String(score.level));
		form.set(agreedScoreField.evidence(score.challengeId), score.evidence);
		form.set(agreedScoreField.revision(score.challengeId), String(score.revision));
	}
	const plan = savedTeamPlan(w.db, assessmentId);
	form.set(agreedScoreField.teamResources, plan.teamResources);
	plan.priorities.forEach((id, i) => form.set(agreedScoreField.priority(i + 1), id));
	const originals = teamPlanOriginals(plan);
	form.set(agreedScoreField.teamPlanOriginal('teamResources'), originals.teamResources);
	form.set(agreedScoreField.teamPlanOriginal('priorities'), originals.priorities);
	return form;
}

function save(
	w: TrustWithService,
	assessment: AssessmentRecord,
	form: FormData,
	options: { complete?: boolean; mustBeComplete?: boolean } = {}
) {
	const parsed = parseAssessmentForm(form, frameworkContent(w.db, w.frameworkId));
	if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
	return saveAssessment(w.db, w.person, assessment, w.organisationId, parsed.input, options);
}

/**
 * What the page posts when saving again after a refusal: what was typed, with the revisions and
 * fingerprints the refusal sent back, and for everything else the ones that were posted.
 */
function retried(form: FormData, refusal: ReturnType<typeof save>) {
	const again = new FormData();
	for (const [name, value] of form) again.append(name, value);
	if (refusal.ok || !('originals' in refusal)) return again;
	for (const [id, revision] of Object.entries(refusal.revisions ?? {}))
		again.set(agreedScoreField.revision(id), String(revision));
	for (const [key, original] of Object.entries(refusal.originals ?? {}))
		again.set(key.startsWith('planOriginal-') ? key : agreedScoreField.original(key), original);
	return again;
}

/** Levels filled in for every challenge, with evidence. */
function agreeAll(
	w: TrustWithService,
	assessment: AssessmentRecord,
	level: (position: number) => number
) {
	const form = pageForm(w, assessment.id);
	for (const c of challengesOf(w)) {
		form.set(agreedScoreField.level(c.id), String(level(c.position)));
		form.set(agreedScoreField.evidence(c.id), `Evidence for ${c.shortLabel}`);
	}
	expect(save(w, assessment, form)).toEqual({ ok: true });
}

function complete(w: TrustWithService, assessment: AssessmentRecord) {
	const confirmed = savedScoresFingerprint(agreedScoresFor(w.db, assessment.id));
	return completeSavedAssessment(w.db, w.person, assessment, w.organisationId, confirmed);
}

const statusOf = (db: Db, id: string) =>
	db.select().from(assessments).where(eq(assessments.id, id)).get()?.status;

/** The counts as kept, and as a full recount from every completed assessment's agreed scores. */
function keptAndRecounted(db: Db) {
	const kept = {
		levels: db
			.select()
			.from(roundLevelCounts)
			.all()
			.map((r) => `${r.roundId}|${r.challengeId}|${r.level}|${r.services}`)
			.sort(),
		totals: db
			.select()
			.from(roundLevelTotals)
			.all()
			.map((r) => `${r.roundId}|${r.level}|${r.scores}`)
			.sort()
	};
	const sqlite = db.$client;
	const recounted = {
		levels: (
			sqlite
				.prepare(
					`SELECT a.round_id || '|' || s.challenge_id || '|' || s.level || '|' || count(*) AS row
					 FROM agreed_score s JOIN assessment a ON a.id = s.assessment_id
					 WHERE a.status = 'complete' AND s.level IS NOT NULL
					 GROUP BY a.round_id, s.challenge_id, s.level`
				)
				.all() as { row: string }[]
		)
			.map((r) => r.row)
			.sort(),
		totals: (
			sqlite
				.prepare(
					`SELECT a.round_id || '|' || s.level || '|' || count(*) AS row
					 FROM agreed_score s JOIN assessment a ON a.id = s.assessment_id
					 WHERE a.status = 'complete' AND s.level IS NOT NULL
					 GROUP BY a.round_id, s.level`
				)
				.all() as { row: string }[]
		)
			.map((r) => r.row)
			.sort()
	};
	return { kept, recounted };
}

/** A round of three services, opened, each with its assessment. */
function roundOfThree(w: TrustWithService) {
	const more = ['Willow Ward', 'Recovery College'].map((name) => {
		const created = createService(w.db, w.person, w.organisationId, { name, type: 'Other' });
		if (!created.ok) throw new Error('no service');
		return created.id;
	});
	const round = createRound(w.db, w.person, w.organisationId, {
		title: 'Spring 2026',
		frameworkId: w.frameworkId,
		serviceIds: [w.serviceId, ...more],
		periodStart: '2026-01-01',
		periodEnd: '2026-06-30'
	});
	if (!round.ok) throw new Error(round.message);
	openRound(w.db, w.person, w.organisationId, round.id);
	const list = roundParticipants(w.db, round.id).map((p) =>
		getAssessment(w.db, w.organisationId, round.id, p.assessmentId!)!
	);
	return { roundId: round.id, assessments: list };
}

describe('what completion needs', () => {
	const challenges = [1, 2, 3].map((position) => ({
		id: `c${position}`,
		position,
		shortLabel: `Challenge ${position}`
	}));

	it('waits for every level and every review decision, and flags levels agreed without evidence', () => {
		const partial = completionReadiness(
			challenges,
			[
				{ challengeId: 'c1', level: 2, evidence: 'Seen in care plans' },
				{ challengeId: 'c2', level: 3, evidence: '   ' },
				{ challengeId: 'c3', level: null, evidence: 'Notes, but no level' }
			],
			0
		);
		expect(partial.agreed.map((c) => c.id)).toEqual(['c1', 'c2']);
		expect(partial.missing.map((c) => c.id)).toEqual(['c3']);
		expect(partial.withoutEvidence.map((c) => c.id)).toEqual(['c2']);
		expect(partial.ready).toBe(false);

		const scored = challenges.map((c) => ({ challengeId: c.id, level: 1, evidence: '' }));
		expect(completionReadiness(challenges, scored, 0)).toMatchObject({
			ready: true,
			withoutEvidence: challenges
		});
		expect(completionReadiness(challenges, scored, 2)).toMatchObject({
			ready: false,
			unreviewedActions: 2
		});
		expect(describeAgreedProgress(6, 10)).toBe('6 of 10 challenges agreed');
	});

	it('lets a completion be undone only in an open round, and only with a reason', () => {
		expect(
			whyCompletionCannotBeUndone('open', 'complete', 'Marked complete by mistake')
		).toBeNull();
		expect(whyCompletionCannotBeUndone('open', 'in_progress', 'why')).toMatchObject({
			about: 'assessment'
		});
		expect(whyCompletionCannotBeUndone('closed', 'complete', 'why')).toMatchObject({
			about: 'assessment',
			message: 'A completion can be undone only while its round is open: reopen the round first.'
		});
		expect(whyCompletionCannotBeUndone('open', 'complete', '  ')).toMatchObject({
			about: 'reason',
			message: 'Enter the reason for undoing the completion'
		});
		expect(
			whyCompletionCannotBeUndone(
				'open',
				'complete',
				'x'.repeat(UNDO_COMPLETION_REASON_MAX_LENGTH + 1)
			)
		).toMatchObject({ about: 'reason' });
	});

	it('keeps the team’s plan open to change until the round closes', () => {
		expect(whyTeamPlanIsLocked('open')).toBeNull();
		expect(whyTeamPlanIsLocked('closed')).toMatch(/closed/);
		expect(whyTeamPlanIsLocked('draft')).toMatch(/not been opened/);
	});
});

describe('completing from the confirmation step', () => {
	it('locks exactly what was listed: a change saved since is refused, nothing locked', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		agreeAll(w, assessment, () => 2);
		const shown = savedScoresFingerprint(agreedScoresFor(w.db, assessment.id));

		const changed = pageForm(w, assessment.id);
		changed.set(agreedScoreField.level(challengesOf(w)[0].id), '3');
		expect(save(w, assessment, changed)).toEqual({ ok: true });

		const refused = completeSavedAssessment(w.db, w.person, assessment, w.organisationId, shown);
		expect(refused).toMatchObject({ ok: false, status: 409 });
		expect(statusOf(w.db, assessment.id)).toBe('in_progress');
		expect(w.db.select({ n: count() }).from(roundLevelCounts).get()!.n).toBe(0);

		expect(complete(w, assessment)).toEqual({ ok: true });
		expect(statusOf(w.db, assessment.id)).toBe('complete');
		const { kept, recounted } = keptAndRecounted(w.db);
		expect(kept).toEqual(recounted);
		expect(kept.levels).toHaveLength(10);
	});

	it('refuses while a level is missing, and on the way there saves nothing when asked to be ready', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		const form = pageForm(w, assessment.id);
		form.set(agreedScoreField.level(challengesOf(w)[0].id), '2');
		expect(save(w, assessment, form, { mustBeComplete: true })).toMatchObject({
			ok: false,
			status: 400,
			message: 'Agree a level for every challenge before marking the assessment complete'
		});
		expect(agreedScoresFor(w.db, assessment.id)).toHaveLength(0);

		expect(save(w, assessment, form)).toEqual({ ok: true });
		expect(complete(w, assessment)).toMatchObject({ ok: false, status: 400 });
		expect(statusOf(w.db, assessment.id)).toBe('in_progress');
	});
});

describe('undoing a completion', () => {
	it('takes the levels back out of the counts: equal to a full recount after undo, and after complete again', () => {
		const w = trustWithService();
		const {
			roundId,
			assessments: [alpha, bravo, charlie]
		} = roundOfThree(w);
		// Charlie alone agrees level 4 anywhere, so undoing Charlie must remove those counts entirely.
		agreeAll(w, alpha, () => 1);
		agreeAll(w, bravo, (p) => (p % 3) + 1);
		agreeAll(w, charlie, (p) => (p <= 2 ? 4 : 2));
		for (const a of [alpha, bravo, charlie]) expect(complete(w, a)).toEqual({ ok: true });
		let counts = keptAndRecounted(w.db);
		expect(counts.kept).toEqual(counts.recounted);
		expect(counts.kept.totals).toContain(`${roundId}|4|2`);

		expect(undoCompletion(w.db, w.person, charlie, w.organisationId, 'Agreed too fast')).toEqual({
			ok: true
		});
		counts = keptAndRecounted(w.db);
		expect(counts.kept).toEqual(counts.recounted);
		expect(counts.kept.totals.some((row) => row.startsWith(`${roundId}|4|`))).toBe(false);
		expect(statusOf(w.db, charlie.id)).toBe('in_progress');

		// The team changes a level, then completes again: the counts follow the new level.
		const form = pageForm(w, charlie.id);
		form.set(agreedScoreField.level(challengesOf(w)[0].id), '3');
		expect(save(w, charlie, form)).toEqual({ ok: true });
		expect(complete(w, charlie)).toEqual({ ok: true });
		counts = keptAndRecounted(w.db);
		expect(counts.kept).toEqual(counts.recounted);

		// Undoing everything leaves no counts at all, as a recount would.
		for (const a of [alpha, bravo, charlie])
			expect(undoCompletion(w.db, w.person, a, w.organisationId, 'Start again')).toEqual({
				ok: true
			});
		counts = keptAndRecounted(w.db);
		expect(counts.kept).toEqual({ levels: [], totals: [] });
		expect(counts.recounted).toEqual({ levels: [], totals: [] });
	});

	it('records the reason in the audit trail, in plain words', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		agreeAll(w, assessment, () => 2);
		expect(complete(w, assessment)).toEqual({ ok: true });
		undoCompletion(
			w.db,
			w.person,
			assessment,
			w.organisationId,
			'  Agreed before the carers met  '
		);
		const event = w.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'assessment.completion_undone'))
			.get()!;
		expect(event).toMatchObject({
			entityType: 'assessment',
			entityId: assessment.id,
			userId: w.person.id,
			serviceId: w.serviceId,
			after: { status: 'in_progress', reason: 'Agreed before the carers met' }
		});
		expect(describeAction(event.action)).toBe('Undid an assessment’s completion');
		expect(describeChange(event, { roundTitle: 'Spring 2026' })).toBe(
			'Spring 2026: Complete → Agreeing, reason: Agreed before the carers met'
		);
	});

	it('is refused without a reason, or once the round is closed, changing nothing', () => {
		const w = trustWithService();
		const { roundId, assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		agreeAll(w, assessment, () => 2);
		expect(complete(w, assessment)).toEqual({ ok: true });
		const before = keptAndRecounted(w.db).kept;

		expect(undoCompletion(w.db, w.person, assessment, w.organisationId, ' ')).toMatchObject({
			ok: false,
			status: 400,
			field: 'reason'
		});
		closeRound(w.db, w.person, w.organisationId, roundId);
		expect(undoCompletion(w.db, w.person, assessment, w.organisationId, 'Too late')).toMatchObject({
			ok: false,
			status: 409
		});
		expect(statusOf(w.db, assessment.id)).toBe('complete');
		expect(keptAndRecounted(w.db).kept).toEqual(before);
		expect(
			w.db
				.select({ n: count() })
				.from(auditEvents)
				.where(eq(auditEvents.action, 'assessment.completion_undone'))
				.get()!.n
		).toBe(0);

		// Reopening the round makes the undo possible again.
		reopenRound(w.db, w.person, w.organisationId, roundId, 'One service asked to revisit');
		expect(undoCompletion(w.db, w.person, assessment, w.organisationId, 'Revisit')).toEqual({
			ok: true
		});
	});
});

describe('the team’s plan after completion', () => {
	function planForm(w: TrustWithService, assessmentId: string, priorities: string[]) {
		const form = pageForm(w, assessmentId);
		for (let rank = 1; rank <= 3; rank++)
			form.set(agreedScoreField.priority(rank), priorities[rank - 1] ?? '');
		return form;
	}

	function savePlan(w: TrustWithService, assessment: AssessmentRecord, form: FormData) {
		const parsed = parseTeamPlanForm(form, frameworkContent(w.db, w.frameworkId));
		if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
		return saveTeamPlan(w.db, w.person, assessment, w.organisationId, parsed.input);
	}

	it('can be chosen and changed until the round closes, each change in the audit trail', () => {
		const w = trustWithService();
		const { roundId, assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		agreeAll(w, assessment, () => 2);
		expect(complete(w, assessment)).toEqual({ ok: true });
		const [first, second, third] = challengesOf(w).map((c) => c.id);

		expect(savePlan(w, assessment, planForm(w, assessment.id, [third, first]))).toEqual({
			ok: true
		});
		expect(prioritiesFor(w.db, assessment.id)).toEqual([third, first]);
		const changed = planForm(w, assessment.id, [second]);
		changed.set(agreedScoreField.teamResources, 'A peer worker who runs the walking group');
		expect(savePlan(w, assessment, changed)).toEqual({ ok: true });
		expect(prioritiesFor(w.db, assessment.id)).toEqual([second]);
		expect(teamResourcesFor(w.db, assessment.id)).toMatch(/walking group/);
		const audited = w.db
			.select()
			.from(auditEvents)
			.all()
			.filter((e) => e.action === 'priorities.set' || e.action === 'team_resources.updated');
		expect(audited.map((e) => e.action).sort()).toEqual([
			'priorities.set',
			'priorities.set',
			'team_resources.updated'
		]);
		expect(statusOf(w.db, assessment.id)).toBe('complete');

		closeRound(w.db, w.person, w.organisationId, roundId);
		expect(savePlan(w, assessment, planForm(w, assessment.id, [first]))).toMatchObject({
			ok: false,
			status: 409,
			message: 'This round is closed, so its plan can no longer change.'
		});
		expect(prioritiesFor(w.db, assessment.id)).toEqual([second]);
	});
});

describe('no lost work when two people save', () => {
	it('does not write back a stale copy of the team’s plan that this person left alone', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		const [first] = challengesOf(w);
		const mine = pageForm(w, assessment.id);
		const theirs = pageForm(w, assessment.id);
		theirs.set(agreedScoreField.teamResources, 'Two peer support workers');
		theirs.set(agreedScoreField.priority(1), first.id);
		expect(save(w, assessment, theirs)).toEqual({ ok: true });

		// I only agreed a level; my page still shows the plan as it was before their save.
		mine.set(agreedScoreField.level(first.id), '2');
		expect(save(w, assessment, mine)).toEqual({ ok: true });
		expect(teamResourcesFor(w.db, assessment.id)).toBe('Two peer support workers');
		expect(prioritiesFor(w.db, assessment.id)).toEqual([first.id]);
	});

	it('refuses my change to a part of the plan someone else changed, shows theirs, and keeps mine on a second save', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		const mine = pageForm(w, assessment.id);
		const theirs = pageForm(w, assessment.id);
		theirs.set(agreedScoreField.teamResources, 'A carer who co-runs the family group');
		expect(save(w, assessment, theirs)).toEqual({ ok: true });

		mine.set(agreedScoreField.teamResources, 'A nurse who runs a gardening group');
		const refused = save(w, assessment, mine);
		expect(refused).toMatchObject({
			ok: false,
			status: 409,
			errors: {
				[agreedScoreField.teamResources]: expect.stringContaining(
					'They now read: “A carer who co-runs the family group”'
				)
			}
		});
		expect(teamResourcesFor(w.db, assessment.id)).toBe('A carer who co-runs the family group');
		expect(save(w, assessment, retried(mine, refused))).toEqual({ ok: true });
		expect(teamResourcesFor(w.db, assessment.id)).toBe('A nurse who runs a gardening group');
	});

	it('after a refused save, saving again still leaves alone a challenge someone else changed that I did not', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		const [first, second] = challengesOf(w);
		const mine = pageForm(w, assessment.id);
		const theirs = pageForm(w, assessment.id);
		theirs.set(agreedScoreField.level(first.id), '3');
		theirs.set(agreedScoreField.level(second.id), '4');
		theirs.set(agreedScoreField.evidence(second.id), 'Their evidence');
		expect(save(w, assessment, theirs)).toEqual({ ok: true });

		mine.set(agreedScoreField.level(first.id), '1');
		const refused = save(w, assessment, mine);
		expect(refused).toMatchObject({ ok: false, status: 409 });
		expect(save(w, assessment, retried(mine, refused))).toEqual({ ok: true });
		const saved = new Map(agreedScoresFor(w.db, assessment.id).map((s) => [s.challengeId, s]));
		expect(saved.get(first.id)?.level).toBe(1);
		expect(saved.get(second.id)).toMatchObject({ level: 4, evidence: 'Their evidence' });
	});
});

describe('a form that did not match the saved assessment', () => {
	it('is refused, and saving again from the page as it then stands goes through', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		const [first] = challengesOf(w);
		const form = pageForm(w, assessment.id);
		form.set(agreedScoreField.level(first.id), '2');
		form.set(agreedScoreField.revision(first.id), '7');
		const refused = save(w, assessment, form);
		expect(refused).toMatchObject({ ok: false, status: 400 });
		expect(save(w, assessment, retried(form, refused))).toEqual({ ok: true });
		expect(agreedScoresFor(w.db, assessment.id)[0]).toMatchObject({ level: 2, revision: 1 });
	});
});

describe('one set of stage words', () => {
	it('gives an assessment the same stage on the round page, its own page, the service page and My work', () => {
		const w = trustWithService();
		const { roundId, assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		const now = new Date('2026-01-10T12:00:00Z');
		const stages = () => {
			const onRound = roundProgress(
				w.db,
				{ id: roundId, periodEnd: assessment.periodEnd },
				{ now }
			);
			const waiting = myWork(w.db, w.person, now).toAgree;
			return {
				round: onRound.participants[0].standing?.stage,
				assessment: standingOf(w.db, assessment, now)?.stage,
				service: serviceAssessments(w.db, w.serviceId, now)[0].standing.stage,
				myWork: waiting.length > 0 ? waiting[0].standing.stage : 'not listed'
			};
		};
		const everywhere = (stage: string, myWorkToo = stage) => ({
			round: stage,
			assessment: stage,
			service: stage,
			myWork: myWorkToo
		});

		expect(stages()).toEqual(everywhere('not_started'));
		expect(addRater(w.db, w.person, assessment, w.person.id)).toMatchObject({ ok: true });
		expect(stages()).toEqual(everywhere('rating'));
		expect(myWork(w.db, w.person, now).toRate[0].standing.stage).toBe('rating');
		agreeAll(w, assessment, () => 2);
		expect(stages()).toEqual(everywhere('agreeing'));
		expect(complete(w, assessment)).toEqual({ ok: true });
		expect(stages()).toEqual(everywhere('complete', 'not listed'));
	});
});
