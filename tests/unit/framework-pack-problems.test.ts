import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { checkPack, readPackText } from '$lib/domain/framework-pack';
import { findJsonSyntaxError } from '$lib/domain/json-syntax';

// What a person importing a framework pack reads when the file is wrong: every problem at once, in
// file order, in plain words with its place; a JSON syntax error by its line and column.

const SMALL_PACK = readFileSync('tests/fixtures/packs/small-three-level.json', 'utf8');
const small = () => JSON.parse(SMALL_PACK);
const problemsOf = (result: ReturnType<typeof checkPack>) => (result.ok ? [] : result.problems);

describe('the problems of a framework pack', () => {
	it('are all reported at once, shape and cross-checks together, in the order of the file', () => {
		const pack = small();
		delete pack.attribution;
		pack.scale[1].value = 0;
		delete pack.challenges[0].shortLabel;
		pack.challenges[2].key = 'welcome';
		pack.challenges[3].indicators = { '5': 'There is no level 5' };
		expect(problemsOf(checkPack(pack))).toEqual([
			'The attribution is missing.',
			'Level 2 of the scale: its value, 0, is not higher than the value of the level before it (0); list the levels from lowest to highest, each value once.',
			'Challenge 1: the short label is missing.',
			'Challenge 3: the key “welcome” is also the key of challenge 1; each challenge needs its own.',
			'Challenge 4: there is indicator text for level 5, which is not on the scale.'
		]);
	});

	it('say what a value should be instead of naming the validator’s types', () => {
		const pack = small();
		pack.version = '1';
		pack.name = '   ';
		pack.scale[0].value = 1.5;
		pack.challenges[1] = 'hope';
		pack.challenges[4].name = 42;
		const problems = problemsOf(checkPack(pack));
		expect(problems).toEqual([
			'The version should be a whole number, not text.',
			'The pack’s name is empty.',
			'Level 1 of the scale: the value should be a whole number, not 1.5.',
			'Challenge 2: it should be a set of fields in curly brackets { }, not text.',
			'Challenge 5: the name should be text in double quotation marks, not a number.'
		]);
		expect(problems.join(' ')).not.toMatch(/Invalid input|expected string|received|undefined/);
	});

	it('say how many there are and how many are allowed', () => {
		expect(
			problemsOf(checkPack({ ...small(), scale: [small().scale[0]], challenges: [] }))
		).toEqual([
			'The scale has 1 level; it needs at least 2.',
			'There are no challenges; a pack needs at least 1.'
		]);
		const long = small();
		long.challenges[0].shortLabel = 'x'.repeat(61);
		long.scale[1].value = 101;
		expect(problemsOf(checkPack(long))).toEqual([
			'Level 2 of the scale: the value is 101; it can be at most 100.',
			'Challenge 1: the short label is 61 characters long; it can be at most 60.'
		]);
	});

	it('explain keys and indicators by their rules', () => {
		const pack = small();
		pack.key = 'Team Culture';
		pack.challenges[0].indicators = { two: 'Listed under a word' };
		expect(problemsOf(checkPack(pack))).toEqual([
			'The pack’s key “Team Culture” can only use lower-case letters, digits and hyphens, starting with a letter or digit (at most 80 characters).',
			'Challenge 1: the indicator text is listed under “two”, which is not a level value; list it under a level’s value, such as “2”.'
		]);
		expect(problemsOf(checkPack([]))).toEqual([
			'The file should hold one pack: a set of fields in curly brackets { }.'
		]);
	});

	it('accept a valid pack, with or without a byte order mark', () => {
		expect(checkPack(small()).ok).toBe(true);
		expect(readPackText(`\uFEFF${SMALL_PACK}`).ok).toBe(true);
	});
});

describe('a JSON syntax error', () => {
	const lines = SMALL_PACK.split('\n');
	const withLine = (index: number, change: (line: string) => string) =>
		lines.map((line, i) => (i === index ? change(line) : line)).join('\n');

	it('is placed by line and column and said in words', () => {
		// Line 3 is `	"version": 1,`; its comma taken away leaves line 4 to start too soon.
		expect(problemsOf(readPackText(withLine(2, (l) => l.replace(',', ''))))).toEqual([
			'Line 4, column 2 is not valid JSON: a comma may be missing between two fields, or a curly bracket } left out.'
		]);
		expect(problemsOf(readPackText(withLine(3, (l) => `${l} // the name`)))).toEqual([
			'Line 4, column 44 is not valid JSON: comments are not allowed in JSON.'
		]);
		expect(problemsOf(readPackText("{\n  'key': 'x'\n}"))).toEqual([
			'Line 2, column 3 is not valid JSON: text and field names need double quotation marks ("), not single ones.'
		]);
		expect(problemsOf(readPackText(''))).toEqual(['The file is empty.']);
	});

	it('is found wherever JSON allows or refuses it', () => {
		const at = (text: string) => {
			const error = findJsonSyntaxError(text);
			return error && [error.line, error.column, error.problem];
		};
		expect(at('{"a": [1, 2,]}')).toEqual([
			1,
			13,
			'there is a comma too many before this closing bracket'
		]);
		expect(at('{"a": 1,}')).toEqual([
			1,
			9,
			'there is a comma too many before this closing bracket'
		]);
		expect(at('{"a" 1}')).toEqual([1, 6, 'a colon (:) is missing after the field name']);
		expect(at('{"a": [1 2]}')).toEqual([
			1,
			10,
			'a comma may be missing between two items, or a square bracket ] left out'
		]);
		expect(at('{"a": "x\ny"}')).toEqual([
			1,
			9,
			'a piece of text has a line break or tab in it; write these as \\n and \\t'
		]);
		expect(at('{"a": tru}')).toEqual([
			1,
			7,
			'text needs double quotation marks ("); true, false and null are the only words allowed without them'
		]);
		expect(at('{} {}')).toEqual([
			1,
			4,
			'there is more after the end of the pack; a file holds one pack'
		]);
		expect(at('{"a": "\\q"}')).toEqual([1, 8, 'a backslash in text must be written as \\\\']);
		expect(at('{"a": [')).toEqual([
			1,
			8,
			'the file ends too soon, so a closing bracket or quotation mark may be missing'
		]);
		expect(at(SMALL_PACK)).toBeNull();
		expect(at('{"a": [1.5e3, -0, true, null, "\\u00e9"]}')).toBeNull();
		// Nesting deep enough to overflow a recursive reader is walked without recursion.
		expect(at('['.repeat(200_000))?.[2]).toMatch(/ends too soon/);
	});
});
