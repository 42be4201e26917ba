import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyAccountChange } from '$lib/server/accounts/notices';
import { startSmtpCatcher, type SmtpCatcher } from '../smtp-catcher';

describe('emails telling people what happened to their account', () => {
	let catcher: SmtpCatcher;
	beforeAll(async () => {
		catcher = await startSmtpCatcher();
		process.env.SMTP_URL = catcher.url;
	});
	afterAll(async () => {
		delete process.env.SMTP_URL;
		await catcher.stop();
	});

	it('sends a fixed text for each kind of change, to the person, naming when it happened', async () => {
		const person = { email: 'sam.jones@trust.example', name: 'Sam Jones' };
		const at = new Date('2026-11-23T09:30:00Z');
		for (const notice of ['reset-issued', 'reset-used', 'password-changed', 'mfa-off'] as const)
			notifyAccountChange(person, notice, at);
		await expect.poll(() => catcher.emails.length, { timeout: 10_000 }).toBe(4);
		const subjects = catcher.emails.map((e) => e.headers.subject);
		expect(subjects).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/link to set a new password was made/),
				expect.stringMatching(/changed with a reset link/),
				expect.stringMatching(/^Your password was changed/),
				expect.stringMatching(/Two-step sign-in was turned off/)
			])
		);
		for (const email of catcher.emails) {
			expect(email.to).toEqual(['sam.jones@trust.example']);
			expect(email.text).toContain('Hello Sam Jones,');
			expect(email.text).toContain('23 November 2026');
			expect(email.text).toContain('If it was not, tell your organisation');
		}
	});
});
