// Telling whether a service named in a file is one the organisation already has. Names equal
// once capitals, spaces, punctuation and "&"/"and" are set aside are the same service. A name
// that is only close ("Ashford CMHT", "Ashford Community Mental Health Team") is a suggestion for
// the person to confirm, never a match made silently.

/** Abbreviations NHS mental health services are often named with, and what they stand for. */
const ABBREVIATIONS: Record<string, string> = {
	cmht: 'community mental health team',
	cmhs: 'community mental health service',
	crht: 'crisis resolution home treatment team',
	crhtt: 'crisis resolution home treatment team',
	htt: 'home treatment team',
	eip: 'early intervention in psychosis',
	eis: 'early intervention service',
	mh: 'mental health',
	ot: 'occupational therapy',
	picu: 'psychiatric intensive care unit',
	camhs: 'child adolescent mental health service',
	ld: 'learning disability',
	ips: 'individual placement support',
	oa: 'older adults',
	opmh: 'older people mental health',
	rehab: 'rehabilitation',
	svc: 'service',
	svcs: 'services',
	ctr: 'centre',
	dept: 'department',
	st: 'saint'
};

/** Words too common in service names to tell one service from another. */
const COMMON_WORDS = new Set([
	'community',
	'mental',
	'health',
	'team',
	'teams',
	'service',
	'services',
	'ward',
	'unit',
	'home',
	'treatment',
	'crisis',
	'resolution',
	'early',
	'intervention',
	'psychosis',
	'the',
	'of',
	'in',
	'for',
	'nhs',
	'trust',
	'centre',
	'hospital'
]);

/** A name's words: lower case, "&" and "and" left out, apostrophes dropped, other marks spaces. */
function wordsOf(name: string): string[] {
	return name
		.normalize('NFKC')
		.toLocaleLowerCase('en-GB')
		.replace(/['’‘`]/g, '')
		.replace(/&/g, ' ')
		.split(/[^\p{L}\p{N}]+/u)
		.filter((word) => word !== '' && word !== 'and');
}

/** A name as compared for an exact match: two names with the same key are the same service. */
export function serviceNameKey(name: string): string {
	return wordsOf(name).join(' ');
}

/** The words of a name with its abbreviations spelt out. */
export function expandedWords(name: string): string[] {
	return wordsOf(name).flatMap((word) => (ABBREVIATIONS[word] ?? word).split(' '));
}

/** Edit distance with adjacent letters swapped counting as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
	const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
		Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
	);
	for (let i = 1; i <= a.length; i++)
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
				d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
		}
	return d[a.length][b.length];
}

/** Two words are alike when equal, or long enough and at most one letter in six different. */
function alike(a: string, b: string): boolean {
	if (a === b) return true;
	const longer = Math.max(a.length, b.length);
	if (Math.min(a.length, b.length) < 4) return false;
	return editDistance(a, b) / longer <= 1 / 6 + 1e-9;
}

const weight = (word: string) => (COMMON_WORDS.has(word) || /^\d+$/.test(word) ? 0.25 : 1);

/**
 * How alike two service names are, from 0 to 1: the share of their words (spelt out) that the
 * other has too, common words ("team", "community") counting for little, so that the place or
 * ward name decides. Numbers count little but must agree ("Ward 3" is not "Ward 4").
 */
export function serviceNameSimilarity(a: string, b: string): number {
	const wordsA = [...new Set(expandedWords(a))];
	const wordsB = [...new Set(expandedWords(b))];
	if (wordsA.length === 0 || wordsB.length === 0) return 0;
	const numbersA = wordsA.filter((w) => /^\d+$/.test(w)).sort();
	const numbersB = wordsB.filter((w) => /^\d+$/.test(w)).sort();
	if (numbersA.join(' ') !== numbersB.join(' ')) return 0;
	const shared = (from: string[], to: string[]) =>
		from.filter((w) => to.some((v) => alike(w, v))).reduce((sum, w) => sum + weight(w), 0);
	const total = (words: string[]) => words.reduce((sum, w) => sum + weight(w), 0);
	return (shared(wordsA, wordsB) + shared(wordsB, wordsA)) / (total(wordsA) + total(wordsB));
}

/** How alike two names must be to be suggested as the same service. */
export const SUGGESTION_THRESHOLD = 0.8;
/** How many suggestions are offered for one name at most. */
const MAX_SUGGESTIONS = 3;

export interface KnownService {
	id: string;
	name: string;
}

export type ServiceNameMatch<S extends KnownService> =
	{ kind: 'matched'; service: S } | { kind: 'suggested'; suggestions: S[] } | { kind: 'new' };

/**
 * What a name in a file is among the organisation's services: the one it names exactly (after
 * normalising), else the closest few for the person to choose from, else a new service.
 */
export function matchServiceName<S extends KnownService>(
	name: string,
	services: readonly S[]
): ServiceNameMatch<S> {
	const key = serviceNameKey(name);
	const exact = services.find((s) => serviceNameKey(s.name) === key);
	if (exact) return { kind: 'matched', service: exact };
	const suggestions = services
		.map((service) => ({ service, score: serviceNameSimilarity(name, service.name) }))
		.filter((s) => s.score >= SUGGESTION_THRESHOLD)
		.sort((a, b) => b.score - a.score || a.service.name.localeCompare(b.service.name))
		.slice(0, MAX_SUGGESTIONS)
		.map((s) => s.service);
	return suggestions.length > 0 ? { kind: 'suggested', suggestions } : { kind: 'new' };
}
