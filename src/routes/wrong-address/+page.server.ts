import { safeRedirectTarget } from '$lib/server/auth/redirect';
import { openedElsewhere } from '$lib/server/http/address';
import type { PageServerLoad } from './$types';

// Public: it tells anyone where the app is set up to be used, which every page's links show anyway.
export const load = (({ url, request, platform }) => {
	const path = safeRedirectTarget(url.searchParams.get('path'), url.origin, '/');
	return {
		origin: url.origin,
		target: new URL(path, url.origin).href,
		openedAt: openedElsewhere(
			{ headers: request.headers, httpVersion: platform?.req.httpVersion },
			url.origin
		),
		refused: url.searchParams.get('refused') === '1'
	};
}) satisfies PageServerLoad;
