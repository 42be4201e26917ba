import { describe, expect, it } from 'vitest';
import { Throttle } from '$lib/server/auth/throttle';

describe('sign-in throttle', () => {
	it('lets a first attempt through and slows down each repeated failure', () => {
		const throttle = new Throttle();
		const t0 = 1_000_000;
		expect(throttle.waitSeconds('email:a', t0)).toBe(0);
		throttle.recordFailure('email:a', t0);
		expect(throttle.waitSeconds('email:a', t0)).toBe(1);
		throttle.recordFailure('email:a', t0);
		throttle.recordFailure('email:a', t0);
		expect(throttle.waitSeconds('email:a', t0)).toBe(4);
		expect(throttle.waitSeconds('email:a', t0 + 4000)).toBe(0);
	});

	it('caps the wait at five minutes', () => {
		const throttle = new Throttle();
		for (let i = 0; i < 50; i++) throttle.recordFailure('address:x', 0);
		expect(throttle.waitSeconds('address:x', 0)).toBe(300);
	});

	it('forgives the first few failures when asked to', () => {
		const throttle = new Throttle(2);
		throttle.recordFailure('a', 0);
		throttle.recordFailure('a', 0);
		expect(throttle.waitSeconds('a', 0)).toBe(0);
		throttle.recordFailure('a', 0);
		expect(throttle.waitSeconds('a', 0)).toBe(1);
	});

	it('keeps keys apart and forgets a key on reset', () => {
		const throttle = new Throttle();
		throttle.recordFailure('email:a', 0);
		expect(throttle.waitSeconds('email:b', 0)).toBe(0);
		throttle.reset('email:a');
		expect(throttle.waitSeconds('email:a', 0)).toBe(0);
	});
});
