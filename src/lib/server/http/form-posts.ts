// Form posts that SvelteKit 2.70 answers with a 500, refused before they reach it:
// - an action name that is not one of the page's own: SvelteKit looks the name up with
//   `actions[name]`, so `?/__proto__`, `?/constructor` or `?/toString` find Object.prototype's
//   members and it tries to run them, and an explicit `?/default` throws (SvelteKit issue #15525,
//   fixed by PR #16072 only in releases that need a newer Node than ours);
// - a body that is not a form, or a form that cannot be read: SvelteKit lets text/plain through
//   to the action, whose `request.formData()` then throws, as it does for broken multipart;
// - a body larger than the small public forms need, refused before it is read whole.
//
// Which actions a page has is read from its route's own server module, found by the same path
// SvelteKit finds it by: `import.meta.glob` lists every `+page.server.ts` at build time, and the
// module a route loads is the one SvelteKit itself loaded (or will load), so the names can never
// drift from the code. Only the module's own keys count (`Object.hasOwn`).

import type { RequestEvent } from '@sveltejs/kit';
import { log } from '../log';

const pageServerModules = import.meta.glob<{ actions?: Record<string, unknown> }>(
	'/src/routes/**/+page.server.ts'
);

/** The public forms a stranger can post, which need only a few fields: sign-in, setup, links. */
const SMALL_FORM_ROUTES = new Set([
	'/sign-in',
	'/sign-in/code',
	'/setup/[token]',
	'/reset-password/[token]',
	'/forgotten-password',
	'/invitations/[token]'
]);
export const SMALL_FORM_LIMIT = 16 * 1024;

/** The forms that upload a file (up to 10 MB, as the importers read), and room for the rest. */
const FILE_FORM_ROUTES = new Set(['/organisations/[organisation]/imports', '/admin/frameworks']);
export const FILE_FORM_LIMIT = 11 * 1024 * 1024;
/** Every other form: far above the longest text any of them takes. */
export const FORM_LIMIT = 4 * 1024 * 1024;

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/** The form actions of a route, or undefined when its page has none (SvelteKit answers 405). */
export async function actionsOfRoute(
	routeId: string | null
): Promise<Record<string, unknown> | undefined> {
	if (routeId === null) return undefined;
	const load = pageServerModules[`/src/routes${routeId === '/' ? '' : routeId}/+page.server.ts`];
	return load ? (await load()).actions : undefined;
}

/**
 * The action a post asks for, read as SvelteKit reads it: the first query parameter whose name
 * starts with a slash (`?/save`), or the default action when there is none. `explicit` is true
 * when the name was written out, which SvelteKit refuses for `default`.
 */
export function requestedAction(url: URL): { name: string; explicit: boolean } {
	for (const [key] of url.searchParams) {
		if (key.startsWith('/')) return { name: key.slice(1), explicit: true };
	}
	return { name: 'default', explicit: false };
}

/** Whether `name` may be run on a page with these actions: only its own, and `default` unnamed. */
export function isOwnAction(
	actions: Record<string, unknown>,
	{ name, explicit }: { name: string; explicit: boolean }
): boolean {
	if (explicit && name === 'default') return false;
	return Object.hasOwn(actions, name) && typeof actions[name] === 'function';
}

/** The media type of a content-type header, without its parameters, in lower case. */
export function mediaType(contentType: string | null): string {
	return (contentType ?? '').split(';', 1)[0].trim().toLowerCase();
}

/**
 * Answers a hostile or broken form post with a 4xx and a plain message, or returns null to let it
 * through. A post sent the way `use:enhance` sends it is answered in the shape it reads.
 */
export async function refuseFormPost(event: RequestEvent): Promise<Response | null> {
	if (event.request.method !== 'POST') return null;
	const routeId = event.route.id ?? '';
	const small = SMALL_FORM_ROUTES.has(routeId);
	const file = FILE_FORM_ROUTES.has(routeId);
	const limit = small ? SMALL_FORM_LIMIT : file ? FILE_FORM_LIMIT : FORM_LIMIT;
	const refuse = (status: number, message: string) => refusal(event, status, message);
	const tooLarge = () =>
		refuse(
			413,
			small
				? `What was sent is too large: this form takes up to ${SMALL_FORM_LIMIT / 1024} KB.`
				: file
					? 'The file is too large: a file must be 10 MB or smaller. Split it into smaller files.'
					: 'What was sent is too large for the server.'
		);

	const declared = Number(event.request.headers.get('content-length'));
	if (Number.isFinite(declared) && declared > limit) return tooLarge();

	const actions = await actionsOfRoute(event.route.id);
	if (!actions) return null;
	if (!isOwnAction(actions, requestedAction(event.url))) return refuse(404, 'Page not found');

	const contentType = event.request.headers.get('content-type');
	const type = mediaType(contentType);
	if (!FORM_TYPES.includes(type)) {
		return refuse(
			415,
			`This page takes a form, sent from the page itself; this request was sent as ${type || 'something without a content type'}.`
		);
	}

	const body = await readUpTo(event.request.clone().body, limit);
	if (body === 'too large') return tooLarge();
	const readable =
		body !== 'unreadable' &&
		(await new Response(body, { headers: { 'content-type': contentType! } }).formData().then(
			() => true,
			() => false
		));
	if (!readable) {
		return refuse(
			400,
			'The form could not be read: what was sent is broken or incomplete. Go back to the page and send it again.'
		);
	}
	return null;
}

/**
 * The body's bytes, counted as they arrive, so that a body sent in chunks without a length stops
 * being read as soon as it passes the limit. The server's own BODY_SIZE_LIMIT errors the stream.
 */
async function readUpTo(
	stream: ReadableStream<Uint8Array> | null,
	limit: number
): Promise<Uint8Array<ArrayBuffer> | 'too large' | 'unreadable'> {
	if (!stream) return new Uint8Array();
	const chunks: Uint8Array[] = [];
	let size = 0;
	const reader = stream.getReader();
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			size += value.byteLength;
			if (size > limit) {
				void reader.cancel().catch(() => {});
				return 'too large';
			}
			chunks.push(value);
		}
	} catch (error) {
		return (error as { status?: number }).status === 413 ? 'too large' : 'unreadable';
	}
	const bytes = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return bytes;
}

/**
 * The answer to a refused post. (Most come before the body is read: scripts/serve.js reads and
 * drops what is left once the answer is sent, so that the connection can carry the next request.)
 */
function refusal(event: RequestEvent, status: number, message: string): Response {
	// The route, not the path, so that no link token is written to the log.
	log().warn({ status, method: 'POST', route: event.route.id ?? null }, 'form post refused');
	if (event.request.headers.get('x-sveltekit-action') === 'true') {
		return Response.json({ type: 'error', error: { message } }, { status });
	}
	return new Response(message, {
		status,
		headers: { 'content-type': 'text/plain; charset=utf-8' }
	});
}
