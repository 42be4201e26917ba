import { isHealthy } from '$lib/server/health';
import type { RequestHandler } from './$types';

/** 200 when the server can do its work, 503 when it cannot; nothing more, to anyone. */
export const GET = (({ locals }) => {
	const healthy = isHealthy(locals.db);
	return new Response(healthy ? 'OK' : 'Unavailable', {
		status: healthy ? 200 : 503,
		headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }
	});
}) satisfies RequestHandler;
