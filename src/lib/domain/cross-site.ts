// The rules of the cross-site view: what it may show of a site, and to whom.
//
// - A site's round gives a median only when at least MIN_COMPLETED_SERVICES services completed it:
//   with one or two, the "median" is a single team's agreed levels, which a comparison across
//   trusts must not expose.
// - A site is named only to the people it let in: those who hold a role in that organisation (its
//   facilitators above all). Anyone else who may see it (a platform administrator) sees it as
//   "Other site A", "Other site B"…, and sees those other sites at all only when at least
//   MIN_OTHER_SITES of them have a median to show, so that none can be picked out by elimination.
//   The benchmark compares with exactly the sites the heatmap shows, so the two follow one rule.
// - Round titles are free text (they can name a team or a person), so the view shows a round's
//   period instead.

import { formatMedian, MIN_OTHER_SITES } from './dashboards';
import type { MedianLevel } from './ratings';

export const MIN_COMPLETED_SERVICES = 3;

/** A median, "too few" completed services to show one, or nothing (no round, no score). */
export type ShownMedian = MedianLevel | 'too-few' | null;

export const TOO_FEW_TO_SHOW = 'Too few to show';

/** The median to show for a site's round, given how many of its services completed it. */
export function siteRoundMedian(
	median: MedianLevel | null,
	completedServices: number
): ShownMedian {
	if (completedServices < MIN_COMPLETED_SERVICES) return 'too-few';
	return median;
}

/** "3", "2–3", "Too few to show", or "–" for none. */
export function formatShownMedian(median: ShownMedian): string {
	return median === 'too-few' ? TOO_FEW_TO_SHOW : formatMedian(median);
}

/** A shown median as a real median, or null for none and too few. */
export const realMedian = (median: ShownMedian): MedianLevel | null =>
	median === 'too-few' ? null : median;

const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' });
const monthOf = (isoDate: string) => MONTH.format(new Date(`${isoDate.slice(0, 7)}-01T00:00:00Z`));

/** A round's period in words: "April to September 2026", "November 2025 to April 2026". */
export function periodWords(start: string, end: string): string {
	const [startYear, endYear] = [start.slice(0, 4), end.slice(0, 4)];
	if (start.slice(0, 7) === end.slice(0, 7)) return `${monthOf(start)} ${startYear}`;
	if (startYear === endYear) return `${monthOf(start)} to ${monthOf(end)} ${endYear}`;
	return `${monthOf(start)} ${startYear} to ${monthOf(end)} ${endYear}`;
}

export interface SiteToShow {
	id: string;
	name: string;
	/** Whether the person holds a role in this organisation, and so may see its name. */
	named: boolean;
	/** Whether the site has a median to show in the framework being compared. */
	hasMedian: boolean;
}

/**
 * The sites the view shows, each with the label it is shown by: named sites by name, others as
 * "Other site A"… in the order of their random ids (so the letter says nothing of the name), and
 * those only when at least MIN_OTHER_SITES of them have a median; named sites come first, then the
 * others by letter. `hidden` counts the others with a median that are left out.
 */
export function sitesToShow(sites: SiteToShow[]) {
	const others = sites.filter((s) => !s.named).sort((a, b) => (a.id < b.id ? -1 : 1));
	const othersWithMedian = others.filter((s) => s.hasMedian).length;
	const showOthers = othersWithMedian >= MIN_OTHER_SITES;
	const letter = (i: number): string =>
		i < 26 ? String.fromCharCode(65 + i) : `${letter(Math.floor(i / 26) - 1)}${letter(i % 26)}`;
	const labels = new Map(others.map((s, i) => [s.id, `Other site ${letter(i)}`]));
	// Named sites first, in the order given; the others by letter, never in the order of their names.
	const named = sites.filter((s) => s.named);
	return {
		shown: [
			...named.map((s) => ({ id: s.id, label: s.name, named: true })),
			...(showOthers ? others : []).map((s) => ({
				id: s.id,
				label: labels.get(s.id)!,
				named: false
			}))
		],
		hidden: showOthers ? 0 : othersWithMedian
	};
}
