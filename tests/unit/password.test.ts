import { describe, expect, it, vi } from 'vitest';
import * as argon2 from '@node-rs/argon2';

vi.mock('@node-rs/argon2', { spy: true });
import { hashPassword, verifyAgainstDummy, verifyPassword } from '$lib/server/auth/password';

describe('password hashing', () => {
	it('uses Argon2id with 19456 KiB, 2 passes and 1 lane', async () => {
		const hash = await hashPassword('correct horse battery staple');
		expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
	});

	it('verifies the right password and refuses a wrong one', async () => {
		const hash = await hashPassword('correct horse battery staple');
		expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
		expect(await verifyPassword(hash, 'correct horse battery stapler')).toBe(false);
	});

	it('salts each hash, so the same password never hashes the same way twice', async () => {
		const [a, b] = await Promise.all([
			hashPassword('same password here'),
			hashPassword('same password here')
		]);
		expect(a).not.toBe(b);
	});

	it('treats a malformed stored hash as a failed check, not an error', async () => {
		expect(await verifyPassword('not-a-hash', 'anything at all')).toBe(false);
	});

	it('spends a real Argon2id check, with the same parameters, on an unknown account', async () => {
		vi.mocked(argon2.verify).mockClear();
		await verifyAgainstDummy('whatever was typed');
		expect(argon2.verify).toHaveBeenCalledTimes(1);
		const [dummyHash, typed] = vi.mocked(argon2.verify).mock.calls[0];
		expect(dummyHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(typed).toBe('whatever was typed');
	});
});
