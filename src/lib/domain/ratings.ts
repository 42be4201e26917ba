// Individual ratings: who rates from which perspective, and how a spread of ordinal levels is
// summarised. Pure: no I/O. Levels are ordinal, so nothing here averages them into a level.

export const PERSPECTIVE_KEYS = [
	'staff',
	'team_manager',
	'peer_support_worker',
	'person_using_service',
	'carer',
	'other'
] as const;

export type Perspective = (typeof PERSPECTIVE_KEYS)[number];

export const PERSPECTIVE_LABELS: Record<Perspective, string> = {
	staff: 'Staff member',
	team_manager: 'Team manager',
	peer_support_worker: 'Peer support worker',
	person_using_service: 'Person using the service',
	carer: 'Carer, family member or supporter',
	other: 'Other'
};

/** The perspectives in the order a rater chooses from, with their labels. */
export const PERSPECTIVES = PERSPECTIVE_KEYS.map((key) => ({
	key,
	label: PERSPECTIVE_LABELS[key]
}));

/** What a rater's perspective is until they choose one (the column cannot be null). */
export const PERSPECTIVE_NOT_CHOSEN = '';

/** The perspectives whose view counts as "staff" when comparing with people using the service. */
const STAFF_PERSPECTIVES: readonly Perspective[] = ['staff', 'team_manager', 'peer_support_worker'];

export function isPerspective(value: unknown): value is Perspective {
	return typeof value === 'string' && (PERSPECTIVE_KEYS as readonly string[]).includes(value);
}

export const MAX_RATING_COMMENT_LENGTH = 2000;

/**
 * Ratings of one challenge, grouped: how many people from a perspective chose a level, or
 * "don't know" (level null). A single rating is a group with count 1.
 */
export interface RatingCount {
	perspective: Perspective;
	/** Null for "don't know". */
	level: number | null;
	count: number;
}

export interface ScaleLevel {
	value: number;
	name: string;
}

/**
 * The middle of an ordinal set: one level, or, for an even count whose two middle levels differ,
 * both of them (`low` < `high`). Never a value in between that is not on the scale.
 */
export type MedianLevel =
	{ kind: 'level'; level: number } | { kind: 'between'; low: number; high: number };

/** The median level, or null when there are no levels. */
export function medianLevel(levels: number[]): MedianLevel | null {
	if (levels.length === 0) return null;
	const sorted = [...levels].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	if (sorted.length % 2 === 1) return { kind: 'level', level: sorted[mid] };
	const low = sorted[mid - 1];
	const high = sorted[mid];
	return low === high ? { kind: 'level', level: low } : { kind: 'between', low, high };
}

function levelsOf(
	ratings: RatingCount[],
	include: (r: RatingCount) => boolean = () => true
): number[] {
	const levels: number[] = [];
	for (const r of ratings) {
		if (r.level === null || !include(r)) continue;
		for (let i = 0; i < r.count; i++) levels.push(r.level);
	}
	return levels;
}

export interface PerspectiveSpread {
	perspective: Perspective;
	label: string;
	/** Counts in scale order, one per level. */
	counts: number[];
	dontKnow: number;
}

export interface Spread {
	/** Counts over every perspective, in scale order. */
	counts: number[];
	dontKnow: number;
	/** Ratings with a level (not "don't know"). */
	rated: number;
	/** Only the perspectives someone rated from, in the order of PERSPECTIVES. */
	byPerspective: PerspectiveSpread[];
}

/** How many chose each level, overall and per perspective; "don't know" is counted apart. */
export function spread(ratings: RatingCount[], scale: ScaleLevel[]): Spread {
	const position = new Map(scale.map((l, i) => [l.value, i]));
	const rows = new Map<Perspective, PerspectiveSpread>();
	const counts = scale.map(() => 0);
	let dontKnow = 0;
	for (const r of ratings) {
		if (r.count <= 0) continue;
		let row = rows.get(r.perspective);
		if (!row) {
			row = {
				perspective: r.perspective,
				label: PERSPECTIVE_LABELS[r.perspective],
				counts: scale.map(() => 0),
				dontKnow: 0
			};
			rows.set(r.perspective, row);
		}
		if (r.level === null) {
			row.dontKnow += r.count;
			dontKnow += r.count;
			continue;
		}
		const at = position.get(r.level);
		if (at === undefined) continue; // not on this scale: ignored rather than misplaced
		row.counts[at] += r.count;
		counts[at] += r.count;
	}
	return {
		counts,
		dontKnow,
		rated: counts.reduce((a, b) => a + b, 0),
		byPerspective: PERSPECTIVE_KEYS.filter((k) => rows.has(k)).map((k) => rows.get(k)!)
	};
}

export interface Disagreement {
	/** The highest and lowest levels chosen are two or more steps apart on the scale. */
	wide: boolean;
	/** The median of people using the service is below the median of the staff perspectives. */
	usersRateLower: boolean;
}

/** A median's place on the scale (a half step when it lies between two levels), for comparing. */
function medianPosition(median: MedianLevel, position: Map<number, number>): number | undefined {
	if (median.kind === 'level') return position.get(median.level);
	const low = position.get(median.low);
	const high = position.get(median.high);
	return low === undefined || high === undefined ? undefined : (low + high) / 2;
}

