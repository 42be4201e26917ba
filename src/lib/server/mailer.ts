import { formatInstant } from '../format/dates';
import { ROLE_LABELS, type Role } from './access/policy';
import { log } from './log';

// Email is optional: without SMTP settings the app shows every link on screen to pass on by hand.

export type SendOutcome = 'sent' | 'not-configured' | 'failed';

/** Whether this server can send email (SMTP_URL is set). */
export function emailIsConfigured(): boolean {
	return !!process.env.SMTP_URL;
}

const longDate = new Intl.DateTimeFormat('en-GB', {
	dateStyle: 'long',
	timeZone: 'Europe/London'
});

/** Sends one plain-text email; `what` names it in the log when it cannot be sent. */
async function send(
	what: string,
	message: { to: string; subject: string; text: string }
): Promise<SendOutcome> {
	const smtpUrl = process.env.SMTP_URL;
	if (!smtpUrl) return 'not-configured';
	try {
		const { createTransport } = await import('nodemailer');
		const transport = createTransport(smtpUrl);
		await transport.sendMail({
			from: process.env.MAIL_FROM ?? 'ImROC self-assessment <no-reply@localhost>',
			...message
		});
		return 'sent';
	} catch (cause) {
		log().error(
			{ email: what, reason: cause instanceof Error ? cause.message : String(cause) },
			'email not sent'
		);
		return 'failed';
	}
}

export interface InvitationEmail {
	to: string;
	link: string;
	role: Role;
	placeName: string;
	invitedBy: string;
	expiresAt: Date;
}

// eslint-disable-next-line no-control-regex
const NOT_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/**
 * Text someone else typed (a name), made safe for one line of a plain-text email: line breaks,
 * other control characters and direction overrides become spaces, so it cannot add lines of its
 * own (such as a fake link) or read as something else.
 */
export function oneLine(text: string): string {
	return text.replace(NOT_ONE_LINE, ' ').replace(/ {2,}/g, ' ').trim();
}

/**
 * The invitation email. Its subject is fixed, and the inviter's name only ever fills its own line
 * of the template, so whatever a name holds, it cannot pose as the app's own words.
 */
export function invitationEmail(email: InvitationEmail) {
	return {
		to: email.to,
		subject: 'Your invitation to the ImROC self-assessment',
		text: [
			`You are invited to take part in ${oneLine(email.placeName)} as ${ROLE_LABELS[email.role].toLowerCase()}.`,
			'',
			`Invited by: ${oneLine(email.invitedBy)}`,
			'',
			`Open this link to accept. It works once, and expires on ${longDate.format(email.expiresAt)}:`,
			'',
			email.link,
			'',
			'If you were not expecting this, you can ignore this email.'
		].join('\n')
	};
}

export async function sendInvitationEmail(email: InvitationEmail): Promise<SendOutcome> {
	return send('invitation', invitationEmail(email));
}

export interface PasswordResetEmail {
	to: string;
	name: string;
	link: string;
	expiresAt: Date;
}

export async function sendPasswordResetEmail(email: PasswordResetEmail): Promise<SendOutcome> {
	return send('password reset', {
		to: email.to,
		subject: 'Set a new password for the ImROC self-assessment',
		text: [
			`Hello ${oneLine(email.name)},`,
			'',
			'Someone asked for a link to set a new password for your account on the ImROC self-assessment. Open it to choose a new password. It works once, until ' +
				`${formatInstant(email.expiresAt)}:`,
			'',
			email.link,
			'',
			'If it was not you, you can ignore this email: your password has not changed.'
		].join('\n')
	});
}

/** What happened to an account, as the person is told of it. */
export type AccountNotice = 'reset-issued' | 'reset-used' | 'password-changed' | 'mfa-off';

const ACCOUNT_NOTICES: Record<AccountNotice, { subject: string; what: string }> = {
	'reset-issued': {
		subject: 'A link to set a new password was made for your account',
		what: 'A link to set a new password for your account was made. Your password has not changed.'
	},
	'reset-used': {
		subject: 'Your password was changed with a reset link',
		what: 'A reset link was used to set a new password for your account, and every session was signed out.'
	},
	'password-changed': {
		subject: 'Your password was changed',
		what: 'The password of your account was changed, and your other sessions were signed out.'
	},
	'mfa-off': {
		subject: 'Two-step sign-in was turned off for your account',
		what: 'Two-step sign-in was turned off for your account: a password alone now signs in to it.'
	}
};

/**
 * Tells a person that something happened to their account, so that they notice what they did not
 * do. A fixed text: nothing typed by anyone else goes into it.
 */
export async function sendAccountNoticeEmail(
	to: { email: string; name: string },
	notice: AccountNotice,
	at: Date
): Promise<SendOutcome> {
	const { subject, what } = ACCOUNT_NOTICES[notice];
	return send('account notice', {
		to: to.email,
		subject: `${subject} (ImROC self-assessment)`,
		text: [
			`Hello ${oneLine(to.name)},`,
			'',
			`${what} This happened on ${formatInstant(at)}.`,
			'',
			'If this was you, or someone you asked, you need do nothing.',
			'If it was not, tell your organisation’s administrator or a platform administrator straight away.'
		].join('\n')
	});
}
