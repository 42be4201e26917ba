/**
 * Slows down guessing without ever locking anyone out.
 *
 * Each key (an email address, a person, a client address) has a count of recent failures that
 * goes down by one every `leakMs` (a leaky bucket), so a quiet key is soon forgiven. Past the
 * forgiven failures, every attempt on the key waits before it is checked: 1 s, 2 s, 4 s… up to
 * `maxDelayMs`. The wait depends only on the key, never on the password, so a wrong guess and the
 * right one answer alike until they are checked, and the right one always gets in after at most
 * `maxDelayMs`, however many failures came before.
 *
 * An attempt counts from the moment it starts, not when it fails, and the attempts of a slowed key
 * are spaced out one wait apart: firing many at once gains nothing. An attempt that would have to
 * wait longer than `maxDelayMs` for its turn is refused at once, unchecked ("busy"), so parallel
 * guesses cannot pile up; someone trying alone is never refused.
 *
 * Kept in memory, so a restart forgives; that is acceptable for a single-process server.
 */

export interface ThrottleOptions {
	/** Failures allowed before any wait, e.g. for mistyped passwords. */
	forgiven: number;
	/** The count goes down by one after this long without a failure. */
	leakMs?: number;
	/** The longest a single attempt is made to wait. */
	maxDelayMs?: number;
	/** Keys kept at most; past it the least recently failed key that is not slowed is forgotten. */
	maxKeys?: number;
	clock?: () => number;
}

interface Entry {
	/** Failures, as of `updatedAt`, before leaking. */
	level: number;
	updatedAt: number;
	inFlight: number;
	/** When the latest attempt that had to wait was let through. */
	lastStartAt: number;
}

export type AttemptStart =
	| { busy: false; delayMs: number; finish: (outcome: 'failed' | 'succeeded') => void }
	| { busy: true; retryAfterSeconds: number };

const BASE_DELAY_MS = 1000;

export class Throttle {
	readonly #entries = new Map<string, Entry>();
	readonly #forgiven: number;
	readonly #leakMs: number;
	readonly #maxDelayMs: number;
	readonly #maxKeys: number;
	readonly #clock: () => number;

	constructor(options: ThrottleOptions) {
		this.#forgiven = options.forgiven;
		this.#leakMs = options.leakMs ?? 60_000;
		this.#maxDelayMs = options.maxDelayMs ?? 30_000;
		this.#maxKeys = options.maxKeys ?? 10_000;
		this.#clock = options.clock ?? Date.now;
	}

	/** Recent failures still counted for the key, after leaking. */
	failures(key: string): number {
		const entry = this.#entries.get(key);
		return entry ? this.#leaked(entry, this.#clock()) : 0;
	}

	/** How long an attempt starting now would wait (0 when the key is not slowed). */
	delayMs(key: string): number {
		const entry = this.#entries.get(key);
		if (!entry) return 0;
		return this.#delayFor(this.#leaked(entry, this.#clock()) + entry.inFlight);
	}

	/**
	 * Starts an attempt: counts it at once and says how long to wait before checking it, or that
	 * the key is busy with other attempts. Call `finish` once the attempt has been checked.
	 */
	begin(key: string): AttemptStart {
		const now = this.#clock();
		const entry = this.#entries.get(key) ?? {
			level: 0,
			updatedAt: now,
			inFlight: 0,
			lastStartAt: 0
		};
		const startAt = this.#startAt(entry, now);
		if (startAt - now > this.#maxDelayMs) {
			return { busy: true, retryAfterSeconds: Math.ceil(this.#maxDelayMs / 1000) };
		}
		this.#settle(entry, now);
		entry.inFlight += 1;
		if (startAt > now) entry.lastStartAt = startAt;
		this.#entries.set(key, entry);

		let finished = false;
		return {
			busy: false,
			delayMs: startAt - now,
			finish: (outcome) => {
				if (finished) return;
				finished = true;
				entry.inFlight -= 1;
				if (outcome === 'failed') this.#recordFailure(key, entry);
				else this.#forgetIfQuiet(key, entry);
			}
		};
	}

	/** Whether an attempt starting now would be refused unchecked. */
	isBusy(key: string): boolean {
		const entry = this.#entries.get(key);
		const now = this.#clock();
		return !!entry && this.#startAt(entry, now) - now > this.#maxDelayMs;
	}

	/** Forgets the key's failures: for a key that belongs to one person who has just proved who they are. */
	reset(key: string): void {
		const entry = this.#entries.get(key);
		if (!entry) return;
		entry.level = 0;
		this.#forgetIfQuiet(key, entry);
	}

	/** How many keys are held: for tests of eviction. */
	get size(): number {
		return this.#entries.size;
	}

	#leaked(entry: Entry, now: number): number {
		return Math.max(0, entry.level - Math.floor((now - entry.updatedAt) / this.#leakMs));
	}

	/** Applies the leak so far, keeping the part of a step that has not yet passed. */
	#settle(entry: Entry, now: number): void {
		const steps = Math.floor((now - entry.updatedAt) / this.#leakMs);
		entry.level = Math.max(0, entry.level - steps);
		entry.updatedAt = entry.level === 0 ? now : entry.updatedAt + steps * this.#leakMs;
	}

	/** When an attempt starting now may be checked: one wait after now, and after the last one let through. */
	#startAt(entry: Entry, now: number): number {
		const delay = this.#delayFor(this.#leaked(entry, now) + entry.inFlight);
		return delay > 0 ? Math.max(now + delay, entry.lastStartAt + delay) : now;
	}

	#delayFor(count: number): number {
		const over = count - this.#forgiven;
		if (over <= 0) return 0;
		return Math.min(this.#maxDelayMs, BASE_DELAY_MS * 2 ** Math.min(over - 1, 20));
	}

	#recordFailure(key: string, entry: Entry): void {
		const now = this.#clock();
		// The level is capped just past the longest wait, so a key under attack is forgiven soon after it stops.
		const cap = this.#forgiven + Math.ceil(Math.log2(this.#maxDelayMs / BASE_DELAY_MS)) + 2;
		this.#settle(entry, now);
		if (entry.level === 0) entry.updatedAt = now;
		entry.level = Math.min(cap, entry.level + 1);
		// Re-inserted so the map's order is "least recently failed first", which eviction walks.
		this.#entries.delete(key);
		this.#entries.set(key, entry);
		if (this.#entries.size > this.#maxKeys) this.#evict(now);
	}

	#forgetIfQuiet(key: string, entry: Entry): void {
		if (entry.inFlight === 0 && this.#leaked(entry, this.#clock()) === 0) this.#entries.delete(key);
	}

	/** Forgets the least recently failed key that is not slowed; a slowed key is never dropped. */
	#evict(now: number): void {
		for (const [key, entry] of this.#entries) {
			if (entry.inFlight === 0 && this.#delayFor(this.#leaked(entry, now)) === 0) {
				this.#entries.delete(key);
				return;
			}
		}
	}
}

