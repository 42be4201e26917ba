// Whole dashboard pages kept between requests, for the person who asked. A dashboard changes only
// when the database does (see ../dashboards/kept-figures.ts), and the same person with the same
// roles asking for the same address gets the same page: rendering it again, and serialising its
// data again, would cost several times what the figures do. The parts that change with time alone
// (a rating session that runs out counts its answers; lateness) are why a page is also kept for a
// minute at most.
//
// Access: a page is only ever kept after its own load function allowed it, and is found again
// only by the same person, holding the same roles, so a kept page answers exactly whom that check
// would have.

import type { Handle } from '@sveltejs/kit';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { londonDate } from '$lib/domain/london-days';
import { changeStamp, findKept, keep, personKey } from '../dashboards/kept-figures';
import { renewedSessionCookie } from './session';

const MAX_AGE_MS = 60_000;

/** The pages kept: the dashboards. */
const KEPT_ROUTES = new Set([
	'/organisations/[organisation]/dashboard',
	'/organisations/[organisation]/services/[service]/dashboard',
	'/sites'
]);

interface KeptPage {
	body: string;
	headers: [string, string][];
	/** The body compressed, made the first time a browser asks for it so. */
	encoded: Partial<Record<Encoding, Buffer>>;
}

type Encoding = 'br' | 'gzip';

/**
 * The compression the browser prefers of those kept (brotli, then gzip), if it takes either. The
 * production server would compress the page on every answer; a kept page is compressed once.
 */
function encodingFor(acceptEncoding: string | null): Encoding | null {
	const accepted = new Set(
		(acceptEncoding ?? '')
			.split(',')
			.map((part) => part.trim().toLowerCase().split(';'))
			.filter(([, ...parameters]) => !parameters.some((p) => /^q=0(\.0*)?$/.test(p.trim())))
			.map(([name]) => name)
	);
	if (accepted.has('br')) return 'br';
	if (accepted.has('gzip')) return 'gzip';
	return null;
}

function compressed(page: KeptPage, encoding: Encoding): Buffer {
	page.encoded[encoding] ??=
		encoding === 'br'
			? brotliCompressSync(page.body, {
					params: {
						[constants.BROTLI_PARAM_QUALITY]: 6,
						[constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT
					}
				})
			: gzipSync(page.body);
	return page.encoded[encoding];
}

/** Headers that belong to one answer, not to the page. */
const OWN_HEADERS = new Set(['set-cookie', 'x-request-id', 'server-timing', 'content-length']);

export const keptPages: Handle = async ({ event, resolve }) => {
	const person = event.locals.person;
	if (
		!KEPT_ROUTES.has(event.route.id ?? '') ||
		!person ||
		event.locals.mustEnrolInMfa ||
		event.request.method !== 'GET' ||
		event.isDataRequest
	)
		return resolve(event);

	const key = JSON.stringify([
		'page',
		personKey(person),
		event.url.pathname + event.url.search,
		londonDate(new Date())
	]);
	const { db } = event.locals;
	const found = findKept<KeptPage>(db, key, MAX_AGE_MS);
	if (found) {
		const headers = new Headers(found.headers);
		const cookie = renewedSessionCookie(event);
		if (cookie) headers.append('set-cookie', cookie);
		headers.append('vary', 'Accept-Encoding');
		const encoding = encodingFor(event.request.headers.get('accept-encoding'));
		if (!encoding) return new Response(found.body, { status: 200, headers });
		// An answer that says how it is encoded is passed on as it is by scripts/serve.js.
		headers.set('content-encoding', encoding);
		return new Response(new Uint8Array(compressed(found, encoding)), { status: 200, headers });
	}

	const stamp = changeStamp(db);
	const response = await resolve(event);
	if (response.status !== 200 || !response.headers.get('content-type')?.startsWith('text/html'))
		return response;
	const body = await response.text();
	const headers = [...response.headers].filter(([name]) => !OWN_HEADERS.has(name));
	keep(db, key, { body, headers, encoded: {} } satisfies KeptPage, stamp);
	return new Response(body, { status: response.status, headers: response.headers });
};
