/** Only a path on this site may be a place to return to, so a link cannot send people elsewhere. */
export function safeRedirectTarget(
	candidate: string | null | undefined,
	fallback = '/organisations'
): string {
	if (
		!candidate ||
		!candidate.startsWith('/') ||
		candidate.startsWith('//') ||
		candidate.startsWith('/\\') ||
		// Anything but visible ASCII (control characters, bidirectional overrides) cannot go into a
		// Location header as it is; our own paths never hold it, as they are percent-encoded.
		/[^\x21-\x7e]/.test(candidate)
	) {
		return fallback;
	}
	return candidate;
}
