// A spreadsheet cell read as a level on a pack's scale: a number ("2", 2.0), a level's name in
// any capitals ("developing"), or both ("Stage 2", "Level 2", "2 - Developing").

import { looseText, refusal, reading, type Cell, type Reading } from './cells';

export interface ScaleLevel {
	value: number;
	name: string;
}

/** "1 (Not yet started) to 4 (Transformation)": how the scale is named in a problem. */
export function describeScale(scale: readonly ScaleLevel[]): string {
	const first = scale[0];
	const last = scale[scale.length - 1];
	return `${first.value} (${first.name}) to ${last.value} (${last.name})`;
}

const WITH_NUMBER =
	/^(?:(?:stage|level|score)\s*)?(-?\d+(?:\.\d+)?)\s*(?:[-:.)(]\s*)?(?:\s*(.*?))\s*\)?$/;

const offScale = (written: string, scale: readonly ScaleLevel[]) =>
	refusal<number>(
		`“${written}” is not a level on the scale: use a level from ${describeScale(scale)}, by its number or its name.`
	);

function byNumber(written: string, value: number, scale: readonly ScaleLevel[]): Reading<number> {
	const level = scale.find((l) => l.value === value);
	return level ? reading(level.value) : offScale(written, scale);
}

/** A cell as a level value on the scale (levels in ascending order), or why it is not one. */
export function readLevel(cell: Cell, scale: readonly ScaleLevel[]): Reading<number> {
	if (cell === null) return refusal('There is no level.');
	if (cell instanceof Date) return offScale(cell.toISOString().slice(0, 10), scale);
	if (typeof cell === 'number') return byNumber(String(cell), cell, scale);
	const written = cell.trim().replace(/\s+/g, ' ');
	if (written === '') return refusal('There is no level.');
	const loose = looseText(written);
	const named = scale.find((l) => looseText(l.name) === loose);
	if (named) return reading(named.value);
	const match = WITH_NUMBER.exec(loose);
	if (!match) return offScale(written, scale);
	const value = Number(match[1]);
	const number = byNumber(written, value, scale);
	const name = match[2];
	if (!number.ok || !name) return number;
	const level = scale.find((l) => l.value === value)!;
	if (looseText(level.name) === name) return number;
	const other = scale.find((l) => looseText(l.name) === name);
	return refusal(
		other
			? `“${written}” names two levels: ${level.value} is ${level.name}, and ${other.name} is ${other.value}. Give one of them.`
			: `“${written}” is not a level on the scale: level ${level.value} is called ${level.name}. Use a level from ${describeScale(scale)}, by its number or its name.`
	);
}
