/** Only a path on this site may be a place to return to, so a link cannot send people elsewhere. */
export function safeRedirectTarget(
	candidate: string | null | undefined,
	fallback = '/organisations'
): string {
	if (
		!candidate ||
		!candidate.startsWith('/') ||
		candidate.startsWith('//') ||
		candidate.startsWith('/\\')
	) {
		return fallback;
	}
	return candidate;
}
