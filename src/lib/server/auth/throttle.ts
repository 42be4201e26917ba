/**
 * Slows down repeated failures for one key (an email address or a client address): past a few
 * forgiven mistakes, each failure makes the next attempt wait longer, up to five minutes. Kept in
 * memory, so a restart forgives; that is acceptable for a single-process server.
 */
const WAIT_SECONDS = [0, 1, 2, 4, 8, 16, 30, 60, 180, 300];

interface Entry {
	failures: number;
	lastFailureAt: number;
}

export class Throttle {
	#entries = new Map<string, Entry>();

	/** @param forgivenFailures failures allowed before any wait, e.g. for mistyped passwords. */
	constructor(private readonly forgivenFailures = 0) {}

	/** Seconds the caller must still wait before this key may try again (0 when it may). */
	waitSeconds(key: string, now = Date.now()): number {
		const entry = this.#entries.get(key);
		if (!entry) return 0;
		const counted = Math.max(0, entry.failures - this.forgivenFailures);
		const wait = WAIT_SECONDS[Math.min(counted, WAIT_SECONDS.length - 1)] * 1000;
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

/** Per account: a couple of typing mistakes are free. */
export const accountThrottle = new Throttle(2);
/** Per client address: many staff can share one NHS network address, so it tolerates more. */
export const addressThrottle = new Throttle(20);

/** Per client address, for links that carry a secret (invitations, password resets): guessing is slowed. */
export const linkThrottle = new Throttle(10);
