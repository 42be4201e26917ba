import { describe, expect, it, vi } from 'vitest';
import * as argon2 from '@node-rs/argon2';

vi.mock('@node-rs/argon2', { spy: true });
import { hashPassword } from '$lib/server/auth/password';
import { checkCode, checkPassword, type SignInDeps } from '$lib/server/auth/sign-in';
import { Throttle } from '$lib/server/auth/throttle';
import {
	confirmEnrolment,
	enrolmentFor,
	secretFromText,
	totpCodeAt,
	totpStep
} from '$lib/server/auth/mfa';
import { freshDb, insertUser } from './helpers/db';

const PASSWORD = 'correct horse battery staple';
const KEY = Buffer.alloc(32, 7);

/**
 * Throttles as the app has them, on a clock that only the test moves. Waits are recorded, not
 * slept: a wait moves the clock to when it would have ended, as parallel waits would in real time.
 */
function testDeps(demo = false) {
	let now = Date.parse('2026-11-23T09:00:00Z');
	const waits: number[] = [];
	const deps: SignInDeps = {
		accountThrottle: new Throttle({ forgiven: 2, clock: () => now }),
		addressThrottle: new Throttle({ forgiven: 20, clock: () => now }),
		sleep: async (ms) => {
			const startedAt = now;
			waits.push(ms);
			// Yield first, so that attempts started together all start before any wait ends.
			await new Promise((resolve) => setTimeout(resolve, 0));
			now = Math.max(now, startedAt + ms);
		},
		demo,
		clock: () => new Date(now)
	};
	return { deps, waits, advance: (ms: number) => (now += ms) };
}

async function withAccount(overrides = {}) {
	const db = freshDb();
	const user = insertUser(db, { passwordHash: await hashPassword(PASSWORD), ...overrides });
	return { db, user };
}

describe('signing in with a password', () => {
	it('lets the right password in after 20 wrong ones sent at once', async () => {
		const { db, user } = await withAccount();
		const { deps, waits } = testDeps();
		const wrong = await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				checkPassword(
					db,
					{ email: user.email, password: `wrong guess ${i}`, address: '192.0.2.1' },
					deps
				)
			)
		);
		expect(wrong.every((r) => !r.ok)).toBe(true);
		// Parallel guesses are not all checked at once: past the forgiven ones they wait their turn,
		// and those that would wait past the cap are refused unchecked.
		expect(wrong.filter((r) => !r.ok && r.problem === 'busy').length).toBeGreaterThan(0);
		expect(Math.max(...waits)).toBeLessThanOrEqual(30_000);

		const right = await checkPassword(
			db,
			{ email: user.email, password: PASSWORD, address: '192.0.2.1' },
			deps
		);
		expect(right).toEqual({ ok: true, userId: user.id, next: 'session' });
		expect(waits.at(-1)).toBeGreaterThan(0);
		expect(waits.at(-1)).toBeLessThanOrEqual(30_000);
	});

	it('slows a wrong password and the right one alike before checking either', async () => {
		const { db, user } = await withAccount();
		const { deps, waits } = testDeps();
		for (let i = 0; i < 4; i++)
			await checkPassword(db, { email: user.email, password: 'nope', address: '192.0.2.1' }, deps);
		const before = deps.accountThrottle.delayMs(`email:${user.email}`);
		const wrong = await checkPassword(
			db,
			{ email: user.email, password: 'nope', address: '192.0.2.1' },
			deps
		);
		const waitForWrong = waits.at(-1);
		expect(wrong).toEqual({ ok: false, problem: 'wrong' });
		expect(waitForWrong).toBe(before);
		// Same state again (time moves on by the wait the wrong one caused): the right password waits as long.
		const sameState = deps.accountThrottle.delayMs(`email:${user.email}`);
		await checkPassword(db, { email: user.email, password: PASSWORD, address: '192.0.2.1' }, deps);
		expect(waits.at(-1)).toBe(sameState);
	});

	it('forgives the account once the person is in, but not the address', async () => {
		const { db, user } = await withAccount();
		const { deps } = testDeps();
		for (let i = 0; i < 3; i++)
			await checkPassword(db, { email: user.email, password: 'nope', address: '192.0.2.1' }, deps);
		await checkPassword(db, { email: user.email, password: PASSWORD, address: '192.0.2.1' }, deps);
		expect(deps.accountThrottle.failures(`email:${user.email}`)).toBe(0);
		expect(deps.addressThrottle.failures('192.0.2.1')).toBe(3);
	});

	it('spends a full password check on a disabled account, and answers as for a wrong password', async () => {
		const { db, user } = await withAccount({ disabledAt: new Date('2026-01-02T00:00:00Z') });
		const { deps } = testDeps();
		vi.mocked(argon2.verify).mockClear();
		const result = await checkPassword(
			db,
			{ email: user.email, password: PASSWORD, address: '192.0.2.1' },
			deps
		);
		expect(result).toEqual({ ok: false, problem: 'wrong' });
		expect(argon2.verify).toHaveBeenCalledTimes(1);
		expect(vi.mocked(argon2.verify).mock.calls[0][1]).toBe(PASSWORD);
	});

	it('asks for a code after the password when the person uses two-step sign-in, except on a demo', async () => {
		const { db, user } = await withAccount();
		const enrolment = enrolmentFor(db, KEY, user)!;
		const secret = secretFromText(enrolment.secretText);
		expect(
			confirmEnrolment(db, KEY, user.id, totpCodeAt(secret, totpStep(new Date())), new Date()).ok
		).toBe(true);
		const input = { email: user.email, password: PASSWORD, address: '192.0.2.1' };
		expect(await checkPassword(db, input, testDeps().deps)).toMatchObject({
			ok: true,
			next: 'code'
		});
		expect(await checkPassword(db, input, testDeps(true).deps)).toMatchObject({
			ok: true,
			next: 'session'
		});
	});

	it('throttles wrong codes like wrong passwords, on the same account key', async () => {
		const { db, user } = await withAccount();
		const now = new Date();
		const secret = secretFromText(enrolmentFor(db, KEY, user, now)!.secretText);
		confirmEnrolment(db, KEY, user.id, totpCodeAt(secret, totpStep(now)), now);
		const { deps } = testDeps();
		for (let i = 0; i < 3; i++) {
			const wrong = await checkCode(
				db,
				KEY,
				{ userId: user.id, code: '000000', address: '192.0.2.1' },
				deps
			);
			expect(wrong.ok).toBe(false);
		}
		expect(deps.accountThrottle.failures(`email:${user.email}`)).toBe(3);
		expect(deps.accountThrottle.delayMs(`email:${user.email}`)).toBeGreaterThan(0);
	});
});
