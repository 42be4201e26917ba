import { z } from 'zod';
import { findJsonSyntaxError, lineAndColumn } from './json-syntax';
import { freeTextProblem, type FreeTextKind } from './free-text';

/** Text of a pack: names and labels are one line; descriptions may have line breaks. */
const text = (max: number, kind: FreeTextKind = 'line') =>
	z
		.string()
		.trim()
		.min(1)
		.max(max)
		.refine((value) => freeTextProblem(value, kind) === null, { params: { kind } });

/** A pack's or a challenge's key: the words of this rule are said again in its problem. */
const KEY = /^[a-z0-9][a-z0-9-]{0,79}$/;

const levelSchema = z.object({
	value: z.number().int().min(0).max(100),
	name: text(100),
	description: text(2000, 'long')
});

const challengeSchema = z.object({
	key: z.string().regex(KEY),
	name: text(300),
	shortLabel: text(60),
	/** Optional indicator text, keyed by level value. */
	indicators: z.record(z.string().regex(/^\d+$/), text(4000, 'long')).optional()
});

/**
 * The shape of a framework pack: the challenges a service scores itself against and the ordered
 * scale it scores with. Nothing else in the app assumes how many of either there are. The checks
 * across fields (the scale's order, keys used twice, indicators for levels not on the scale) are
 * in `crossChecks`, which runs whatever the shape, so that a file's problems are found at once.
 */
const packShape = z.object({
	key: z.string().regex(KEY),
	version: z.number().int().positive(),
	name: text(200),
	attribution: text(2000, 'long'),
	licence: z
		.string()
		.trim()
		.max(2000)
		.refine((value) => freeTextProblem(value, 'long') === null, { params: { kind: 'long' } })
		.optional(),
	scale: z.array(levelSchema).min(2).max(20),
	challenges: z.array(challengeSchema).min(1).max(100)
});

export type FrameworkPack = z.infer<typeof packShape>;

export type PackPath = readonly PropertyKey[];
type Path = PackPath;

/**
 * One problem: where it is (for putting problems in file order, or finding its cell in a
 * workbook), what it says without its place, and the whole sentence with the place of a JSON file.
 */
export interface PackProblem {
	path: Path;
	says: string;
	text: string;
}
type Problem = PackProblem;

const FIELD_WORDS: Record<string, string> = {
	key: 'key',
	version: 'version',
	name: 'name',
	attribution: 'attribution',
	licence: 'licence',
	scale: 'scale',
	challenges: 'list of challenges',
	value: 'value',
	description: 'description',
	shortLabel: 'short label',
	indicators: 'indicator text'
};

/** Where a path is, as a person finds it in the file: "Challenge 2" or "Level 1 of the scale". */
function placeOf(path: Path): string | null {
	if (path[0] === 'scale' && typeof path[1] === 'number')
		return `Level ${path[1] + 1} of the scale`;
	if (path[0] === 'challenges' && typeof path[1] === 'number') return `Challenge ${path[1] + 1}`;
	return null;
}

/** What a path names, as the subject of a sentence: "the short label", "the pack's name". */
function subjectOf(path: Path): string {
	if (path.length === 0) return 'the file';
	if (path.length === 2) return 'it';
	if (path[0] === 'challenges' && path[2] === 'indicators' && path.length > 3)
		return `the indicator text for level ${String(path[3])}`;
	const field = String(path.length > 2 ? path[2] : path[0]);
	const words = FIELD_WORDS[field] ?? `the field “${field}”`;
	if (path.length === 1 && (field === 'key' || field === 'name')) return `the pack’s ${words}`;
	return words.startsWith('the ') ? words : `the ${words}`;
}

/** A sentence about a place: "Challenge 1: the short label is missing." */
function sentence(path: Path, says: string): Problem {
	const place = placeOf(path);
	const text = place ? `${place}: ${says}.` : `${says.charAt(0).toUpperCase()}${says.slice(1)}.`;
	return { path, says, text };
}

function valueAt(input: unknown, path: Path): unknown {
	let here = input;
	for (const part of path) {
		if (typeof here !== 'object' || here === null) return undefined;
		here = (here as Record<PropertyKey, unknown>)[part];
	}
	return here;
}

