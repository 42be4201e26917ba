import { describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { auditEvents, participantRatings, participants } from '$lib/server/db/schema';
import { frameworkContent } from '$lib/server/frameworks/queries';
import {
	enterPaperSheet,
	paperSheets,
	paperSheetsByEnterer,
	parsePaperSheet,
	removePaperSheet
} from '$lib/server/ratings/paper-sheets';
import { ratingSpread } from '$lib/server/ratings/spread';
import { closeRound } from '$lib/server/rounds/transitions';
import { describeAction, describeChange } from '$lib/domain/audit-labels';
import { paperSheetField } from '$lib/forms/field-names';
import { openedRound, trustWithService } from './helpers/world';

const T0 = new Date('2026-03-02T10:00:00Z');

function world() {
	const w = trustWithService();
	const { roundId, assessment } = openedRound(w, 'Spring 2026', '2026-03-01', T0);
	const content = frameworkContent(w.db, w.frameworkId);
	return { ...w, roundId, assessment, content };
}
type World = ReturnType<typeof world>;

function sheet(fields: Record<string, string>) {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) form.set(name, value);
	return form;
}

const level = (w: World, i: number) => paperSheetField.level(w.content.challenges[i].id);
const comment = (w: World, i: number) => paperSheetField.comment(w.content.challenges[i].id);

const stored = (w: World) => ({
	participants: w.db.select({ n: count() }).from(participants).get()!.n,
	ratings: w.db.select({ n: count() }).from(participantRatings).get()!.n
});

