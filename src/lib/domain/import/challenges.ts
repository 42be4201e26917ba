// A spreadsheet cell read as one of a pack's challenges: its number (its place in the pack), its
// key, its name or its short label, in any capitals and spacing, or "Challenge 3".

import { looseText, refusal, reading, type Cell, type Reading } from './cells';

export interface PackChallenge {
	key: string;
	name: string;
	shortLabel: string;
}

/** A challenge as the import found it: its place in the pack (from 1) and its key. */
export interface ChallengeReading {
	position: number;
	key: string;
}

/** Text compared for naming a challenge: loose, and without punctuation ("recovery-college"). */
const words = (text: string) =>
	looseText(text)
		.replace(/&/g, ' and ')
		.replace(/['’"“”]/g, '')
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();

const NUMBERED = /^(?:challenge\s*(?:no\.?|number)?\s*)?#?(\d+)(?:\s*[-:.)]\s*|\s+|$)(.*)$/;

/** How a challenge can be named, for a problem: "its number (1 to 10), its key (such as …)…". */
export function howToNameAChallenge(challenges: readonly PackChallenge[]): string {
	return `Name a challenge by its number (1 to ${challenges.length}), its key (such as “${challenges[0].key}”), its name or its short label (such as “${challenges[0].shortLabel}”).`;
}

/** A cell as a challenge of the pack, or why it names none. */
export function readChallenge(
	cell: Cell,
	challenges: readonly PackChallenge[]
): Reading<ChallengeReading> {
	if (cell === null || (typeof cell === 'string' && cell.trim() === ''))
		return refusal('There is no challenge.');
	const written = cell instanceof Date ? cell.toISOString().slice(0, 10) : String(cell).trim();
	const unknown = () =>
		refusal<ChallengeReading>(
			`“${written}” is not a challenge of this framework. ${howToNameAChallenge(challenges)}`
		);
	const at = (index: number) => reading({ position: index + 1, key: challenges[index].key });
	const byName = (text: string) => {
		const wanted = words(text);
		return challenges.findIndex(
			(c) => words(c.key) === wanted || words(c.name) === wanted || words(c.shortLabel) === wanted
		);
	};

	if (typeof cell === 'number') {
		return Number.isInteger(cell) && cell >= 1 && cell <= challenges.length
			? at(cell - 1)
			: unknown();
	}
	const named = byName(written);
	if (named >= 0) return at(named);
	const match = NUMBERED.exec(looseText(written));
	if (!match) return unknown();
	const position = Number(match[1]);
	if (position < 1 || position > challenges.length) return unknown();
	const rest = match[2].trim();
	if (rest === '') return at(position - 1);
	const restNames = byName(rest);
	if (restNames === position - 1) return at(position - 1);
	return refusal(
		restNames >= 0
			? `“${written}” names two challenges: challenge ${position} is “${challenges[position - 1].shortLabel}”, and “${rest}” is challenge ${restNames + 1}. Give one of them.`
			: `“${written}” is not a challenge of this framework: challenge ${position} is “${challenges[position - 1].shortLabel}”. ${howToNameAChallenge(challenges)}`
	);
}
