import { error } from '@sveltejs/kit';
import { requireAssessment } from '$lib/server/http/require';
import { openSessionOf, screenState, sessionById } from '$lib/server/rating-sessions';
import { listenerCount, MAX_STREAMS_PER_SESSION, subscribe } from '$lib/server/rating-sessions/hub';
import type { RequestHandler } from './$types';

// The facilitator's screen, live: server-sent events, one stream per screen. Each event carries
// the whole screen state (never who answered what), so a screen that reconnects after a drop is
// whole again with its first event. Changes close together are sent as one.

/** How long a browser waits before reconnecting after a drop. */
const RETRY_MS = 2000;
/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;
/** Changes within this long of each other are sent as one event. */
const GATHER_MS = 50;

export const GET = ((event) => {
	const { db, assessment } = requireAssessment(event, 'assessment.edit');
	const session = openSessionOf(db, assessment.id);
	if (!session) error(404, 'No rating session is open for this assessment');
	const sessionId = session.id;
	if (listenerCount(sessionId) >= MAX_STREAMS_PER_SESSION)
		error(429, 'Too many screens are showing this session. Close one and try again.');
	const encoder = new TextEncoder();
	let stop = () => {};

	const stream = new ReadableStream<Uint8Array>({
		start(controller) {
			let done = false;
			let pending: ReturnType<typeof setTimeout> | null = null;
			const write = (text: string) => {
				if (done) return;
				try {
					controller.enqueue(encoder.encode(text));
				} catch {
					stop();
				}
			};
			const sendState = () => {
				pending = null;
				const current = sessionById(db, sessionId);
				if (!current) return stop();
				const state = screenState(db, current, assessment.frameworkId);
				write(`event: state\ndata: ${JSON.stringify(state)}\n\n`);
				if (!state.open) stop();
			};
			const unsubscribe = subscribe(sessionId, (change) => {
				if (change === 'closed') {
					if (pending) clearTimeout(pending);
					return sendState();
				}
				pending ??= setTimeout(sendState, GATHER_MS);
			});
			if (!unsubscribe) {
				controller.enqueue(
					encoder.encode(`retry: 60000\nevent: busy\ndata: "Too many screens are open"\n\n`)
				);
				controller.close();
				done = true;
				return;
			}
			const heartbeat = setInterval(() => write(`: still here\n\n`), HEARTBEAT_MS);
			// A session that runs out of time closes its streams too.
			const expiry = setTimeout(
				sendState,
				Math.max(0, session.closesAt.getTime() - Date.now()) + 100
			);
			stop = () => {
				if (done) return;
				done = true;
				unsubscribe();
				clearInterval(heartbeat);
				clearTimeout(expiry);
				if (pending) clearTimeout(pending);
				try {
					controller.close();
				} catch {
					// already closed by the client
				}
			};
			write(`retry: ${RETRY_MS}\n\n`);
			sendState();
		},
		cancel() {
			stop();
		}
	});

	return new Response(stream, {
		headers: {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-store',
			'x-accel-buffering': 'no'
		}
	});
}) satisfies RequestHandler;