/** What a JSON value is, in words. */
function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'a set of fields';
	if (typeof value === 'string') return 'text';
	if (typeof value === 'boolean') return `${value}`;
	if (typeof value === 'number') return Number.isInteger(value) ? 'a number' : `${value}`;
	return 'something else';
}

const EXPECTED_WORDS: Record<string, string> = {
	string: 'text in double quotation marks',
	number: 'a whole number',
	int: 'a whole number',
	array: 'a list in square brackets [ ]',
	object: 'a set of fields in curly brackets { }',
	record: 'a set of fields in curly brackets { }'
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One of zod's issues as a sentence about the place in the file. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): Problem {
	const path = issue.path;
	const subject = subjectOf(path);
	const value = valueAt(input, path);
	switch (issue.code) {
		case 'invalid_type':
			if (value === undefined) return sentence(path, `${subject} is missing`);
			if (path.length === 0)
				return sentence(
					path,
					'the file should hold one pack: a set of fields in curly brackets { }'
				);
			return sentence(
				path,
				`${subject} should be ${EXPECTED_WORDS[issue.expected] ?? issue.expected}, not ${kindOf(value)}`
			);
		case 'too_small':
			return sentence(path, tooSmall(issue, subject, value));
		case 'too_big':
			return sentence(path, tooBig(issue, subject, value));
		case 'invalid_format':
			return sentence(
				path,
				`${subject} “${String(value)}” can only use lower-case letters, digits and hyphens, starting with a letter or digit (at most 80 characters)`
			);
		case 'invalid_key':
			return sentence(
				path.slice(0, -1),
				`the indicator text is listed under “${String(path[path.length - 1])}”, which is not a level value; list it under a level’s value, such as “2”`
			);
		case 'custom':
			return sentence(
				path,
				issue.params?.kind === 'line'
					? `${subject} holds a hidden character (a line break, a tab, another control character or one that changes the direction of text); it must be one line of plain text`
					: `${subject} holds a hidden control character; only line breaks and tabs may be used`
			);
		default:
			return sentence(path, `${subject} is not valid`);
	}
}

function tooSmall(issue: z.core.$ZodIssueTooSmall, subject: string, value: unknown): string {
	const minimum = Number(issue.minimum);
	if (issue.origin === 'string') return `${subject} is empty`;
	if (issue.origin === 'array') {
		const count = Array.isArray(value) ? value.length : 0;
		return subject === 'the scale'
			? `the scale has ${plural(count, 'level')}; it needs at least ${minimum}`
			: `there are no challenges; a pack needs at least ${minimum}`;
	}
	return `${subject} is ${String(value)}; it must be ${minimum} or more`;
}

function tooBig(issue: z.core.$ZodIssueTooBig, subject: string, value: unknown): string {
	const maximum = Number(issue.maximum);
	if (issue.origin === 'string')
		return `${subject} is ${String(value).length} characters long; it can be at most ${maximum}`;
	if (issue.origin === 'array') {
		const count = Array.isArray(value) ? value.length : 0;
		const things = subject === 'the scale' ? 'level' : 'challenge';
		return `there are ${plural(count, things)}; a pack can have at most ${maximum}`;
	}
	return `${subject} is ${String(value)}; it can be at most ${maximum}`;
}

const record = (value: unknown): Record<string, unknown> | null =>
	typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: null;

/**
 * The checks across fields, on whatever parts of the file are there to check: the scale in
 * ascending order, each challenge key used once, indicator text only for levels on the scale.
 */
