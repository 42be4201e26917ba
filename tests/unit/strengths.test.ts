import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
	ACROSS_THE_SERVICE,
	STRENGTH_LIMIT,
	STRENGTH_TEXT_MAX,
	carriedChallengeId,
	strengthsToConfirm,
	whyNoMoreStrengths
} from '$lib/domain/strengths';
import { describeAction } from '$lib/domain/audit-labels';
import { strengthField } from '$lib/forms/field-names';
import {
	addStrength,
	changeStrength,
	confirmStrength,
	dropStrength,
	latestCompletedStrengths,
	parseStrengthForm,
	parseStrengthId,
	removeStrength,
	strengthsOf,
	strengthsToOffer
} from '$lib/server/assessments/strengths';
import { closeRound } from '$lib/server/rounds/transitions';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { assessments, auditEvents, droppedStrengths, strengths } from '$lib/server/db/schema';
import { openedRound, trustWithService, type TrustWithService } from './helpers/world';

const challengesOf = (w: TrustWithService) => frameworkContent(w.db, w.frameworkId).challenges;
const who = (w: TrustWithService) => ({ person: w.person, organisationId: w.organisationId });

function form(fields: Record<string, string>) {
	const posted = new FormData();
	for (const [name, value] of Object.entries(fields)) posted.set(name, value);
	return posted;
}

/** Marks an assessment complete as far as strengths care: its status. */
function markComplete(w: TrustWithService, assessmentId: string) {
	w.db
		.update(assessments)
		.set({ status: 'complete', completedAt: new Date() })
		.where(eq(assessments.id, assessmentId))
		.run();
}

const auditActions = (w: TrustWithService) =>
	w.db
		.select({ action: auditEvents.action })
		.from(auditEvents)
		.all()
		.map((e) => e.action)
		.filter((a) => a.startsWith('strength.'));

describe('the strengths rules', () => {
	it('offers only the previous strengths the team has neither confirmed nor dropped', () => {
		const previous = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
		expect(strengthsToConfirm(previous, { carriedFrom: [], dropped: [] })).toEqual(previous);
		expect(strengthsToConfirm(previous, { carriedFrom: ['a', null], dropped: ['c'] })).toEqual([
			{ id: 'b' }
		]);
	});

	it('carries a strength to the challenge with the same key, or across the service when there is none', () => {
		const current = [
			{ id: 'new-1', key: 'challenge-1' },
			{ id: 'new-2', key: 'challenge-2' }
		];
		expect(carriedChallengeId('challenge-2', current)).toBe('new-2');
		expect(carriedChallengeId(null, current)).toBeNull();
		expect(carriedChallengeId('challenge-9', current)).toBeNull();
	});

	it('holds at most the limit', () => {
		expect(whyNoMoreStrengths(STRENGTH_LIMIT - 1)).toBeNull();
		expect(whyNoMoreStrengths(STRENGTH_LIMIT)).toMatch(/Change or remove one/);
	});

	it('reads each change in the audit trail in words', () => {
		for (const action of ['added', 'changed', 'removed', 'confirmed', 'dropped'])
			expect(describeAction(`strength.${action}`)).not.toBe(`strength.${action}`);
	});
});

