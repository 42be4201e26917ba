import { describe, expect, it } from 'vitest';
import {
	COMMON_PASSWORD_MESSAGE,
	PERSONAL_PASSWORD_MESSAGE,
	passwordProblem
} from '$lib/server/auth/password-rules';
import { readFileSync } from 'node:fs';

const person = { name: 'Alex Morgan-Smith', email: 'a.morgan@trust.example.nhs.uk' };

describe('new passwords', () => {
	it('refuses the most common passwords, whatever their case, and says why', () => {
		for (const password of ['1qaz2wsx3edc', '123QWEASDZXC', 'Q1W2E3R4T5Y6'])
			expect(passwordProblem(password, person), password).toBe(COMMON_PASSWORD_MESSAGE);
		expect(COMMON_PASSWORD_MESSAGE).toMatch(/one of the most common passwords/);
	});

	it('reads the whole list shipped with the code: its last entry is refused too', () => {
		const list = readFileSync('src/lib/server/auth/common-passwords/common-passwords.txt', 'utf8')
			.trim()
			.split('\n');
		expect(list).toHaveLength(10_000);
		expect(passwordProblem(list.at(-1)!, {})).toBe(COMMON_PASSWORD_MESSAGE);
	});

	it('refuses the common passwords long enough to pass the length rule, from the NCSC list too', () => {
		const list = readFileSync(
			'src/lib/server/auth/common-passwords/long-common-passwords.txt',
			'utf8'
		)
			.trim()
			.split('\n');
		expect(list).toHaveLength(1208);
		for (const password of list) expect(password.length).toBeGreaterThanOrEqual(12);
		// Not in the first list, which has only 25 passwords of 12 characters or more.
		for (const password of ['PE#5GZ29PTZMSE', '111222tianya', list.at(-1)!])
			expect(passwordProblem(password, {}), password).toBe(COMMON_PASSWORD_MESSAGE);
	});

	it('refuses a password containing the email name or any word of 4 or more letters of the name', () => {
		for (const password of [
			'my name is alex really',
			'MORGAN and more words',
			'smith smith smith smith',
			'xx a.morgan xx 2026!'
		])
			expect(passwordProblem(password, person), password).toBe(PERSONAL_PASSWORD_MESSAGE);
	});

	it('ignores short parts of names and email names (under 4 characters)', () => {
		expect(
			passwordProblem('ed jo ann lee sky', { name: 'Ed Jo Lee', email: 'ann@x.example' })
		).toBeNull();
	});

	it('accepts an uncommon password that has nothing of the person in it', () => {
		expect(passwordProblem('correct horse battery staple', person)).toBeNull();
	});
});
