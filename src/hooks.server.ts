import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { getDb } from '$lib/server/db';
import { config } from '$lib/server/config';
import { prepareDatabase } from '$lib/server/startup';
import { SESSION_COOKIE, validateSessionToken } from '$lib/server/auth/session';
import { deleteSessionCookie, setSessionCookie } from '$lib/server/auth/cookies';
import { personFor } from '$lib/server/users';
import { newId } from '$lib/server/ids';

export const init: ServerInit = async () => {
	await prepareDatabase(getDb());
};

/** What every request carries: the database, and who is signed in (if anyone). */
const requestContext: Handle = async ({ event, resolve }) => {
	const db = getDb();
	event.locals.db = db;
	event.locals.user = null;
	event.locals.session = null;
	event.locals.person = null;
	const token = event.cookies.get(SESSION_COOKIE);
	const secure = event.url.protocol === 'https:';
	if (token) {
		const { sessionIdleMs: idleMs, sessionMaxMs: maxMs } = config();
		const result = validateSessionToken(db, token, { idleMs, maxMs });
		if (result) {
			event.locals.user = result.user;
			event.locals.session = result.session;
			event.locals.person = personFor(db, result.user);
			setSessionCookie(event.cookies, token, result.session.expiresAt, secure);
		} else {
			deleteSessionCookie(event.cookies, secure);
		}
	}
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
