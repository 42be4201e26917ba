import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { closeDb, getDb } from '$lib/server/db';
import { config } from '$lib/server/config';
import { serverTiming, timeStatements, withStatementTally } from '$lib/server/db/statement-timing';
import { prepareDatabase } from '$lib/server/startup';
import { startScheduledBackups } from '$lib/server/backups';
import { resumeSession, withoutSession } from '$lib/server/http/session';
import { newId } from '$lib/server/ids';
import { log, setRequestUser, withRequestContext } from '$lib/server/log';
import { refuseFormPost } from '$lib/server/http/form-posts';
import { keptPages } from '$lib/server/http/kept-pages';
import { isApiPath, refuseApiRequest } from '$lib/server/api/handle';
import {
	isBrowserNavigation,
	openedElsewhere,
	WRONG_ADDRESS_PATH,
	wrongAddressLocation
} from '$lib/server/http/address';

export const init: ServerInit = async () => {
	const db = getDb();
	if (config().serverTiming) timeStatements(db.$client);
	await prepareDatabase(db);
	startScheduledBackups();
	// scripts/serve.js says so once the last request under way is answered.
	process.once('sveltekit:shutdown', closeDb);
};

/** What every request carries: the database, and who is signed in (if anyone). */
const requestContext: Handle = async ({ event, resolve }) => {
	event.locals.db = getDb();
	// The read API takes a token and nothing else: a session cookie sent with a call is not read.
	if (isApiPath(event.url.pathname)) withoutSession(event);
	else resumeSession(event);
	setRequestUser(event.locals.user?.id ?? null);
	return resolve(event);
};

/**
 * Gives each request an id, returned as X-Request-Id and shown on the error page, that every log
 * line written while answering it carries; and logs one line for each request answered.
 */
const requestLog: Handle = async ({ event, resolve }) => {
	const requestId = newId();
	event.locals.requestId = requestId;
	const started = performance.now();
	const context = { requestId, userId: null, clientAddress: clientAddressOf(event) };
	const tally = config().serverTiming ? { ms: 0, statements: 0 } : null;
	return withRequestContext(context, async () => {
		const response = tally
			? await withStatementTally(tally, () => resolve(event))
			: await resolve(event);
		response.headers.set('X-Request-Id', requestId);
		if (tally) response.headers.set('Server-Timing', serverTiming(tally));
		log().info(
			{
				method: event.request.method,
				path: event.url.pathname,
				status: response.status,
				durationMs: Math.round(performance.now() - started)
			},
			'request'
		);
		return response;
	});
};

function clientAddressOf(event: Parameters<Handle>[0]['event']): string | null {
	try {
		return event.getClientAddress();
	} catch {
		// ADDRESS_HEADER is set but this request came without it: the proxy was bypassed.
		return null;
	}
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Someone who opens a page at another address than the one the server is set up for (ORIGIN)
 * would find that no form works there, so they are told where to go as soon as that is certain.
 */
const openedAtAnotherAddress: Handle = async ({ event, resolve }) => {
	const { request, url } = event;
	if (
		(request.method === 'GET' || request.method === 'HEAD') &&
		url.pathname !== WRONG_ADDRESS_PATH &&
		isBrowserNavigation(request.headers) &&
		openedElsewhere(
			{ headers: request.headers, httpVersion: event.platform?.req.httpVersion },
			url.origin
		)
	) {
		return seeOther(wrongAddressLocation(url.pathname + url.search, false));
	}
	return resolve(event);
};

/**
 * Refuses a state-changing request that does not come from this site, whatever its content type,
 * and one with no Origin or Referer. (This is why SvelteKit's own check, which answers before any
 * hook runs, is turned off in svelte.config.js.) A person who sent a form is shown where the app
 * is set up to be used: a form from another site, or from this one opened at another address.
 */
const sameOriginWrites: Handle = async ({ event, resolve }) => {
	if (STATE_CHANGING.has(event.request.method)) {
		const origin =
			event.request.headers.get('origin') ?? originOf(event.request.headers.get('referer'));
		if (origin !== event.url.origin) {
			log().warn(
				{ method: event.request.method, path: event.url.pathname, origin: origin ?? null },
				'cross-site request refused'
			);
			const location = wrongAddressLocation(event.url.pathname, true);
			// A form sent with JavaScript (use:enhance) reads its answer as JSON, and follows this.
			if (event.request.headers.get('x-sveltekit-action') === 'true')
				return Response.json({ type: 'redirect', status: 303, location }, { status: 403 });
			if (isBrowserNavigation(event.request.headers)) return seeOther(location);
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

/** A client of the read API reads JSON: a request none of its endpoints takes is answered so. */
const readApiOnly: Handle = async ({ event, resolve }) =>
	(isApiPath(event.url.pathname) && refuseApiRequest(event)) || resolve(event);

/** A redirect returned rather than thrown, so that the security headers are still added to it. */
function seeOther(location: string): Response {
	return new Response(null, { status: 303, headers: { location } });
}

function originOf(url: string | null): string | null {
	if (!url) return null;
	try {
		return new URL(url).origin;
	} catch {
		return null;
	}
}

/** Form posts SvelteKit would answer with a 500, answered with a 4xx before any body is parsed. */
const hostileFormPosts: Handle = async ({ event, resolve }) =>
	(await refuseFormPost(event)) ?? resolve(event);

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'same-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
	response.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
	response.headers.set('Cross-Origin-Resource-Policy', 'same-origin');
	if (event.url.protocol === 'https:') {
		response.headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
	}
	if (event.locals.user) response.headers.set('Cache-Control', 'private, no-store');
	// A page opened by a link token (setup, reset, invitation) must not be kept by any cache, nor
	// be shown again from the browser's history to the next person at a shared computer.
	else if (event.params.token !== undefined) response.headers.set('Cache-Control', 'no-store');
	// Signing out leaves nothing of the person in this browser's storage (see $lib/forms/keep-input.ts).
	if (event.request.method === 'POST' && event.url.pathname === '/sign-out')
		response.headers.set('Clear-Site-Data', '"storage"');
	return response;
};

export const handle = sequence(
	requestLog,
	securityHeaders,
	openedAtAnotherAddress,
	readApiOnly,
	sameOriginWrites,
	hostileFormPosts,
	requestContext,
	keptPages
);

/**
 * An expected refusal (a 4xx SvelteKit raises itself, such as a malformed request) is logged as
 * one line; an unexpected fault keeps its stack. Either way the page shows the request's id.
 */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
	const requestId = event.locals.requestId ?? newId();
	if (status === 404) return { message: 'Page not found', requestId };
	const where = { status, method: event.request.method, path: event.url.pathname };
	if (status < 500) {
		log().warn(
			{ ...where, reason: error instanceof Error ? error.message : String(error) },
			message
		);
		return { message, requestId };
	}
	log().error({ ...where, err: error }, 'unexpected error');
	return { message: 'Sorry, there is a problem with the service', requestId };
};
