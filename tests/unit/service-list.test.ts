import { describe, expect, it } from 'vitest';
import {
	readServiceList,
	serviceListProblems,
	serviceTypeNamed,
	SERVICE_LIST_MAX_LINES,
	type ServiceListContext
} from '$lib/domain/service-list';

const context: ServiceListContext = {
	existingServiceNames: ['Ashford CMHT'],
	groupings: [{ id: 'g-adult', name: 'Adult community' }],
	groupingWord: 'directorate'
};

const read = (text: string) => readServiceList(text, context);

describe('reading a pasted list of services', () => {
	it('reads a spreadsheet paste: tab-separated, type and grouping matched by name in any case', () => {
		const preview = read(
			'Bridgeford CMHT\tcommunity MENTAL health team\tadult community\n' +
				'Willow Ward\tAcute inpatient ward\tInpatient\n' +
				'Oak Ward\tacute inpatient ward\tinpatient\n'
		);
		expect(preview.listProblem).toBeNull();
		expect(preview.lines).toEqual([
			{
				line: 1,
				name: 'Bridgeford CMHT',
				type: 'Community mental health team',
				typeGiven: true,
				grouping: { id: 'g-adult', name: 'Adult community' },
				problems: []
			},
			{
				line: 2,
				name: 'Willow Ward',
				type: 'Acute inpatient ward',
				typeGiven: true,
				grouping: { id: null, name: 'Inpatient' },
				problems: []
			},
			{
				line: 3,
				name: 'Oak Ward',
				type: 'Acute inpatient ward',
				typeGiven: true,
				grouping: { id: null, name: 'Inpatient' },
				problems: []
			}
		]);
		// One new grouping, as first written, however many lines name it.
		expect(preview.newGroupings).toEqual(['Inpatient']);
		expect(serviceListProblems(preview)).toEqual([]);
	});

	it('reads commas when no line has a tab, with quotes around a name that holds a comma', () => {
		const preview = read(
			'"Ashford, Kent CMHT", Community mental health team\r\nRecovery College,recovery college'
		);
		expect(preview.lines.map((l) => [l.name, l.type])).toEqual([
			['Ashford, Kent CMHT', 'Community mental health team'],
			['Recovery College', 'Recovery college']
		]);
	});

	it('makes type and grouping optional: a line with only a name is of type Other, in no grouping', () => {
		const [line] = read('Peer support hub').lines;
		expect(line).toMatchObject({
			name: 'Peer support hub',
			type: 'Other',
			typeGiven: false,
			grouping: null,
			problems: []
		});
		const [withGrouping] = read('Crisis cafe,,Adult community').lines;
		expect(withGrouping).toMatchObject({
			type: 'Other',
			typeGiven: false,
			grouping: { id: 'g-adult' }
		});
	});

	it('leaves out blank lines and the empty cells a copied row ends with, but keeps the numbering', () => {
		const preview = read('\nNorth EIP\tEarly intervention in psychosis\t\t\n\n  \nSouth EIP\n');
		expect(preview.lines.map((l) => [l.line, l.name, l.problems])).toEqual([
			[2, 'North EIP', []],
			[5, 'South EIP', []]
		]);
	});

	it('skips a first line of column headings, and says so', () => {
		const preview = read('Service\tType\tDirectorate\nNorth EIP\tEarly intervention in psychosis');
		expect(preview.headingsSkipped).toBe(true);
		expect(preview.lines.map((l) => [l.line, l.name])).toEqual([[2, 'North EIP']]);
		expect(read('North EIP').headingsSkipped).toBe(false);
	});

	it('names every problem by its line: unknown type, repeated name, name already there, too long, too many columns', () => {
		const long = 'x'.repeat(201);
		const preview = read(
			[
				'Bridgeford CMHT\tCMHT', // 1: not a type on the list
				'Willow Ward\tAcute inpatient ward', // 2: fine
				'willow ward\tAcute inpatient ward', // 3: repeats line 2 (in other capitals)
				'ashford cmht\tCommunity mental health team', // 4: the organisation has it already
				`${long}\tOther`, // 5: too long
				'Oak Ward\tAcute inpatient ward\tInpatient\tExtra', // 6: four columns
				'\tOther' // 7: no name
			].join('\n')
		);
		expect(serviceListProblems(preview)).toEqual([
			{ line: 1, message: 'Line 1: “CMHT” is not one of the types of service' },
			{
				line: 3,
				message: 'Line 3: “willow ward” is also on line 2; each service needs its own name'
			},
			{
				line: 4,
				message: 'Line 4: the organisation already has a service called “ashford cmht”'
			},
			{
				line: 5,
				message: 'Line 5: the service name is 201 characters long; it must be 200 or fewer'
			},
			{
				line: 6,
				message:
					'Line 6: it has 4 columns; use at most three: the service, its type and its directorate'
			},
			{ line: 7, message: 'Line 7: the service name is missing' }
		]);
		// Every line is still shown, as it would be saved once put right.
		expect(preview.lines).toHaveLength(7);
	});

	it('joins two problems on one line into one message', () => {
		expect(serviceListProblems(read('Ashford CMHT\tWard'))).toEqual([
			{
				line: 1,
				message:
					'Line 1: the organisation already has a service called “Ashford CMHT”; “Ward” is not one of the types of service'
			}
		]);
	});

	it('refuses an empty paste and one that is too long, as a whole', () => {
		expect(read(' \n\n').listProblem).toBe('Paste or type at least one service, one on each line');
		expect(read('Service\tType\n').listProblem).toBe(
			'Paste or type at least one service, one on each line'
		);
		const many = Array.from({ length: SERVICE_LIST_MAX_LINES + 1 }, (_, i) => `Team ${i}`);
		expect(read(many.join('\n')).listProblem).toBe(
			`The list has ${SERVICE_LIST_MAX_LINES + 1} services. Add at most ${SERVICE_LIST_MAX_LINES} at a time`
		);
	});

	it('refuses a grouping name longer than a grouping may be', () => {
		const [line] = read(`North EIP\tOther\t${'g'.repeat(101)}`).lines;
		expect(line.problems).toEqual([
			'the directorate name is 101 characters long; it must be 100 or fewer'
		]);
	});

	it('matches types of service by name only, ignoring capitals and spacing', () => {
		expect(serviceTypeNamed('  recovery   COLLEGE ')).toBe('Recovery college');
		expect(serviceTypeNamed('Child and adolescent (CAMHS)')).toBe('Child and adolescent (CAMHS)');
		expect(serviceTypeNamed('CAMHS')).toBeNull();
	});
});
