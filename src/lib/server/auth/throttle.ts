/**
 * Slows down repeated failures for one key (an email address or a client address): after each
 * failure the next attempt must wait longer, up to five minutes. Kept in memory, so a restart
 * forgives; that is acceptable for a single-process server.
 */
const WAIT_SECONDS = [0, 1, 2, 4, 8, 16, 30, 60, 180, 300];

interface Entry {
	failures: number;
	lastFailureAt: number;
}

export class Throttle {
	#entries = new Map<string, Entry>();

	/** Seconds the caller must still wait before this key may try again (0 when it may). */
	waitSeconds(key: string, now = Date.now()): number {
		const entry = this.#entries.get(key);
		if (!entry) return 0;
		const wait = WAIT_SECONDS[Math.min(entry.failures, WAIT_SECONDS.length - 1)] * 1000;
		const remaining = entry.lastFailureAt + wait - now;
		return remaining > 0 ? Math.ceil(remaining / 1000) : 0;
	}

	recordFailure(key: string, now = Date.now()): void {
		const entry = this.#entries.get(key);
		this.#entries.set(key, { failures: (entry?.failures ?? 0) + 1, lastFailureAt: now });
		if (this.#entries.size > 10_000) this.#forgetOldest();
	}

	reset(key: string): void {
		this.#entries.delete(key);
	}

	#forgetOldest(): void {
		const oldest = this.#entries.keys().next().value;
		if (oldest !== undefined) this.#entries.delete(oldest);
	}
}

export const signInThrottle = new Throttle();
