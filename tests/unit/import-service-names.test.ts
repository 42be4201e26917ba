import { describe, expect, it } from 'vitest';
import {
	expandedWords,
	matchServiceName,
	serviceNameKey,
	serviceNameSimilarity,
	SUGGESTION_THRESHOLD
} from '$lib/domain/import/service-names';

const services = [
	{ id: 's1', name: 'Ashford Community Mental Health Team' },
	{ id: 's2', name: 'Bexley CMHT' },
	{ id: 's3', name: 'Crisis & Home Treatment (North)' },
	{ id: 's4', name: 'St Ann’s Ward' },
	{ id: 's5', name: 'Ward 3' },
	{ id: 's6', name: 'Rose PICU' }
];

describe('service names', () => {
	it('compares names without capitals, spaces, punctuation or “&”/“and”', () => {
		expect(serviceNameKey('  Crisis & Home-Treatment  (NORTH) ')).toBe(
			'crisis home treatment north'
		);
		expect(serviceNameKey("St Ann's ward")).toBe('st anns ward');
	});

	it.each([
		['ashford community mental health team', 's1'],
		['Ashford  Community Mental-Health Team.', 's1'],
		['Crisis and Home Treatment - North', 's3'],
		["ST ANN'S WARD", 's4'],
		['bexley cmht', 's2']
	])('matches “%s” exactly after normalising', (name, id) => {
		expect(matchServiceName(name, services)).toEqual({
			kind: 'matched',
			service: services.find((s) => s.id === id)
		});
	});

	it('spells out common NHS abbreviations', () => {
		expect(expandedWords('Ashford CMHT')).toEqual([
			'ashford',
			'community',
			'mental',
			'health',
			'team'
		]);
		expect(expandedWords('Bexley EIP')).toEqual([
			'bexley',
			'early',
			'intervention',
			'in',
			'psychosis'
		]);
		expect(expandedWords('MH OT')).toEqual(['mental', 'health', 'occupational', 'therapy']);
	});

	it('suggests, never matches, a name that is only close', () => {
		expect(matchServiceName('Ashford CMHT', services)).toEqual({
			kind: 'suggested',
			suggestions: [services[0]]
		});
		expect(matchServiceName('Bexley Community Mental Health Team', services)).toEqual({
			kind: 'suggested',
			suggestions: [services[1]]
		});
		expect(matchServiceName('Rose Psychiatric Intensive Care Unit', services)).toEqual({
			kind: 'suggested',
			suggestions: [services[5]]
		});
		expect(matchServiceName('Ashfrod Community Mental Health Team', services)).toEqual({
			kind: 'suggested',
			suggestions: [services[0]]
		});
	});

	it('does not suggest a service in another place, or another ward number', () => {
		expect(matchServiceName('Dartford CMHT', services)).toEqual({ kind: 'new' });
		expect(matchServiceName('Ward 4', services)).toEqual({ kind: 'new' });
		expect(matchServiceName('Ashford Older Adults CMHT', services)).toEqual({ kind: 'new' });
		expect(serviceNameSimilarity('Ashford CMHT', 'Bexley CMHT')).toBeLessThan(SUGGESTION_THRESHOLD);
		expect(serviceNameSimilarity('Ashford CMHT', 'Ashford Crisis Team')).toBeLessThan(
			SUGGESTION_THRESHOLD
		);
	});

	it('scores alike names high and unlike names low', () => {
		expect(serviceNameSimilarity('Ashford CMHT', 'Ashford Community Mental Health Team')).toBe(1);
		expect(serviceNameSimilarity('Bexley HTT', 'Bexley Home Treatment Team')).toBe(1);
		expect(
			serviceNameSimilarity('Bexley CRHT', 'Bexley Crisis Resolution and Home Treatment Team')
		).toBe(1);
		expect(serviceNameSimilarity('Ashford CMHT', 'Bexley CMHT')).toBe(0.5);
		expect(serviceNameSimilarity('', 'Bexley CMHT')).toBe(0);
	});

	it('offers the closest few, closest first', () => {
		const many = [
			{ id: 'a', name: 'Ashford CMHT North' },
			{ id: 'b', name: 'Ashford Community Mental Health Team' }
		];
		expect(matchServiceName('Ashford Community MH Team', many)).toEqual({
			kind: 'suggested',
			suggestions: [many[1], many[0]]
		});
	});
});