function crossChecks(input: unknown, challengeCalled: (index: number) => string): Problem[] {
	const pack = record(input);
	if (!pack) return [];
	const problems: Problem[] = [];
	// Only values the shape accepts are compared: a value already reported (1.5, 101) would make
	// its neighbours look out of order too.
	const scale = Array.isArray(pack.scale)
		? pack.scale.map((l) => levelSchema.shape.value.safeParse(record(l)?.value).data)
		: [];
	let previous: number | undefined;
	scale.forEach((value, i) => {
		if (value === undefined) return;
		if (previous !== undefined && value <= previous)
			problems.push(
				sentence(
					['scale', i, 'value'],
					`its value, ${value}, is not higher than the value of the level before it (${previous}); list the levels from lowest to highest, each value once`
				)
			);
		previous = value;
	});
	const levelValues = new Set(scale.filter((v) => v !== undefined).map(String));
	const firstWithKey = new Map<string, number>();
	const challenges = Array.isArray(pack.challenges) ? pack.challenges : [];
	challenges.forEach((entry, i) => {
		const challenge = record(entry);
		const key = challenge?.key;
		if (typeof key === 'string') {
			const first = firstWithKey.get(key);
			if (first === undefined) firstWithKey.set(key, i);
			else
				problems.push(
					sentence(
						['challenges', i, 'key'],
						`the key “${key}” is also the key of ${challengeCalled(first)}; each challenge needs its own`
					)
				);
		}
		if (levelValues.size === 0) return;
		for (const level of Object.keys(record(challenge?.indicators) ?? {})) {
			if (/^\d+$/.test(level) && !levelValues.has(String(Number(level))))
				problems.push(
					// The trailing 'level' says the problem is the level, not the text, for a workbook's column.
					sentence(
						['challenges', i, 'indicators', level, 'level'],
						`there is indicator text for level ${level}, which is not on the scale`
					)
				);
		}
	});
	return problems;
}

const TOP_ORDER = ['key', 'version', 'name', 'attribution', 'licence', 'scale', 'challenges'];
const FIELD_ORDER = ['key', 'value', 'name', 'shortLabel', 'description', 'indicators'];

/** Compares two places by where they come in a pack file, top to bottom. */
function inFileOrder(a: Path, b: Path): number {
	const rank = (path: Path, depth: number) => {
		const part = path[depth];
		if (part === undefined) return -1;
		if (typeof part === 'number') return part;
		const order = depth === 0 ? TOP_ORDER : FIELD_ORDER;
		const at = order.indexOf(String(part));
		return at < 0 ? order.length : at;
	};
	for (let depth = 0; depth < Math.max(a.length, b.length); depth++) {
		const difference = rank(a, depth) - rank(b, depth);
		if (difference !== 0) return difference;
	}
	return 0;
}

export type PackCheck = { ok: true; pack: FrameworkPack } | { ok: false; problems: string[] };

/**
 * A pack from a parsed file, or every problem that stops it being one, in file order, each in
 * plain words with its place ("Challenge 1: the short label is missing."). The shape and the
 * checks across fields are both run, so nothing waits for a second attempt to be reported.
 */
export function checkPack(input: unknown): PackCheck {
	const found = findPackProblems(input);
	if (!found.pack) return { ok: false, problems: [...new Set(found.problems.map((p) => p.text))] };
	return { ok: true, pack: found.pack };
}

/**
 * The same checks as `checkPack`, with each problem's path and its words without a place, for a
 * reader that places problems in its own terms (a workbook's sheet, row and column). `pack` is
 * set only when there are no problems. `challengeCalled` names another challenge in a sentence.
 */
export function findPackProblems(
	input: unknown,
	challengeCalled: (index: number) => string = (index) => `challenge ${index + 1}`
): { pack?: FrameworkPack; problems: PackProblem[] } {
	const parsed = packShape.safeParse(input);
	const problems = [
		...(parsed.success ? [] : parsed.error.issues.map((issue) => describeIssue(issue, input))),
		...crossChecks(input, challengeCalled)
	].sort((a, b) => inFileOrder(a.path, b.path));
	if (problems.length > 0 || !parsed.success) return { problems };
	return { pack: parsed.data, problems: [] };
}

/**
 * Reads the text of a pack file: JSON (a byte order mark is allowed) that is a valid pack, or the
 * problems; a syntax error is placed by its line and column.
 */
export function readPackText(fileText: string): PackCheck {
	const text = fileText.replace(/^\uFEFF/, '');
	if (text.trim() === '') return { ok: false, problems: ['The file is empty.'] };
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		const error = findJsonSyntaxError(text);
		const where = error ?? { ...lineAndColumn(text, text.length), problem: '' };
		const problem = error?.problem ?? 'check the punctuation just before this point';
		return {
			ok: false,
			problems: [`Line ${where.line}, column ${where.column} is not valid JSON: ${problem}.`]
		};
	}
	return checkPack(json);
}