describe('the strength form', () => {
	const w = trustWithService();
	const ids = challengesOf(w).map((c) => c.id);

	it('takes a challenge, or none for across the service, with the text trimmed', () => {
		expect(
			parseStrengthForm(
				form({
					[strengthField.text]: '  Peer workers in every review  ',
					strengthChallenge: ids[0]
				}),
				ids
			)
		).toEqual({ ok: true, data: { text: 'Peer workers in every review', challengeId: ids[0] } });
		expect(
			parseStrengthForm(form({ [strengthField.text]: 'Warmth', strengthChallenge: '' }), ids)
		).toEqual({ ok: true, data: { text: 'Warmth', challengeId: null } });
	});

	it('refuses empty or overlong text and a challenge from elsewhere, in plain words', () => {
		expect(parseStrengthForm(form({ [strengthField.text]: '   ' }), ids)).toEqual({
			ok: false,
			errors: { [strengthField.text]: 'Enter what the team does well' }
		});
		expect(parseStrengthForm(form({}), ids)).toEqual({
			ok: false,
			errors: { [strengthField.text]: 'Enter what the team does well' }
		});
		const long = parseStrengthForm(
			form({ [strengthField.text]: 'x'.repeat(STRENGTH_TEXT_MAX + 1) }),
			ids
		);
		expect(long).toEqual({
			ok: false,
			errors: { [strengthField.text]: 'What the team does well must be 500 characters or fewer' }
		});
		expect(
			parseStrengthForm(
				form({ [strengthField.text]: 'Fine', [strengthField.challenge]: 'not-a-challenge' }),
				ids
			)
		).toEqual({
			ok: false,
			errors: { [strengthField.challenge]: 'Choose one of the challenges, or across the service' }
		});
	});

	it('needs the strength a button names', () => {
		expect(parseStrengthId(form({}), strengthField.strength)).toEqual({
			ok: false,
			errors: { [strengthField.strength]: 'Choose a strength' }
		});
		expect(parseStrengthId(form({ previousStrength: 'abc' }), strengthField.previous)).toEqual({
			ok: true,
			data: 'abc'
		});
	});
});

describe('the strength table', () => {
	const w = trustWithService();
	const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
	const row = (values: Partial<typeof strengths.$inferInsert>) => () =>
		w.db
			.insert(strengths)
			.values({
				id: crypto.randomUUID(),
				assessmentId: assessment.id,
				text: 'Something done well',
				recordedAt: new Date(),
				...values
			})
			.run();

	it('refuses blank or overlong text', () => {
		expect(row({ text: '   ' })).toThrow(/CHECK constraint failed: strength_text_check/);
		expect(row({ text: 'x'.repeat(STRENGTH_TEXT_MAX + 1) })).toThrow(/strength_text_check/);
		expect(row({ text: 'x'.repeat(STRENGTH_TEXT_MAX) })).not.toThrow();
	});

	it('refuses an assessment or challenge that does not exist, and a strength carried from itself', () => {
		expect(row({ assessmentId: 'missing' })).toThrow(/FOREIGN KEY/);
		expect(row({ challengeId: 'missing' })).toThrow(/FOREIGN KEY/);
		expect(row({ id: 'self', carriedFromId: 'self' })).toThrow(/strength_carried_from_check/);
	});

	it('carries one strength into an assessment once at most', () => {
		const id = 'carried-once';
		row({ id })();
		row({ carriedFromId: id })();
		expect(row({ carriedFromId: id })).toThrow(/UNIQUE/);
	});
});