/** Where views differ, judged by positions on the scale (values need not be consecutive). */
export function disagreement(ratings: RatingCount[], scale: ScaleLevel[]): Disagreement {
	const position = new Map(scale.map((l, i) => [l.value, i]));
	const onScale = (r: RatingCount) => r.level !== null && position.has(r.level) && r.count > 0;
	const positions = ratings.filter(onScale).map((r) => position.get(r.level!)!);
	const wide = positions.length > 0 && Math.max(...positions) - Math.min(...positions) >= 2;

	const users = medianLevel(
		levelsOf(ratings.filter(onScale), (r) => r.perspective === 'person_using_service')
	);
	const staff = medianLevel(
		levelsOf(ratings.filter(onScale), (r) => STAFF_PERSPECTIVES.includes(r.perspective))
	);
	const usersAt = users ? medianPosition(users, position) : undefined;
	const staffAt = staff ? medianPosition(staff, position) : undefined;
	const usersRateLower = usersAt !== undefined && staffAt !== undefined && usersAt < staffAt;
	return { wide, usersRateLower };
}

export interface ChallengeSpreadSummary {
	spread: Spread;
	/** Over every perspective, "don't know" left out; null when nobody chose a level. */
	median: MedianLevel | null;
	disagreement: Disagreement;
}

export function summariseRatings(
	ratings: RatingCount[],
	scale: ScaleLevel[]
): ChallengeSpreadSummary {
	return {
		spread: spread(ratings, scale),
		median: medianLevel(levelsOf(ratings.filter((r) => scale.some((l) => l.value === r.level)))),
		disagreement: disagreement(ratings, scale)
	};
}

/** "2. Engagement": a level as people read it, its value and its name on the scale. */
export function levelInWords(value: number, scale: ScaleLevel[]): string {
	const level = scale.find((l) => l.value === value);
	return level ? `${value}. ${level.name}` : String(value);
}

/** "2. Engagement", or "Between 2. Engagement and 3. Development", or "No levels chosen yet". */
export function describeMedian(median: MedianLevel | null, scale: ScaleLevel[]): string {
	if (!median) return 'No levels chosen yet';
	if (median.kind === 'level') return levelInWords(median.level, scale);
	return `Between ${levelInWords(median.low, scale)} and ${levelInWords(median.high, scale)}`;
}

const DISAGREEMENT_MESSAGES = {
	wide: 'Views differ by two levels or more',
	usersRateLower: 'People using the service rated lower than staff'
} as const;

export function describeDisagreement(flags: Disagreement): string[] {
	const words: string[] = [];
	if (flags.wide) words.push(DISAGREEMENT_MESSAGES.wide);
	if (flags.usersRateLower) words.push(DISAGREEMENT_MESSAGES.usersRateLower);
	return words;
}

/**
 * A perspective rated by fewer than this many people is not shown on its own to anyone but the
 * people who agree the levels: one carer's or one person's ratings, labelled with their
 * perspective, are that person's ratings, and the rest of the team would know whose.
 */
export const MIN_PEOPLE_PER_PERSPECTIVE = 3;

/** What the folded perspectives are shown as (together with any rater of "Other"). */
export const FOLDED_PERSPECTIVES_LABEL = 'Other perspectives';

/**
 * The perspectives to fold into "other perspectives" for someone who does not agree the levels:
 * those fewer than MIN_PEOPLE_PER_PERSPECTIVE people submitted from. `people` counts submitted
 * raters by perspective. Nothing is folded for those who agree the levels (`assessment.edit`).
 */
export function perspectivesToFold(
	people: ReadonlyMap<Perspective, number>,
	agreesLevels: boolean
): Set<Perspective> {
	if (agreesLevels) return new Set();
	const fold = [...people].filter(([, n]) => n > 0 && n < MIN_PEOPLE_PER_PERSPECTIVE);
	return new Set(fold.map(([perspective]) => perspective));
}

/** Ratings with each folded perspective counted as "other". */
export function foldPerspectives<R extends { perspective: Perspective }>(
	ratings: R[],
	fold: ReadonlySet<Perspective>
): R[] {
	if (fold.size === 0) return ratings;
	return ratings.map((r) => (fold.has(r.perspective) ? { ...r, perspective: 'other' } : r));
}

/** A perspective's label, "Other perspectives" for "other" once anything was folded into it. */
export function perspectiveLabel(perspective: Perspective, fold: ReadonlySet<Perspective>): string {
	return perspective === 'other' && fold.size > 0
		? FOLDED_PERSPECTIVES_LABEL
		: PERSPECTIVE_LABELS[perspective];
}

/**
 * Each person rates privately first, so nobody anchors on another's view: someone asked to rate
 * sees the others' ratings only once they have submitted their own.
 */
export function seesOthersRatings(rater: { submittedAt: Date | null } | undefined): boolean {
	return !rater || rater.submittedAt !== null;
}

/**
 * The same holds for the team's draft agreement (levels, evidence, priorities, comments): a rater
 * who has not submitted does not see it, unless they are one of the people who write it.
 */
export function seesTeamDraft(
	rater: { submittedAt: Date | null } | undefined,
	mayAgree: boolean
): boolean {
	return mayAgree || seesOthersRatings(rater);
}
