/**
 * Only a path on this site may be a place to return to, so a link cannot send people elsewhere.
 *
 * The candidate is read the way a browser reads a Location header (tabs and new lines dropped,
 * backslashes taken as slashes, dot segments resolved), and kept only if it stays on `origin`.
 * What comes back is the parsed URL's own path, query and fragment, which are percent-encoded, so
 * control characters cannot reach (and break) the header.
 */
export function safeRedirectTarget(
	candidate: string | null | undefined,
	origin: string,
	fallback = '/organisations'
): string {
	if (!candidate || !candidate.startsWith('/')) return fallback;
	let resolved: URL;
	try {
		resolved = new URL(candidate, origin);
	} catch {
		return fallback;
	}
	if (resolved.origin !== new URL(origin).origin) return fallback;
	const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
	// "/.//evil.example" resolves to the path "//evil.example", which a browser reads as another host.
	if (path.startsWith('//')) return fallback;
	return path;
}
