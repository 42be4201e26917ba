// How many people rated from each perspective, as a report may print it: the small-numbers rule
// of the dashboards applied to a whole round. Pure rules, no I/O.

import {
	FOLDED_PERSPECTIVES_LABEL,
	MIN_PEOPLE_PER_PERSPECTIVE,
	PERSPECTIVES,
	perspectivesToFold,
	type Perspective
} from '../ratings';

export interface PerspectiveCount {
	label: string;
	/** Null when fewer than MIN_PEOPLE_PER_PERSPECTIVE people: too few to show. */
	people: number | null;
}

/**
 * One row per perspective that at least MIN_PEOPLE_PER_PERSPECTIVE people rated from; the rest
 * (and "other") together as "Other perspectives", whose count is itself withheld when it is too
 * small. A perspective nobody rated from is left out.
 */
export function perspectiveCounts(people: ReadonlyMap<Perspective, number>): PerspectiveCount[] {
	const fold = perspectivesToFold(people, false);
	const rows: PerspectiveCount[] = [];
	let others = 0;
	for (const { key, label } of PERSPECTIVES) {
		const n = people.get(key) ?? 0;
		if (n === 0) continue;
		if (key === 'other' || fold.has(key)) others += n;
		else rows.push({ label, people: n });
	}
	if (others > 0)
		rows.push({
			label: fold.size > 0 ? FOLDED_PERSPECTIVES_LABEL : 'Other',
			people: others >= MIN_PEOPLE_PER_PERSPECTIVE ? others : null
		});
	return rows;
}

/** Adds up per-assessment counts of people by perspective. */
export function addPeople(
	total: Map<Perspective, number>,
	more: ReadonlyMap<Perspective, number>
): Map<Perspective, number> {
	for (const [perspective, n] of more) total.set(perspective, (total.get(perspective) ?? 0) + n);
	return total;
}
