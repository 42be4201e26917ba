// One read API call, from the Authorization header to the answer. Only a token is accepted here
// (the session cookie is not read for /api/ paths: see hooks.server.ts), and a token is accepted
// nowhere else. The token's person is looked up with their memberships as they are now, so a role
// removed a moment ago is already gone from what the token reads.

import type { RequestEvent } from '@sveltejs/kit';
import { streamedCsvResponse } from '../http/csv';
import { log } from '../log';
import { personFor } from '../users';
import { decodeCursor, encodeCursor } from './cursor';
import { endpointNamed, type Endpoint } from './endpoints';
import { readRows, rowBatches } from './read';
import { ApiRefusal, checkFilterValues, readQuery, tokenFromHeader } from './requests';
import { readScope } from './scope';
import { authenticateApiToken, recordApiCall, type TokenHolder } from './tokens';

const NO_STORE = { 'cache-control': 'no-store' };

export const WWW_AUTHENTICATE = 'Bearer realm="imroc", Basic realm="imroc"';
export const UNAUTHORISED_MESSAGE =
	'This needs a valid API token: send it as “Authorization: Bearer <token>”, or as the password of Basic authentication. Make one under Your account → API tokens.';

export function apiError(status: number, message: string, headers: Record<string, string> = {}) {
	return Response.json(
		{ error: { status, message } },
		{ status, headers: { ...NO_STORE, ...headers } }
	);
}

/** The same answer for a missing, malformed, unknown, expired or revoked token, or a disabled account. */
export function unauthorised(): Response {
	return apiError(401, UNAUTHORISED_MESSAGE, { 'www-authenticate': WWW_AUTHENTICATE });
}

const NO_SUCH_ENDPOINT =
	'There is no such endpoint. The read API has /api/v1/organisations, services, rounds, scores and actions; /api/v1/openapi.json describes them.';

export function isApiPath(pathname: string): boolean {
	return pathname === '/api' || pathname.startsWith('/api/');
}

/**
 * The answer to an API request no endpoint takes, in JSON as every API answer is: an address that
 * is not an endpoint (404), or a method other than GET and HEAD (405). The read API changes
 * nothing, so these are answered before the same-origin check on writes, whose refusal is meant
 * for people's forms. Null lets the request through.
 */
export function refuseApiRequest(event: {
	request: Request;
	route: { id: string | null };
}): Response | null {
	if (event.route.id === null) return apiError(404, NO_SUCH_ENDPOINT);
	const method = event.request.method;
	if (method !== 'GET' && method !== 'HEAD')
		return apiError(405, `The read API only reads: use GET (${method} is not taken here).`, {
			allow: 'GET, HEAD'
		});
	return null;
}

type ApiEvent = Pick<RequestEvent, 'locals' | 'request' | 'url'>;

/** The token holder, or null: the route answers `unauthorised()`. */
export function requireApiToken(event: ApiEvent): TokenHolder | null {
	const token = tokenFromHeader(event.request.headers.get('authorization'));
	return token ? authenticateApiToken(event.locals.db, token) : null;
}

/** The answer to a call whose token `requireApiToken` accepted. */
export function answerApiCall(
	event: ApiEvent,
	holder: TokenHolder,
	name: Endpoint['name']
): Response {
	const endpoint = endpointNamed(name)!;
	const db = event.locals.db;
	try {
		const query = readQuery(endpoint, event.url);
		const person = personFor(db, holder.user);
		const scope = readScope(person);
		checkFilterValues(db, endpoint, query, scope);
		const after =
			query.cursor === null ? null : decodeCursor(query.cursor, query.request, endpoint.key.length);
		if (query.cursor !== null && after === null)
			throw new ApiRefusal(
				400,
				'This cursor is not one this server gave for this request (it was changed, belongs to other filters, or the server has restarted since). Start again without a cursor.'
			);
		const separator = query.request.includes('?') ? '&' : '?';
		recordApiCall(
			db,
			holder,
			query.format === 'csv' ? `${query.request}${separator}format=csv` : query.request
		);

		if (query.format === 'csv') {
			const response = streamedCsvResponse(
				`imroc-${endpoint.name}.csv`,
				endpoint.columns.map((c) => c.name),
				rowBatches(db, endpoint, scope, query.filters)
			);
			response.headers.set('cache-control', 'no-store');
			return response;
		}
		// One row more than asked for says whether there is a next page.
		const { rows, keys } = readRows(db, endpoint, scope, query.filters, after, query.limit + 1);
		const more = rows.length > query.limit;
		const page = more ? rows.slice(0, query.limit) : rows;
		const nextCursor = more ? encodeCursor(keys[query.limit - 1], query.request) : null;
		const next = nextCursor ? new URL(event.url) : null;
		next?.searchParams.set('cursor', nextCursor!);
		return Response.json(
			{
				data: page.map((row) =>
					Object.fromEntries(endpoint.columns.map((c, i) => [c.name, row[i]]))
				),
				next_cursor: nextCursor,
				next: next ? next.pathname + next.search : null
			},
			{ headers: NO_STORE }
		);
	} catch (error) {
		if (error instanceof ApiRefusal) return apiError(error.status, error.message);
		log().error({ err: error, path: event.url.pathname }, 'API call failed');
		return apiError(500, 'Sorry, there is a problem with the service.');
	}
}