describe('recording strengths', () => {
	it('adds, changes and removes them, each with its audit event, in reading order', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		const [first, second] = challengesOf(w);
		expect(
			addStrength(w.db, who(w), assessment, { text: 'Peer-led groups', challengeId: second.id })
		).toEqual({ ok: true });
		expect(addStrength(w.db, who(w), assessment, { text: 'Warmth', challengeId: null })).toEqual({
			ok: true
		});
		const saved = strengthsOf(w.db, assessment.id);
		expect(saved.map((s) => [s.place, s.text])).toEqual([
			[ACROSS_THE_SERVICE, 'Warmth'],
			[`${second.position}. ${second.shortLabel}`, 'Peer-led groups']
		]);

		const peer = saved[1].id;
		expect(
			changeStrength(w.db, who(w), assessment, peer, { text: 'Peer-led', challengeId: first.id })
		).toEqual({ ok: true });
		expect(strengthsOf(w.db, assessment.id).find((s) => s.id === peer)).toMatchObject({
			text: 'Peer-led',
			challengeId: first.id
		});
		expect(removeStrength(w.db, who(w), assessment, peer)).toEqual({ ok: true });
		expect(strengthsOf(w.db, assessment.id).map((s) => s.text)).toEqual(['Warmth']);
		expect(auditActions(w)).toEqual([
			'strength.added',
			'strength.added',
			'strength.changed',
			'strength.removed'
		]);
	});

	it('refuses a change over someone else’s meanwhile, showing theirs, and saves it the second time', () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		addStrength(w.db, who(w), assessment, { text: 'Warmth', challengeId: null });
		const [shown] = strengthsOf(w.db, assessment.id);
		const theirs = { text: 'Warmth at reception', challengeId: null };
		expect(
			changeStrength(w.db, who(w), assessment, shown.id, { ...theirs, original: shown.fingerprint })
		).toEqual({ ok: true });

		const mine = { text: 'Warmth on the phone', challengeId: null, original: shown.fingerprint };
		const refused = changeStrength(w.db, who(w), assessment, shown.id, mine);
		expect(refused).toMatchObject({
			ok: false,
			status: 409,
			errors: { [strengthField.text]: expect.stringContaining('“Warmth at reception”') }
		});
		expect(strengthsOf(w.db, assessment.id)[0].text).toBe('Warmth at reception');
		const saved = 'original' in refused ? refused.original : undefined;
		expect(saved).toBe(strengthsOf(w.db, assessment.id)[0].fingerprint);
		expect(
			changeStrength(w.db, who(w), assessment, shown.id, { ...mine, original: saved })
		).toEqual({ ok: true });
		expect(strengthsOf(w.db, assessment.id)[0].text).toBe('Warmth on the phone');
	});

	it(`holds at most ${STRENGTH_LIMIT}`, () => {
		const w = trustWithService();
		const { assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		for (let i = 1; i <= STRENGTH_LIMIT; i++)
			expect(
				addStrength(w.db, who(w), assessment, { text: `Strength ${i}`, challengeId: null })
			).toEqual({ ok: true });
		const refused = addStrength(w.db, who(w), assessment, { text: 'One more', challengeId: null });
		expect(refused).toMatchObject({ ok: false, status: 409 });
		expect(strengthsOf(w.db, assessment.id)).toHaveLength(STRENGTH_LIMIT);
	});

	it('changes nothing of another assessment', () => {
		const w = trustWithService();
		const spring = openedRound(w, 'Spring 2026', '2026-01-01').assessment;
		const autumn = openedRound(w, 'Autumn 2026', '2026-07-01').assessment;
		addStrength(w.db, who(w), spring, { text: 'Spring strength', challengeId: null });
		const id = strengthsOf(w.db, spring.id)[0].id;
		expect(removeStrength(w.db, who(w), autumn, id)).toMatchObject({ ok: false, status: 404 });
		expect(
			changeStrength(w.db, who(w), autumn, id, { text: 'Taken over', challengeId: null })
		).toMatchObject({ ok: false, status: 404 });
		expect(strengthsOf(w.db, spring.id).map((s) => s.text)).toEqual(['Spring strength']);
	});

	it('can change after completion, as priorities can, but not once the round closes', () => {
		const w = trustWithService();
		const { roundId, assessment } = openedRound(w, 'Spring 2026', '2026-01-01');
		markComplete(w, assessment.id);
		expect(addStrength(w.db, who(w), assessment, { text: 'Kept up', challengeId: null })).toEqual({
			ok: true
		});
		closeRound(w.db, w.person, w.organisationId, roundId);
		const refused = addStrength(w.db, who(w), assessment, { text: 'Late', challengeId: null });
		expect(refused).toMatchObject({ ok: false, status: 409, message: /round is closed/ });
		expect(strengthsOf(w.db, assessment.id).map((s) => s.text)).toEqual(['Kept up']);
	});
});

