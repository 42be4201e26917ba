// What free text may hold. Names and titles are one line of visible text; long text (comments,
// notes, evidence) may also have line breaks and tabs. Control characters garble exports and
// logs, and the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) make a name
// read differently from what it is ("Trojan Source"), so a name could pass for another.

export type FreeTextKind = 'line' | 'long';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const DIRECTION = /[\u202a-\u202e\u2066-\u2069]/;

/** What is wrong with the text, or null when nothing is. */
export function freeTextProblem(text: string, kind: FreeTextKind): 'control' | 'direction' | null {
	if ((kind === 'line' ? CONTROL : CONTROL_BUT_LINES).test(text)) return 'control';
	if (kind === 'line' && DIRECTION.test(text)) return 'direction';
	return null;
}

/** The plain message for a problem, with the field's label capitalised ("The service name"). */
export function freeTextMessage(label: string, problem: 'control' | 'direction'): string {
	const field = label.charAt(0).toUpperCase() + label.slice(1);
	return problem === 'direction'
		? `${field} contains a hidden character that changes the direction of the text. Type it again rather than pasting it`
		: `${field} contains a hidden character (such as a line break or a tab) that cannot be saved here. Type it again rather than pasting it`;
}
