import { describe, expect, it } from 'vitest';
import { previewAuditImport, type AuditImportInput } from '$lib/domain/import/audit-rows';
import type { Cell } from '$lib/domain/import/cells';

const pack = {
	key: 'imroc-2010',
	version: 1,
	scale: [
		{ value: 1, name: 'Not yet started' },
		{ value: 2, name: 'Engagement' },
		{ value: 3, name: 'Development' },
		{ value: 4, name: 'Transformation' }
	],
	challenges: [
		{ key: 'interactions', name: 'Day-to-day interactions', shortLabel: 'Interactions' },
		{ key: 'training', name: 'User-led education and training', shortLabel: 'Training' },
		{ key: 'recovery-college', name: 'Recovery Education Unit', shortLabel: 'Recovery college' }
	]
};
const HEAD = [
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
type Row = Cell[];
const row = (over: Partial<Record<string, Cell>> = {}): Row => {
	const base: Record<string, Cell> = {
		title: 'Spring 2024',
		start: '01/03/2024',
		end: '31/05/2024',
		service: 'Ashford CMHT',
		grouping: 'North',
		type: 'Community mental health team',
		challenge: 1,
		level: 2,
		evidence: 'Staff survey',
		why: 'Started',
		next: 'Train',
		sources: '',
		rank: null,
		...over
	};
	return Object.values(base);
};
const input = (rows: Row[], over: Partial<AuditImportInput> = {}): AuditImportInput => ({
	rows: [HEAD, ...rows].map((cells, i) => ({ row: i + 1, cells })),
	pack,
	services: [],
	rounds: [],
	...over
});

describe('previewing an import of past audits', () => {
	it('builds rounds, services and scores from clean rows', () => {
		const preview = previewAuditImport(
			input([
				row(),
				row({
					challenge: 'Training',
					level: 'Stage 3',
					sources: 'Staff views; care plans',
					rank: '1'
				}),
				row({ title: 'Autumn 2024', start: '1-Sep-2024', end: 45626, service: 'Bexley Ward' }),
				[null, '', '   ']
			])
		);
		expect(preview.problems).toEqual([]);
		expect(preview.warnings).toEqual([]);
		expect(preview.dataRows).toBe(3);
		expect(preview.rounds).toEqual([
			{
				key: 'spring 2024',
				title: 'Spring 2024',
				periodStart: '2024-03-01',
				periodEnd: '2024-05-31',
				firstRow: 2,
				services: 1,
				scores: 2
			},
			{
				key: 'autumn 2024',
				title: 'Autumn 2024',
				periodStart: '2024-09-01',
				periodEnd: '2024-11-30',
				firstRow: 4,
				services: 1,
				scores: 1
			}
		]);
		expect(
			preview.services.map((s) => [s.name, s.status, s.groupingName, s.serviceType, s.scores])
		).toEqual([
			['Ashford CMHT', 'new', 'North', 'Community mental health team', 2],
			['Bexley Ward', 'new', 'North', 'Community mental health team', 1]
		]);
		expect(preview.scores[1]).toEqual({
			row: 3,
			roundKey: 'spring 2024',
			serviceKey: 'ashford cmht',
			challengeKey: 'training',
			challengePosition: 2,
			level: 3,
			evidence: 'Staff survey',
			rationale: 'Started',
			nextStep: 'Train',
			evidenceSources: ['care_plans', 'staff_views'],
			priorityRank: 1
		});
	});

	it('reports each missing or unreadable value with its row and column', () => {
		const preview = previewAuditImport(
			input([
				row({ title: '', level: 7 }),
				row({ start: '11/23/2024', challenge: 'Peer work' }),
				row({ end: '31/02/2024', rank: 4, sources: 'Gossip' })
			])
		);
		expect(preview.problems).toEqual([
			{ row: 2, column: 'A', field: 'roundTitle', message: 'The round title is missing.' },
			{
				row: 2,
				column: 'H',
				field: 'agreedLevel',
				message:
					'Agreed level: “7” is not a level on the scale: use a level from 1 (Not yet started) to 4 (Transformation), by its number or its name.'
			},
			{
				row: 3,
				column: 'B',
				field: 'roundStart',
				message:
					'Round start: “11/23/2024” is not a UK date: it reads month first, and there is no month 23. Write the day first, as 23/11/2024.'
			},
			{
				row: 3,
				column: 'G',
				field: 'challenge',
				message:
					'Challenge: “Peer work” is not a challenge of this framework. Name a challenge by its number (1 to 3), its key (such as “interactions”), its name or its short label (such as “Interactions”).'
			},
			{
				row: 4,
				column: 'C',
				field: 'roundEnd',
				message: 'Round end: “31/02/2024” is not a real date: February 2024 has 29 days.'
			},
			{
				row: 4,
				column: 'L',
				field: 'evidenceSources',
				message:
					'Evidence sources: “Gossip” is not a source of evidence. Use Assessments, Care plans, Service information, Staff views, Views of people using the service, Carer views, Other, separated by semicolons.'
			},
			{
				row: 4,
				column: 'M',
				field: 'priorityRank',
				message:
					'Priority rank: “4” is not a priority rank. Give 1, 2 or 3 for the team’s top three priorities, or leave it blank.'
			}
		]);
		expect(preview.scores).toEqual([]);
	});

	it('refuses a round that ends before it starts, once, and a round given two periods', () => {
		const preview = previewAuditImport(
			input([
				row({ title: 'Backwards', start: '31/05/2024', end: '01/03/2024' }),
				row({ title: 'Backwards', start: '31/05/2024', end: '01/03/2024', challenge: 2 }),
				row(),
				row({ end: '30/06/2024', challenge: 2 })
			])
		);
		expect(preview.problems).toEqual([
			{
				row: 2,
				column: 'C',
				field: 'roundEnd',
				message:
					'Round end: the round “Backwards” ends on 1 March 2024, before it starts on 31 May 2024.'
			},
			{
				row: 5,
				column: 'C',
				field: 'roundEnd',
				message:
					'The round “Spring 2024” runs 1 March 2024 to 30 June 2024 here, but 1 March 2024 to 31 May 2024 in row 4. A round has one period: give the same dates on each of its rows.'
			}
		]);
		expect(preview.scores.map((s) => s.row)).toEqual([4]);
	});

	it('counts an exact repeat once with a warning, and refuses a conflicting one', () => {
		const preview = previewAuditImport(
			input([row(), row({ start: 45352 }), row({ level: 'Development' })])
		);
		expect(preview.warnings).toEqual([
			{
				row: 3,
				message:
					'Row 3 repeats row 2 exactly (the same round, service, challenge and values); it is counted once.'
			}
		]);
		expect(preview.problems).toEqual([
			{
				row: 4,
				message:
					'Row 4 gives a different score from row 2 for the same round (“Spring 2024”), service (“Ashford CMHT”) and challenge (1). Keep one of the two rows.'
			}
		]);
		expect(preview.scores).toHaveLength(1);
	});

	it('refuses the same priority rank twice for one service in one round', () => {
		const preview = previewAuditImport(
			input([row({ rank: 1 }), row({ challenge: 2, rank: 1 }), row({ challenge: 3, rank: 2 })])
		);
		expect(preview.problems).toEqual([
			{
				row: 3,
				column: 'M',
				field: 'priorityRank',
				message:
					'Priority rank: row 2 already gives priority rank 1 to challenge 1 for “Ashford CMHT” in “Spring 2024”. Each rank is given once for a service in a round.'
			}
		]);
		expect(preview.scores.map((s) => s.priorityRank)).toEqual([1, 2]);
	});

	it('refuses a round that overlaps one of the organisation’s on the same framework', () => {
		const rounds = [
			{
				id: 'r1',
				title: 'Summer 2024',
				frameworkKey: 'imroc-2010',
				periodStart: '2024-05-31',
				periodEnd: '2024-08-31'
			},
			{
				id: 'r2',
				title: 'Other pack',
				frameworkKey: 'sapt',
				periodStart: '2024-03-01',
				periodEnd: '2024-05-31'
			},
			{
				id: 'r3',
				title: 'Winter',
				frameworkKey: 'imroc-2010',
				periodStart: '2023-12-01',
				periodEnd: '2024-02-29'
			}
		];
		const preview = previewAuditImport(input([row()], { rounds }));
		expect(preview.problems).toEqual([
			{
				row: 2,
				column: 'B',
				field: 'roundStart',
				message:
					'The round “Spring 2024” (1 March 2024 to 31 May 2024) overlaps the organisation’s round “Summer 2024” (31 May 2024 to 31 August 2024) on the same framework. Change its dates, or leave its rows out.'
			}
		]);
	});

	it('refuses two rounds of the file whose periods overlap, naming the first one', () => {
		const preview = previewAuditImport(
			input([
				row(),
				row({ title: 'Early summer 2024', start: '15/05/2024', end: '31/07/2024' }),
				row({ title: 'Autumn 2024', start: '01/09/2024', end: '30/11/2024' })
			])
		);
		expect(preview.problems).toEqual([
			{
				row: 3,
				column: 'B',
				field: 'roundStart',
				message:
					'The round “Early summer 2024” (15 May 2024 to 31 July 2024) overlaps the round “Spring 2024” (1 March 2024 to 31 May 2024) in row 2 of this file. Change its dates, or make them one round with one title.'
			}
		]);
	});

	it('matches a service exactly, and only suggests a close one until the person chooses', () => {
		const services = [
			{ id: 's1', name: 'Ashford Community Mental Health Team' },
			{ id: 's2', name: 'Bexley Ward' }
		];
		const rows = [row(), row({ service: 'BEXLEY  WARD' })];
		const before = previewAuditImport(input(rows, { services }));
		expect(before.services.map((s) => [s.name, s.status, s.existing?.id ?? null])).toEqual([
			['Ashford CMHT', 'suggested', null],
			['BEXLEY  WARD', 'matched', 's2']
		]);
		expect(before.problems).toEqual([
			{
				row: 2,
				column: 'D',
				field: 'service',
				message:
					'Service: “Ashford CMHT” is not exactly the name of a service, but is close to “Ashford Community Mental Health Team”. Choose whether it is that service or a new service.'
			}
		]);
		const confirmed = previewAuditImport(
			input(rows, { services, serviceChoices: { 'ashford cmht': 's1' } })
		);
		expect(confirmed.problems).toEqual([]);
		expect(confirmed.services[0]).toMatchObject({ status: 'matched', existing: services[0] });
		const asNew = previewAuditImport(
			input(rows, { services, serviceChoices: { 'Ashford CMHT': 'new' } })
		);
		expect(asNew.problems).toEqual([]);
		expect(asNew.services[0]).toMatchObject({ status: 'new', existing: null });
	});

	it('refuses hidden characters and text that is too long', () => {
		const preview = previewAuditImport(
			input([
				row({ service: 'Ashford\tCMHT', evidence: 'Line one\nline two' }),
				row({ title: 'Spring\u202e 2024', why: 'x'.repeat(10_001) }),
				row({ next: 'bad\u0007bell', challenge: 3 })
			])
		);
		expect(preview.problems.map((p) => [p.row, p.column, p.message])).toEqual([
			[
				2,
				'D',
				'Service: the text holds a hidden character (such as a line break or a tab); it must be one line. Type it again in the file rather than pasting it.'
			],
			[
				3,
				'A',
				'Round title: the text holds a hidden character that changes its direction. Type it again in the file rather than pasting it.'
			],
			[3, 'J', 'Why this level: the text is 10,001 characters long; it can be at most 10,000.'],
			[
				4,
				'K',
				'Next step: the text holds a hidden control character. Type it again in the file rather than pasting it.'
			]
		]);
	});

	it('warns of a service given two groupings, and of columns it does not read', () => {
		const rows = [
			[...HEAD, 'Notes'],
			[...row(), 'n'],
			[...row({ challenge: 2, grouping: 'South' }), '']
		].map((cells, i) => ({ row: i + 1, cells }));
		const preview = previewAuditImport({ rows, pack, services: [], rounds: [] });
		expect(preview.problems).toEqual([]);
		expect(preview.warnings.map((w) => [w.row, w.column, w.message])).toEqual([
			[
				1,
				'N',
				'Column N’s heading “Notes” is not one of the template’s, so the column is not read. Choose the field it holds, or leave it out.'
			],
			[
				3,
				'E',
				'Grouping: “South” differs from “North” given for the service in row 2; the first is kept.'
			]
		]);
	});

	it('says so when there are headings but no scores, or no headings', () => {
		expect(previewAuditImport(input([[null], ['']])).problems).toEqual([
			{ row: 1, message: 'There are headings but no rows of scores below them.' }
		]);
		const none = previewAuditImport({
			rows: [{ row: 1, cells: ['a', 'b'] }],
			pack,
			services: [],
			rounds: []
		});
		expect(none.problems).toHaveLength(1);
		expect(none.scores).toEqual([]);
	});

	it('gives the same fingerprint for the same content in another order and spelling', () => {
		const a = previewAuditImport(input([row(), row({ challenge: 2, level: 3 })]));
		const b = previewAuditImport(
			input([
				row({ challenge: 'training', level: 'Development', title: 'SPRING 2024' }),
				row({ start: 45352, level: 'Stage 2' })
			])
		);
		const c = previewAuditImport(input([row(), row({ challenge: 2, level: 4 })]));
		expect(b.problems).toEqual([]);
		expect(b.fingerprint).toBe(a.fingerprint);
		expect(c.fingerprint).not.toBe(a.fingerprint);
		expect(JSON.parse(a.fingerprint).pack).toEqual(['imroc-2010', 1]);
	});
});
