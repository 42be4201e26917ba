import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { getDb } from '$lib/server/db';
import { prepareDatabase } from '$lib/server/startup';
import { resumeSession } from '$lib/server/http/session';
import { newId } from '$lib/server/ids';

export const init: ServerInit = async () => {
	await prepareDatabase(getDb());
};

/** What every request carries: the database, and who is signed in (if anyone). */
const requestContext: Handle = async ({ event, resolve }) => {
	event.locals.db = getDb();
	resumeSession(event);
	return resolve(event);
};

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses a state-changing request that does not come from this site. SvelteKit checks the origin
 * of form posts only; this also covers JSON and any other body, and requests with no Origin.
 */
const sameOriginWrites: Handle = async ({ event, resolve }) => {
	if (STATE_CHANGING.has(event.request.method)) {
		const origin =
			event.request.headers.get('origin') ?? originOf(event.request.headers.get('referer'));
		if (origin !== event.url.origin) {
			console.warn(
				`cross-site ${event.request.method} refused: origin=${origin ?? 'none'} ${event.url.pathname}`
			);
			return new Response(
				'Cross-site requests are not allowed. Go back to the page and try again.',
				{
					status: 403,
					headers: { 'content-type': 'text/plain; charset=utf-8' }
				}
			);
		}
	}
	return resolve(event);
};

function originOf(url: string | null): string | null {
	if (!url) return null;
	try {
		return new URL(url).origin;
	} catch {
		return null;
	}
}

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'same-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
	if (event.url.protocol === 'https:') {
		response.headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
	}
	if (event.locals.user) response.headers.set('Cache-Control', 'private, no-store');
	return response;
};

export const handle = sequence(securityHeaders, sameOriginWrites, requestContext);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status === 404) return { message: 'Page not found' };
	const errorId = newId();
	console.error(`error ${errorId} on ${event.request.method} ${event.url.pathname}:`, error);
	return {
		message: status >= 500 ? 'Sorry, there is a problem with the service' : message,
		errorId
	};
};
