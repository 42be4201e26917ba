// Guessing join codes from one address is limited; a room sharing one address is not.
//
// Wrong codes from an address are counted in a leaky bucket (the sign-in Throttle's, forgiven one
// a minute): past WRONG_CODES_FORGIVEN of them, every code from that address is refused for a
// while, right or wrong, before it is looked up. A right code costs nothing, so 60 people behind
// one network address join at once. Joins themselves are capped per address per hour.

import { clientKey, Throttle } from '../auth/throttle';
import type { Db } from '../db/client';
import { HourlyCap, MAX_JOINS_PER_ADDRESS_PER_HOUR, openSessionForCode } from './joining';

/** About 10 wrong codes per 10 minutes from one address. */
export const WRONG_CODES_FORGIVEN = 10;

export function joinLimits(clock: () => number = Date.now) {
	const wrongCodes = new Throttle({ forgiven: WRONG_CODES_FORGIVEN, leakMs: 60_000, clock });
	const joins = new HourlyCap(MAX_JOINS_PER_ADDRESS_PER_HOUR, clock);
	return {
		/**
		 * The open session a code opens, counting a wrong one against the address; 'throttled'
		 * (unlooked-up) when the address has tried too many wrong codes lately.
		 */
		checkCode(db: Db, address: string, typed: string) {
			const key = clientKey(address);
			if (wrongCodes.failures(key) >= WRONG_CODES_FORGIVEN)
				return { ok: false as const, problem: 'throttled' as const };
			const found = openSessionForCode(db, typed);
			if (!found.ok) {
				const attempt = wrongCodes.begin(key);
				if (!attempt.busy) attempt.finish('failed');
			}
			return found;
		},
		/** Counts a join from the address; false once it has joined its hourly cap. */
		takeJoin(address: string) {
			return joins.take(clientKey(address));
		}
	};
}

/** The server's limits, one set for the whole process. */
export const serverJoinLimits = joinLimits();

export const THROTTLED_MESSAGE =
	'Too many wrong codes have come from this network. Wait a few minutes, then check the code on the screen and try again.';
export const TOO_MANY_JOINS_MESSAGE =
	'Too many people have joined from this network in the last hour. Ask the facilitator for help.';
