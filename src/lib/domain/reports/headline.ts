// The words a board report leads with, generated from its numbers so that they always agree with
// the tables below them. Pure rules, no I/O.

import { formatMedian, medianValue } from '../dashboards';
import type { MedianLevel } from '../ratings';

export type MedianChange = 'up' | 'down' | 'same';

/**
 * How a median moved from one round to the next, or null when either round has none. Levels are
 * ordinal, so only the direction is read from them, never a size.
 */
export function medianChange(
	current: MedianLevel | null,
	previous: MedianLevel | null
): MedianChange | null {
	if (!current || !previous) return null;
	const now = medianValue(current);
	const before = medianValue(previous);
	return now > before ? 'up' : now < before ? 'down' : 'same';
}

export const MEDIAN_CHANGE_WORDS: Record<MedianChange, string> = {
	up: 'Up',
	down: 'Down',
	same: 'Same'
};

/** A symbol beside the word, never instead of it, so neither colour nor shape is the only cue. */
export const MEDIAN_CHANGE_SYMBOLS: Record<MedianChange, string> = {
	up: '▲',
	down: '▼',
	same: '='
};

export interface HeadlineFacts {
	roundTitle: string;
	roundOpen: boolean;
	completed: number;
	takingPart: number;
	/** The round before with completed assessments, if there is one. */
	previousRoundTitle: string | null;
	challenges: { label: string; current: MedianLevel | null; previous: MedianLevel | null }[];
}

const services = (n: number) => `${n} service${n === 1 ? '' : 's'}`;
const challengesWord = (n: number) => `${n} challenge${n === 1 ? '' : 's'}`;

/** "a, b and c" */
function list(items: string[]): string {
	return items.length <= 1
		? (items[0] ?? '')
		: `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Two or three sentences: how many services completed, how the challenges' medians moved since
 * the previous round, and where the median is highest and lowest.
 */
export function reportHeadline(facts: HeadlineFacts): string[] {
	const sentences: string[] = [];
	const { completed, takingPart, roundTitle } = facts;
	sentences.push(
		takingPart === 0
			? `No services are taking part in ${roundTitle}.`
			: `${completed} of ${services(takingPart)} ${facts.roundOpen ? `${completed === 1 ? 'has' : 'have'} completed their assessment so far` : 'completed their assessment'} in ${roundTitle}.`
	);
	if (completed === 0) {
		sentences.push('There are no agreed levels to report yet.');
		return sentences;
	}
	const compared = facts.challenges
		.map((c) => ({ ...c, change: medianChange(c.current, c.previous) }))
		.filter((c) => c.change !== null);
	if (!facts.previousRoundTitle || compared.length === 0) {
		sentences.push('There is no earlier round with completed assessments to compare with.');
	} else {
		const count = (change: MedianChange) => compared.filter((c) => c.change === change).length;
		const [up, down, same] = [count('up'), count('down'), count('same')];
		const parts = [
			up > 0 ? `rose for ${challengesWord(up)}` : null,
			down > 0 ? `fell for ${challengesWord(down)}` : null,
			same > 0 ? `stayed the same for ${challengesWord(same)}` : null
		].filter((p): p is string => p !== null);
		sentences.push(`Since ${facts.previousRoundTitle}, the median level ${list(parts)}.`);
	}
	const withMedian = facts.challenges.filter((c) => c.current !== null);
	const values = withMedian.map((c) => medianValue(c.current!));
	const [highest, lowest] = [Math.max(...values), Math.min(...values)];
	if (withMedian.length > 1 && highest !== lowest) {
		const at = (value: number) =>
			withMedian.filter((c) => medianValue(c.current!) === value).map((c) => c.label);
		const top = at(highest);
		const bottom = at(lowest);
		const median = (value: number) =>
			formatMedian(withMedian.find((c) => medianValue(c.current!) === value)!.current);
		sentences.push(
			`The median is highest for ${list(top)} (${median(highest)}) and lowest for ${list(bottom)} (${median(lowest)}).`
		);
	}
	return sentences;
}
