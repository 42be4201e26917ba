import { describe, expect, it } from 'vitest';
import {
	fieldOfHeading,
	headingKey,
	mappingOverrideSchema,
	readHeadings
} from '$lib/domain/import/headers';
import type { Cell } from '$lib/domain/import/cells';

const sheet = (...rows: Cell[][]) => rows.map((cells, i) => ({ row: i + 1, cells }));
const TEMPLATE = [
	'Round title',
	'Round start',
	'Round end',
	'Service',
	'Grouping',
	'Type of service',
	'Challenge',
	'Agreed level',
	'Evidence',
	'Why this level',
	'Next step',
	'Evidence sources',
	'Priority rank'
];

describe('reading a heading as a field', () => {
	it.each([
		['Round title', 'roundTitle'],
		['ROUND TITLE ', 'roundTitle'],
		['Audit name', 'roundTitle'],
		['Start date', 'roundStart'],
		['Round start (dd/mm/yyyy)', 'roundStart'],
		['End date', 'roundEnd'],
		['Team', 'service'],
		['Service name *', 'service'],
		['Directorate', 'grouping'],
		['Care group', 'grouping'],
		['Service type', 'serviceType'],
		['Challenge no.', 'challenge'],
		['Score', 'agreedLevel'],
		['Level', 'agreedLevel'],
		['Stage', 'agreedLevel'],
		['Rationale', 'rationale'],
		['Why?', 'rationale'],
		['Next steps', 'nextStep'],
		['Sources of evidence', 'evidenceSources'],
		['Priority (1-3)', 'priorityRank'],
		['Evidence sources (optional)', 'evidenceSources']
	])('reads “%s” as %s', (heading, field) => {
		expect(fieldOfHeading(heading)).toBe(field);
	});

	it('reads nothing from an unknown or empty heading, and takes extra headings given', () => {
		expect(fieldOfHeading('Notes')).toBeNull();
		expect(fieldOfHeading('  ')).toBeNull();
		expect(fieldOfHeading('Borough', { borough: 'grouping' })).toBe('grouping');
	});

	it('compares headings without capitals, brackets, punctuation or “&”', () => {
		expect(headingKey('  Service & Team (required)* ')).toBe('service and team');
	});
});

describe('finding the heading row', () => {
	it('reads the template’s headings in the first row', () => {
		const result = readHeadings(sheet(TEMPLATE, ['Spring 2024']));
		expect(result.headerRow).toBe(1);
		expect(result.problems).toEqual([]);
		expect(result.missing).toEqual([]);
		expect(result.notes).toEqual([]);
		expect(result.fieldColumns.priorityRank?.letter).toBe('M');
		expect(result.fieldColumns.service).toEqual({
			index: 3,
			letter: 'D',
			heading: 'Service',
			field: 'service',
			ignored: false
		});
	});

	it('skips title rows and merged cells above the headings', () => {
		const result = readHeadings(
			sheet(
				['Recovery audit 2019–2023', null, null],
				[null, null, null],
				['Round', 'Team', 'Notes'],
				['Audit', 'From', 'To', 'Team', 'Challenge', 'Score', 'Comments'],
				['Spring', '1/3/2019', '31/5/2019', 'Ashford CMHT', 1, 2, '']
			)
		);
		expect(result.headerRow).toBe(4);
		expect(
			Object.fromEntries(Object.entries(result.fieldColumns).map(([f, c]) => [f, c.letter]))
		).toEqual({
			roundTitle: 'A',
			roundStart: 'B',
			roundEnd: 'C',
			service: 'D',
			challenge: 'E',
			agreedLevel: 'F'
		});
		expect(result.notes).toEqual([
			{
				row: 4,
				column: 'G',
				message:
					'Column G’s heading “Comments” is not one of the template’s, so the column is not read. Choose the field it holds, or leave it out.'
			}
		]);
		expect(result.problems).toEqual([]);
	});

	it('says so when no row has three headings', () => {
		const result = readHeadings(sheet(['Name', 'Date'], ['Ashford', '1/1/2024']));
		expect(result.headerRow).toBeNull();
		expect(result.problems).toEqual([
			{
				message:
					'No row of headings was found in the first 30 rows. Put the headings of the template (Round title, Round start, Round end, Service, Challenge, Agreed level) in one row above the data.'
			}
		]);
	});

	it('reports the required fields no column holds', () => {
		const result = readHeadings(sheet(['Round title', 'Service', 'Challenge', 'Evidence']));
		expect(result.missing).toEqual(['roundStart', 'roundEnd', 'agreedLevel']);
		expect(result.problems.map((p) => p.message)).toEqual([
			'There is no Round start column. Add one headed “Round start”, or choose which column holds it.',
			'There is no Round end column. Add one headed “Round end”, or choose which column holds it.',
			'There is no Agreed level column. Add one headed “Agreed level”, or choose which column holds it.'
		]);
		expect(result.problems[0]).toMatchObject({ row: 1, field: 'roundStart' });
	});

	it('refuses two columns read as the same field', () => {
		const result = readHeadings(sheet([...TEMPLATE, 'Score']));
		expect(result.problems).toEqual([
			{
				row: 1,
				column: 'N',
				field: 'agreedLevel',
				message:
					'Columns H (“Agreed level”) and N (“Score”) are both read as Agreed level. Choose another field for one of them, or leave it out.'
			}
		]);
		expect(result.fieldColumns.agreedLevel?.letter).toBe('H');
	});

	it('takes a person’s mapping first: a heading re-mapped, another left out', () => {
		const rows = sheet([
			'Round title',
			'Start',
			'Finish',
			'Service',
			'Challenge',
			'Agreed level',
			'Score (old)',
			'Comments'
		]);
		const before = readHeadings(rows);
		expect(before.missing).toEqual(['roundEnd']);
		expect(before.problems).toHaveLength(2);
		const after = readHeadings(rows, {
			finish: 'roundEnd',
			'Score (old)': 'ignore',
			Comments: 'rationale'
		});
		expect(after.problems).toEqual([]);
		expect(after.notes).toEqual([]);
		expect(after.fieldColumns.roundEnd?.letter).toBe('C');
		expect(after.fieldColumns.rationale?.letter).toBe('H');
		expect(after.columns[6]).toEqual({
			index: 6,
			letter: 'G',
			heading: 'Score (old)',
			field: null,
			ignored: true
		});
	});

	it('checks a posted mapping’s shape', () => {
		expect(mappingOverrideSchema.safeParse({ Team: 'service', Notes: 'ignore' }).success).toBe(
			true
		);
		expect(mappingOverrideSchema.safeParse({ Team: 'password' }).success).toBe(false);
	});
});
