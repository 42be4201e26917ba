// Reset links that no administrator issues: emailed to a person who asks for one on the sign-in
// page, or made on the server by whoever runs it, for a platform administrator with no one else
// to ask. They are the same single-use links an administrator issues.

import type { Db } from '../db/client';
import { emailIsConfigured, sendPasswordResetEmail } from '../mailer';
import { findUserByEmail } from '../users';
import { issuePasswordReset } from './administering';

export type ResetForEmailResult =
	| { ok: true; token: string; name: string; email: string; expiresAt: Date }
	| { ok: false; problem: 'unknown' | 'disabled' };

/** A reset link for the account with this email address, when there is one that may sign in. */
export function issueResetLinkForEmail(
	db: Db,
	email: string,
	issuedBy: 'email' | 'command',
	now = new Date()
): ResetForEmailResult {
	const account = findUserByEmail(db, email);
	if (!account) return { ok: false, problem: 'unknown' };
	const issued = issuePasswordReset(db, null, account.id, now, issuedBy);
	if (!issued.ok)
		return { ok: false, problem: issued.problem === 'disabled' ? 'disabled' : 'unknown' };
	return {
		ok: true,
		token: issued.token,
		name: issued.name,
		email: account.email,
		expiresAt: issued.expiresAt
	};
}

export type EmailedResetOutcome = 'sent' | 'no-account' | 'not-configured' | 'failed';

/**
 * Emails a reset link to the account with this address, if there is one that may sign in. The
 * person who asked is told the same whatever happens here, so that nobody learns from it which
 * addresses have accounts; what happened is only for the server's log and the tests.
 */
export async function emailResetLink(
	db: Db,
	email: string,
	origin: string,
	now = new Date()
): Promise<EmailedResetOutcome> {
	if (!emailIsConfigured()) return 'not-configured';
	const issued = issueResetLinkForEmail(db, email, 'email', now);
	if (!issued.ok) return 'no-account';
	return sendPasswordResetEmail({
		to: issued.email,
		name: issued.name,
		link: `${origin}/reset-password/${issued.token}`,
		expiresAt: issued.expiresAt
	});
}
