// Where a text stops being JSON, and why, in words a person editing the file can act on. The
// JavaScript JSON reader says only some of its errors' positions, and in its own terms, so this
// walks the text itself (without recursion: a deeply nested file cannot overflow the stack).

export interface JsonSyntaxError {
	/** Both from 1. */
	line: number;
	column: number;
	problem: string;
}

type State =
	| 'value'
	| 'first-item'
	| 'next-item'
	| 'first-field'
	| 'next-field'
	| 'colon'
	| 'after-field'
	| 'after-item'
	| 'end';

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/** The line and column (both from 1) of a position in a text. */
export function lineAndColumn(text: string, position: number) {
	const before = text.slice(0, position);
	const line = before.split('\n').length;
	return { line, column: position - before.lastIndexOf('\n') };
}

/** Why a value cannot start with this character. */
function notAValue(c: string): string {
	if (c === "'") return 'text and field names need double quotation marks ("), not single ones';
	if (c === '/') return 'comments are not allowed in JSON';
	if (/[A-Za-z_]/.test(c))
		return 'text needs double quotation marks ("); true, false and null are the only words allowed without them';
	if (c === '}' || c === ']') return 'a value is missing before this bracket';
	return `“${c}” cannot start a value here`;
}

/** Scans a string from its opening quote: the position after it, or the problem and where. */
function scanString(text: string, start: number): number | { at: number; problem: string } {
	for (let i = start + 1; i < text.length; i++) {
		const c = text[i];
		if (c === '"') return i + 1;
		if (c === '\\') {
			const next = text[i + 1];
			if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 5;
			else if (next !== undefined && ESCAPES.has(next)) i += 1;
			else return { at: i, problem: 'a backslash in text must be written as \\\\' };
		} else if (c < ' ') {
			return {
				at: i,
				problem: 'a piece of text has a line break or tab in it; write these as \\n and \\t'
			};
		}
	}
	return { at: start, problem: 'this text has no closing quotation mark' };
}

/**
 * The first place where `text` is not JSON, or null if it is. Follows the JSON grammar one
 * character at a time, keeping the open brackets on a stack.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
	const open: ('{' | '[')[] = [];
	let state: State = 'value';
	let i = 0;
	const fail = (at: number, problem: string): JsonSyntaxError => ({
		...lineAndColumn(text, at),
		problem
	});
	/** Where a complete value leaves the walk: inside the innermost open bracket, or at the end. */
	const afterValue = (): State => {
		const top = open[open.length - 1];
		return top === '{' ? 'after-field' : top === '[' ? 'after-item' : 'end';
	};
	for (;;) {
		while (i < text.length && WHITESPACE.has(text[i])) i++;
		if (i >= text.length) {
			if (state === 'end') return null;
			return fail(
				text.length,
				text.trim() === ''
					? 'the file is empty'
					: 'the file ends too soon, so a closing bracket or quotation mark may be missing'
			);
		}
		const c = text[i];
		switch (state) {
			case 'end':
				return fail(i, 'there is more after the end of the pack; a file holds one pack');
			case 'colon':
				if (c !== ':') return fail(i, 'a colon (:) is missing after the field name');
				state = 'value';
				i++;
				break;
			case 'after-field':
			case 'after-item': {
				const close = state === 'after-field' ? '}' : ']';
				if (c === ',') {
					state = state === 'after-field' ? 'next-field' : 'next-item';
					i++;
				} else if (c === close) {
					open.pop();
					i++;
					state = afterValue();
				} else {
					return fail(
						i,
						state === 'after-field'
							? 'a comma may be missing between two fields, or a curly bracket } left out'
							: 'a comma may be missing between two items, or a square bracket ] left out'
					);
				}
				break;
			}
			case 'first-field':
			case 'next-field': {
				if (c === '}') {
					if (state === 'next-field')
						return fail(i, 'there is a comma too many before this closing bracket');
					open.pop();
					i++;
					state = afterValue();
					break;
				}
				if (c !== '"')
					return fail(
						i,
						c === "'" || c === '/'
							? notAValue(c)
							: 'a field name is missing, or is not in double quotation marks (")'
					);
				const end = scanString(text, i);
				if (typeof end !== 'number') return fail(end.at, end.problem);
				i = end;
				state = 'colon';
				break;
			}
			default: {
				// A value: at the start, after a colon, or as an item of a list.
				if (c === ']' && state === 'first-item') {
					open.pop();
					i++;
					state = afterValue();
				} else if (c === ']' && state === 'next-item') {
					return fail(i, 'there is a comma too many before this closing bracket');
				} else if (c === '{' || c === '[') {
					open.push(c);
					state = c === '{' ? 'first-field' : 'first-item';
					i++;
				} else if (c === '"') {
					const end = scanString(text, i);
					if (typeof end !== 'number') return fail(end.at, end.problem);
					i = end;
					state = afterValue();
				} else if (c === '-' || (c >= '0' && c <= '9')) {
					NUMBER.lastIndex = i;
					const number = NUMBER.exec(text);
					if (!number) return fail(i, 'this number is not written as JSON allows');
					i += number[0].length;
					state = afterValue();
				} else {
					const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
					if (!word) return fail(i, notAValue(c));
					i += word.length;
					state = afterValue();
				}
			}
		}
	}
}