describe('carrying strengths into the next round', () => {
	function twoRounds() {
		const w = trustWithService();
		const spring = openedRound(w, 'Spring 2026', '2026-01-01').assessment;
		const challenge = challengesOf(w)[2];
		addStrength(w.db, who(w), spring, {
			text: 'Recovery college links',
			challengeId: challenge.id
		});
		addStrength(w.db, who(w), spring, { text: 'Warm welcome', challengeId: null });
		markComplete(w, spring.id);
		const autumn = openedRound(w, 'Autumn 2026', '2026-07-01').assessment;
		const [links, welcome] = strengthsOf(w.db, spring.id).sort((a, b) =>
			a.text.localeCompare(b.text)
		);
		return { w, spring, autumn, challenge, links, welcome };
	}

	it('offers the previous completed assessment’s strengths, and carries none by itself', () => {
		const { w, autumn } = twoRounds();
		const offer = strengthsToOffer(w.db, autumn);
		expect(offer?.roundTitle).toBe('Spring 2026');
		expect(offer?.strengths.map((s) => s.text).sort()).toEqual([
			'Recovery college links',
			'Warm welcome'
		]);
		expect(strengthsOf(w.db, autumn.id)).toEqual([]);
	});

	it('offers nothing from an assessment that was never completed', () => {
		const w = trustWithService();
		const spring = openedRound(w, 'Spring 2026', '2026-01-01').assessment;
		addStrength(w.db, who(w), spring, { text: 'Not agreed yet', challengeId: null });
		const autumn = openedRound(w, 'Autumn 2026', '2026-07-01').assessment;
		expect(strengthsToOffer(w.db, autumn)).toBeNull();
	});

	it('makes a confirmed strength the new assessment’s, saying where it came from; a dropped one is offered no more', () => {
		const { w, autumn, challenge, links, welcome } = twoRounds();
		expect(confirmStrength(w.db, who(w), autumn, links.id)).toEqual({ ok: true });
		const carried = strengthsOf(w.db, autumn.id);
		expect(carried).toMatchObject([
			{
				text: 'Recovery college links',
				challengeId: challenge.id,
				carriedFromRound: 'Spring 2026'
			}
		]);
		expect(strengthsToOffer(w.db, autumn)?.strengths.map((s) => s.id)).toEqual([welcome.id]);

		expect(dropStrength(w.db, who(w), autumn, welcome.id)).toEqual({ ok: true });
		expect(strengthsToOffer(w.db, autumn)?.strengths).toEqual([]);
		expect(strengthsOf(w.db, autumn.id)).toHaveLength(1);
		expect(auditActions(w).slice(-2)).toEqual(['strength.confirmed', 'strength.dropped']);
	});

	it('refuses to confirm or drop twice, or a strength that was never offered', () => {
		const { w, spring, autumn, links } = twoRounds();
		confirmStrength(w.db, who(w), autumn, links.id);
		expect(confirmStrength(w.db, who(w), autumn, links.id)).toMatchObject({
			ok: false,
			status: 404
		});
		expect(dropStrength(w.db, who(w), autumn, links.id)).toMatchObject({ ok: false, status: 404 });
		const own = strengthsOf(w.db, autumn.id)[0].id;
		expect(confirmStrength(w.db, who(w), autumn, own)).toMatchObject({ ok: false, status: 404 });
		expect(strengthsOf(w.db, autumn.id)).toHaveLength(1);
		expect(strengthsOf(w.db, spring.id)).toHaveLength(2);
	});

	it('does not offer again a confirmed strength the team later removed', () => {
		const { w, autumn, links } = twoRounds();
		confirmStrength(w.db, who(w), autumn, links.id);
		const carried = strengthsOf(w.db, autumn.id)[0].id;
		expect(removeStrength(w.db, who(w), autumn, carried)).toEqual({ ok: true });
		expect(strengthsToOffer(w.db, autumn)?.strengths.map((s) => s.id)).not.toContain(links.id);
		expect(w.db.select().from(droppedStrengths).all()).toHaveLength(1);
	});

	it('shows the dashboard and plan the latest completed assessment’s strengths', () => {
		const { w, autumn, links } = twoRounds();
		confirmStrength(w.db, who(w), autumn, links.id);
		const shown = latestCompletedStrengths(w.db, w.serviceId);
		expect(shown?.roundTitle).toBe('Spring 2026');
		expect(shown?.strengths).toHaveLength(2);
		markComplete(w, autumn.id);
		expect(latestCompletedStrengths(w.db, w.serviceId)).toMatchObject({
			roundTitle: 'Autumn 2026',
			strengths: [{ text: 'Recovery college links', carriedFromRound: 'Spring 2026' }]
		});
	});
});
