// How often one person may add a comment or a progress note. Far above what anyone writes by
// hand, it stops a script (or a stuck key) from filling an assessment or an action with
// thousands of entries.

export const POSTS_PER_HOUR = 30;
export const POSTING_WINDOW_MS = 60 * 60 * 1000;

/**
 * Whole minutes to wait before the next post, or null when one may post now. `nthLatest` is when
 * the person's POSTS_PER_HOUR-th most recent post of this kind was made (null if fewer exist).
 */
export function minutesToWait(nthLatest: Date | null, now: Date): number | null {
	if (!nthLatest) return null;
	const freeAt = nthLatest.getTime() + POSTING_WINDOW_MS;
	if (freeAt <= now.getTime()) return null;
	return Math.max(1, Math.ceil((freeAt - now.getTime()) / 60_000));
}

export function tooManyPostsMessage(what: 'comments' | 'progress notes', minutes: number): string {
	const wait = minutes === 1 ? 'a minute' : `${minutes} minutes`;
	return `You have added ${POSTS_PER_HOUR} ${what} in the last hour, the most anyone can. Please wait ${wait} before adding another.`;
}
