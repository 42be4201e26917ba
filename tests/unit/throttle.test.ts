import { describe, expect, it } from 'vitest';
import { beginAll, clientKey, Throttle, throttledCheck } from '$lib/server/auth/throttle';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
	let now = start;
	return { now: () => now, advance: (ms: number) => (now += ms) };
}

function fail(throttle: Throttle, key: string, times = 1) {
	for (let i = 0; i < times; i++) {
		const attempt = throttle.begin(key);
		if (attempt.busy) throw new Error('busy');
		attempt.finish('failed');
	}
}

describe('the throttle', () => {
	it('lets a first attempt through and slows each repeated failure, doubling the wait', () => {
		const clock = manualClock();
		const throttle = new Throttle({ forgiven: 0, clock: clock.now });
		expect(throttle.delayMs('email:a')).toBe(0);
		fail(throttle, 'email:a');
		expect(throttle.delayMs('email:a')).toBe(1000);
		clock.advance(1000);
		fail(throttle, 'email:a', 2);
		expect(throttle.delayMs('email:a')).toBe(4000);
	});

	it('caps the wait, so that a person is slowed but never shut out', () => {
		const clock = manualClock();
		const throttle = new Throttle({ forgiven: 0, maxDelayMs: 30_000, clock: clock.now });
		for (let i = 0; i < 50; i++) {
			const attempt = throttle.begin('address:x');
			expect(attempt.busy, `attempt ${i}`).toBe(false);
			if (!attempt.busy) {
				expect(attempt.delayMs).toBeLessThanOrEqual(30_000);
				clock.advance(attempt.delayMs);
				attempt.finish('failed');
			}
		}
		expect(throttle.delayMs('address:x')).toBe(30_000);
	});

	it('forgives the first few failures when asked to', () => {
		const throttle = new Throttle({ forgiven: 2, clock: () => 0 });
		fail(throttle, 'a', 2);
		expect(throttle.delayMs('a')).toBe(0);
		fail(throttle, 'a');
		expect(throttle.delayMs('a')).toBe(1000);
	});

	it('keeps keys apart and forgets a key on reset', () => {
		const throttle = new Throttle({ forgiven: 0, clock: () => 0 });
		fail(throttle, 'email:a');
		expect(throttle.delayMs('email:b')).toBe(0);
		throttle.reset('email:a');
		expect(throttle.delayMs('email:a')).toBe(0);
	});

	it('forgets failures over time: an address slowed by many failures is free again after a quiet spell', () => {
		const clock = manualClock();
		const throttle = new Throttle({ forgiven: 20, leakMs: 60_000, clock: clock.now });
		fail(throttle, '192.0.2.7', 25);
		expect(throttle.failures('192.0.2.7')).toBe(25);
		expect(throttle.delayMs('192.0.2.7')).toBeGreaterThan(0);
		clock.advance(3 * 60_000);
		expect(throttle.failures('192.0.2.7')).toBe(22);
		clock.advance(2 * 60_000);
		expect(throttle.failures('192.0.2.7')).toBe(20);
		expect(throttle.delayMs('192.0.2.7')).toBe(0);
	});

	it('keeps part of a step that has not passed, so attempts every 59 seconds still let the count fall', () => {
		const clock = manualClock();
		const throttle = new Throttle({ forgiven: 0, leakMs: 60_000, clock: clock.now });
		fail(throttle, 'k', 3);
		for (let i = 0; i < 5; i++) {
			clock.advance(59_000);
			const attempt = throttle.begin('k');
			if (!attempt.busy) attempt.finish('succeeded');
		}
		expect(throttle.failures('k')).toBeLessThan(3);
	});

	it('counts an attempt from when it starts, so parallel attempts each wait longer', () => {
		const throttle = new Throttle({ forgiven: 1, clock: () => 0 });
		const delays = [0, 1, 2, 3].map(() => {
			const attempt = throttle.begin('k');
			return attempt.busy ? 'busy' : attempt.delayMs;
		});
		// First two free; then one second, and the next is spaced a further two seconds after it.
		expect(delays).toEqual([0, 0, 1000, 3000]);
	});

	it('refuses, unchecked, parallel attempts that would have to wait past the cap', () => {
		const throttle = new Throttle({ forgiven: 0, maxDelayMs: 8000, clock: () => 0 });
		const starts = Array.from({ length: 10 }, () => throttle.begin('k'));
		const busy = starts.filter((s) => s.busy).length;
		expect(busy).toBeGreaterThan(0);
		for (const s of starts) if (!s.busy) expect(s.delayMs).toBeLessThanOrEqual(8000);
	});

	it('never forgets a slowed key to make room; it forgets the least recently failed one that is not slowed', () => {
		const clock = manualClock();
		const throttle = new Throttle({ forgiven: 1, maxKeys: 3, clock: clock.now });
		fail(throttle, 'slowed', 3);
		clock.advance(10);
		fail(throttle, 'quiet-old');
		clock.advance(10);
		fail(throttle, 'quiet-new');
		clock.advance(10);
		fail(throttle, 'newcomer');
		expect(throttle.size).toBe(3);
		expect(throttle.failures('slowed')).toBe(3);
		expect(throttle.failures('quiet-old')).toBe(0);
		expect(throttle.failures('quiet-new')).toBe(1);
	});

	it('does not leave an attempt counted on one key when another key is busy', () => {
		const a = new Throttle({ forgiven: 0, maxDelayMs: 1000, clock: () => 0 });
		const b = new Throttle({ forgiven: 0, maxDelayMs: 1000, clock: () => 0 });
		fail(b, 'k');
		const waiting = b.begin('k'); // in flight, holding the only slot within the cap
		expect(waiting.busy).toBe(false);
		const start = beginAll([
			{ throttle: a, key: 'k' },
			{ throttle: b, key: 'k' }
		]);
		expect(start.busy).toBe(true);
		expect(a.delayMs('k')).toBe(0);
	});

	it('counts a check that throws as a failure', async () => {
		const throttle = new Throttle({ forgiven: 0, clock: () => 0 });
		await expect(
			throttledCheck(
				[{ throttle, key: 'k' }],
				() => {
					throw new Error('boom');
				},
				async () => {}
			)
		).rejects.toThrow('boom');
		expect(throttle.failures('k')).toBe(1);
	});
});

describe('the key for a client address', () => {
	it('keys IPv6 addresses by their /64, however they are written', () => {
		expect(clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
		expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
		expect(clientKey('2001:0db8:0001:0002:0:0:0:ffff')).toBe('2001:db8:1:2::/64');
		expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
		expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
	});

	it('keeps IPv4 addresses whole, including IPv4 mapped into IPv6', () => {
		expect(clientKey('192.0.2.7')).toBe('192.0.2.7');
		expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
		expect(clientKey('192.0.2.8')).not.toBe(clientKey('192.0.2.7'));
	});
});