/**
 * The key for a client address. An IPv6 host usually has a whole /64 to itself, so each of its
 * addresses would otherwise be a fresh key; an IPv4 address mapped into IPv6 is taken as IPv4.
 */
export function clientKey(address: string): string {
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
	if (mapped) return mapped[1];
	if (!address.includes(':')) return address;
	const hextets = expandIpv6(address.split('%')[0]);
	return hextets ? `${hextets.slice(0, 4).join(':')}::/64` : address;
}

function expandIpv6(address: string): string[] | null {
	const halves = address.toLowerCase().split('::');
	if (halves.length > 2) return null;
	const head = halves[0] ? halves[0].split(':') : [];
	const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
	// An embedded IPv4 tail (e.g. 64:ff9b::1.2.3.4) takes two hextets; it never reaches the /64.
	const width = (parts: string[]) => parts.reduce((n, p) => n + (p.includes('.') ? 2 : 1), 0);
	const missing = 8 - width(head) - width(tail);
	if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
	const all = [...head, ...Array<string>(missing).fill('0'), ...tail];
	if (!all.slice(0, 4).every((h) => /^[0-9a-f]{1,4}$/.test(h))) return null;
	return all.map((h) => (h.includes('.') ? h : h.replace(/^0+(?=.)/, '')));
}

/** Several throttles' attempts as one: the longest wait, busy if any is busy. */
export function beginAll(starts: { throttle: Throttle; key: string }[]): AttemptStart {
	// Checked first, so that a busy key does not leave the others with an attempt that never ran.
	for (const { throttle, key } of starts) {
		if (throttle.isBusy(key)) return throttle.begin(key);
	}
	const begun = starts.map(({ throttle, key }) => throttle.begin(key));
	const started = begun.filter((b) => !b.busy);
	return {
		busy: false,
		delayMs: Math.max(0, ...started.map((b) => b.delayMs)),
		finish: (outcome) => started.forEach((b) => b.finish(outcome))
	};
}

export type Busy = { ok: false; problem: 'busy'; retryAfterSeconds: number };

/**
 * Runs a check through throttles: counts it at once, waits its turn, then checks. A check that
 * answers `ok: false` (or throws) counts as a failure. The wait comes before anything is looked
 * up, so it is the same whatever the answer will be.
 */
export async function throttledCheck<T extends { ok: boolean }>(
	starts: { throttle: Throttle; key: string }[],
	check: () => Promise<T> | T,
	wait: (ms: number) => Promise<void> = sleep
): Promise<T | Busy> {
	const attempt = beginAll(starts);
	if (attempt.busy)
		return { ok: false, problem: 'busy', retryAfterSeconds: attempt.retryAfterSeconds };
	let result: T | undefined;
	try {
		await wait(attempt.delayMs);
		result = await check();
		return result;
	} finally {
		attempt.finish(result?.ok ? 'succeeded' : 'failed');
	}
}

export const isBusy = (result: { ok: boolean }): result is Busy =>
	!result.ok && 'problem' in result && result.problem === 'busy';

export function sleep(ms: number): Promise<void> {
	return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Per account: a couple of typing mistakes are free. Also counts wrong codes at the second step. */
export const accountThrottle = new Throttle({ forgiven: 2 });
/** Per client address: many staff can share one NHS network address, so it tolerates more. */
export const addressThrottle = new Throttle({ forgiven: 20 });
/** Per client address, for links that carry a secret (invitations, password resets): guessing is slowed. */
export const linkThrottle = new Throttle({ forgiven: 10 });