describe('typing in a paper sheet', () => {
	it('reads a perspective, levels, "don\'t know", blanks and comments', () => {
		const w = world();
		const parsed = parsePaperSheet(
			sheet({
				perspective: 'carer',
				[level(w, 0)]: '2',
				[comment(w, 0)]: '  Kind staff.  ',
				[level(w, 1)]: 'dont-know',
				[level(w, 2)]: ''
			}),
			w.content
		);
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		expect(parsed.data.perspective).toBe('carer');
		expect(parsed.data.answers).toHaveLength(w.content.challenges.length);
		expect(parsed.data.answers.slice(0, 3)).toEqual([
			{ challengeId: w.content.challenges[0].id, choice: 2, comment: 'Kind staff.' },
			{ challengeId: w.content.challenges[1].id, choice: 'dont-know', comment: '' },
			{ challengeId: w.content.challenges[2].id, choice: null, comment: '' }
		]);
	});

	it('refuses no perspective, a level off the scale, a long comment and hidden characters', () => {
		const w = world();
		const parsed = parsePaperSheet(
			sheet({
				perspective: 'manager',
				[level(w, 0)]: '9',
				[comment(w, 1)]: 'x'.repeat(1024 * 1024),
				[comment(w, 2)]: 'fine\u0007text'
			}),
			w.content
		);
		expect(parsed.ok).toBe(false);
		if (parsed.ok) return;
		expect(parsed.errors.perspective).toBe('Select the perspective ticked on the sheet');
		expect(parsed.errors[level(w, 0)]).toMatch(/^Choose a level of the scale/);
		expect(parsed.errors[comment(w, 1)]).toBe('The comment must be 2,000 characters or fewer');
		expect(parsed.errors[comment(w, 2)]).toBeTruthy();
		expect(parsePaperSheet(sheet({ [level(w, 0)]: '1' }), w.content)).toMatchObject({
			ok: false,
			errors: { perspective: 'Select the perspective ticked on the sheet' }
		});
	});

	it('refuses a sheet with nothing answered, even with a comment', () => {
		const w = world();
		const parsed = parsePaperSheet(
			sheet({ perspective: 'staff', [comment(w, 0)]: 'No idea.' }),
			w.content
		);
		expect(parsed).toEqual({
			ok: false,
			errors: { [level(w, 0)]: expect.stringMatching(/^Nothing on this sheet is answered/) }
		});
	});

	it('stores the sheet, its answers and an audit event without the answers, in one go', () => {
		const w = world();
		const parsed = parsePaperSheet(
			sheet({
				perspective: 'carer',
				[level(w, 0)]: '1',
				[comment(w, 0)]: 'Nobody asked me.',
				[level(w, 1)]: 'dont-know',
				[comment(w, 2)]: 'Left this one.'
			}),
			w.content
		);
		if (!parsed.ok) throw new Error('refused');
		expect(enterPaperSheet(w.db, w.person, w.assessment, parsed.data, T0)).toEqual({
			ok: true,
			sheetNumber: 1
		});
		expect(stored(w)).toEqual({ participants: 1, ratings: 3 });
		const [row] = w.db.select().from(participants).all();
		expect(row).toMatchObject({
			source: 'paper',
			perspective: 'carer',
			enteredBy: w.person.id,
			submittedAt: T0,
			ratingSessionId: null,
			secretHash: null
		});
		expect(paperSheets(w.db, w.assessment.id)).toEqual([
			{ id: row.id, perspective: 'carer', enteredAt: T0, enteredByName: 'Test Person', answered: 2 }
		]);
		const [event] = w.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'paper_sheet.entered'))
			.all();
		expect(event.after).toEqual({
			assessmentId: w.assessment.id,
			perspective: 'carer',
			answers: 2
		});
		expect(JSON.stringify(event)).not.toMatch(/Nobody asked/);
		expect(describeAction(event.action)).toBe('Paper rating sheet entered');
		expect(describeChange(event)).toBe('Carer, family member or supporter, 2 answered');
		// It counts in the spread at once.
		const spread = ratingSpread(w.db, w.assessment.id, { agreesLevels: true, now: T0 });
		expect(spread.challenges[0].spread.counts).toEqual([1, 0, 0, 0]);
		expect(spread.challenges[1].spread.dontKnow).toBe(1);
		const second = enterPaperSheet(w.db, w.person, w.assessment, parsed.data, T0);
		expect(second).toEqual({ ok: true, sheetNumber: 2 });
		expect(paperSheetsByEnterer(w.db, w.assessment.id)).toEqual([
			{ name: 'Test Person', sheets: 2 }
		]);
	});

	it('removes a sheet entered by mistake, with an audit event, and refuses another assessment’s', () => {
		const w = world();
		const parsed = parsePaperSheet(sheet({ perspective: 'staff', [level(w, 0)]: '3' }), w.content);
		if (!parsed.ok) throw new Error('refused');
		enterPaperSheet(w.db, w.person, w.assessment, parsed.data, T0);
		const [entered] = paperSheets(w.db, w.assessment.id);
		expect(removePaperSheet(w.db, w.person, w.assessment, 'not-a-sheet', T0)).toMatchObject({
			ok: false,
			status: 400
		});
		expect(removePaperSheet(w.db, w.person, w.assessment, entered.id, T0)).toEqual({ ok: true });
		expect(stored(w)).toEqual({ participants: 0, ratings: 0 });
		const [event] = w.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'paper_sheet.removed'))
			.all();
		expect(event.before).toEqual({
			assessmentId: w.assessment.id,
			perspective: 'staff',
			answers: 1
		});
		expect(describeAction(event.action)).toBe('Paper rating sheet removed');
	});

	it('refuses to enter or remove a sheet once the round is closed', () => {
		const w = world();
		const parsed = parsePaperSheet(sheet({ perspective: 'staff', [level(w, 0)]: '3' }), w.content);
		if (!parsed.ok) throw new Error('refused');
		enterPaperSheet(w.db, w.person, w.assessment, parsed.data, T0);
		const [entered] = paperSheets(w.db, w.assessment.id);
		expect(closeRound(w.db, w.person, w.organisationId, w.roundId)).toMatchObject({ ok: true });
		expect(enterPaperSheet(w.db, w.person, w.assessment, parsed.data, T0)).toMatchObject({
			ok: false,
			status: 409
		});
		expect(removePaperSheet(w.db, w.person, w.assessment, entered.id, T0)).toMatchObject({
			ok: false,
			status: 409
		});
		expect(stored(w)).toEqual({ participants: 1, ratings: 1 });
	});
});
