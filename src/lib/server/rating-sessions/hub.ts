// A small in-process publish/subscribe for live rating sessions: whatever changes a session (a
// join, an answer, the next challenge, a reveal, the close) is published here after its
// transaction commits, and each facilitator's screen that is listening hears it. Only that
// something changed is published, never what: each listener reads the session's state itself, so
// nothing a participant answered passes through here. One server process holds the database, so
// in-process is enough.

export type SessionChange = 'changed' | 'closed';
type Listener = (change: SessionChange) => void;

/** Screens that may listen to one session at once: a room needs one or two; the rest is abuse. */
export const MAX_STREAMS_PER_SESSION = 10;

const listeners = new Map<string, Set<Listener>>();

/**
 * Listens to a session; null when it already has MAX_STREAMS_PER_SESSION listeners. Returns the
 * function that stops listening.
 */
export function subscribe(sessionId: string, listener: Listener): (() => void) | null {
	const set = listeners.get(sessionId) ?? new Set<Listener>();
	if (set.size >= MAX_STREAMS_PER_SESSION) return null;
	set.add(listener);
	listeners.set(sessionId, set);
	return () => {
		set.delete(listener);
		if (set.size === 0 && listeners.get(sessionId) === set) listeners.delete(sessionId);
	};
}

/** Tells every listener of the session; a listener that throws does not stop the others. */
export function publish(sessionId: string, change: SessionChange = 'changed'): void {
	for (const listener of [...(listeners.get(sessionId) ?? [])]) {
		try {
			listener(change);
		} catch {
			// A stream that has gone away; its own cleanup removes it.
		}
	}
}

/** How many listen to a session now: for the stream cap and for tests. */
export function listenerCount(sessionId: string): number {
	return listeners.get(sessionId)?.size ?? 0;
}
