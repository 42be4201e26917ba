import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createOrganisation } from '$lib/server/organisations';
import { createGrouping } from '$lib/server/groupings';
import { readRoundForm } from '$lib/server/rounds/form';
import { frameworks } from '$lib/server/db/schema';
import { trustWithService } from './helpers/world';

/** A posted form, as the browser sends it: ticked boxes repeat their name. */
function posted(fields: Record<string, string | string[]>): FormData {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields))
		for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
	return form;
}

function world() {
	const w = trustWithService();
	const elsewhere = createOrganisation(w.db, w.person, {
		name: 'Eastgate Trust',
		odsCode: '',
		groupingLabel: 'Locality'
	});
	const grouping = createGrouping(w.db, w.person, elsewhere, 'Locality', { name: 'East' });
	if (!grouping.ok) throw new Error(grouping.message);
	return { ...w, elsewhereGroupingId: grouping.id };
}

const goodDates = {
	startDay: '1',
	startMonth: '4',
	startYear: '2026',
	endDay: '30',
	endMonth: '9',
	endYear: '2026'
};

describe('the round form reports every problem at once', () => {
	it('lists a missing title, a date that is not real, an end before the start and no services together, in the form’s order', () => {
		const w = world();
		const result = readRoundForm(
			w.db,
			w.organisationId,
			posted({
				title: '  ',
				frameworkId: w.frameworkId,
				startDay: '31',
				startMonth: '2',
				startYear: '2026',
				endDay: '1',
				endMonth: '1',
				endYear: '2026'
			})
		);
		expect(result).toEqual({
			ok: false,
			errors: {
				title: 'Enter a title for the round',
				startDay: 'Enter the start date as a real date, like 1 4 2026',
				serviceIds: 'Select at least one service to take part'
			}
		});

		const backwards = readRoundForm(
			w.db,
			w.organisationId,
			posted({
				title: '',
				frameworkId: w.frameworkId,
				startDay: '1',
				startMonth: '10',
				startYear: '2026',
				endDay: '1',
				endMonth: '4',
				endYear: '2026'
			})
		);
		expect(backwards.ok === false && Object.entries(backwards.errors)).toEqual([
			['title', 'Enter a title for the round'],
			['endDay', 'The end date must be the same as or after the start date'],
			['serviceIds', 'Select at least one service to take part']
		]);
	});

	it('lists empty and wrongly typed dates, and a missing framework, beside the rest', () => {
		const w = world();
		const result = readRoundForm(
			w.db,
			w.organisationId,
			posted({ title: 'Spring', endDay: 'x', endMonth: '4', endYear: '2026' })
		);
		expect(result.ok === false && Object.entries(result.errors)).toEqual([
			['startDay', 'Enter the start date'],
			['endDay', 'Enter the end date as numbers, like 31 3 2027'],
			['frameworkId', 'Select a framework'],
			['serviceIds', 'Select at least one service to take part']
		]);
	});

	it('checks the choices against the organisation even when the fields have problems too', () => {
		const w = world();
		w.db
			.update(frameworks)
			.set({ retiredAt: new Date('2026-01-01T00:00:00Z') })
			.where(eq(frameworks.id, w.frameworkId))
			.run();
		const result = readRoundForm(
			w.db,
			w.organisationId,
			posted({
				title: '',
				frameworkId: w.frameworkId,
				...goodDates,
				groupingIds: [w.elsewhereGroupingId],
				serviceIds: [w.serviceId, 'not-ours']
			})
		);
		expect(result).toEqual({
			ok: false,
			errors: {
				title: 'Enter a title for the round',
				frameworkId: 'Select a framework from the list',
				groupingIds: 'Select each directorate from this organisation’s list',
				serviceIds: 'Select services from this organisation’s list'
			}
		});

		// A draft that already uses the retired framework may keep it.
		const kept = readRoundForm(
			w.db,
			w.organisationId,
			posted({
				title: 'Spring',
				frameworkId: w.frameworkId,
				...goodDates,
				serviceIds: w.serviceId
			}),
			{ frameworkId: w.frameworkId }
		);
		expect(kept.ok).toBe(true);
	});

	it('says when the choices add up to no service, beside a problem with the title', () => {
		const w = world();
		const result = readRoundForm(
			w.db,
			w.organisationId,
			posted({ title: '', frameworkId: w.frameworkId, ...goodDates, serviceTypes: 'Perinatal' })
		);
		expect(result).toEqual({
			ok: false,
			errors: {
				title: 'Enter a title for the round',
				serviceIds:
					'No service belongs to what you selected. Select at least one service to take part'
			}
		});
	});

	it('reads a good form into a round, keeping the last of a text field posted twice', () => {
		const w = world();
		const result = readRoundForm(
			w.db,
			w.organisationId,
			posted({
				title: ['Draft title', 'Spring 2026'],
				frameworkId: w.frameworkId,
				...goodDates,
				serviceIds: [w.serviceId, w.serviceId]
			})
		);
		expect(result).toEqual({
			ok: true,
			data: {
				title: 'Spring 2026',
				frameworkId: w.frameworkId,
				periodStart: '2026-04-01',
				periodEnd: '2026-09-30',
				serviceIds: [w.serviceId],
				groupingIds: [],
				serviceTypes: []
			}
		});
	});
});
