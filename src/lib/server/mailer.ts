import { ROLE_LABELS, type Role } from './access/policy';

// Email is optional: without SMTP settings the app shows every link on screen to pass on by hand.

export interface InvitationEmail {
	to: string;
	link: string;
	role: Role;
	placeName: string;
	invitedBy: string;
	expiresAt: Date;
}

export type SendOutcome = 'sent' | 'not-configured' | 'failed';

export async function sendInvitationEmail(email: InvitationEmail): Promise<SendOutcome> {
	const smtpUrl = process.env.SMTP_URL;
	if (!smtpUrl) return 'not-configured';
	try {
		const { createTransport } = await import('nodemailer');
		const transport = createTransport(smtpUrl);
		await transport.sendMail({
			from: process.env.MAIL_FROM ?? 'ImROC self-assessment <no-reply@localhost>',
			to: email.to,
			subject: `You are invited to ${email.placeName} on the ImROC self-assessment`,
			text: [
				`${email.invitedBy} has invited you to take part in ${email.placeName} as ${ROLE_LABELS[email.role].toLowerCase()}.`,
				'',
				'Open this link to accept. It works once, and expires on ' +
					new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'Europe/London' }).format(
						email.expiresAt
					) +
					':',
				'',
				email.link,
				'',
				'If you were not expecting this, you can ignore this email.'
			].join('\n')
		});
		return 'sent';
	} catch (cause) {
		console.error('invitation email not sent:', cause instanceof Error ? cause.message : cause);
		return 'failed';
	}
}
