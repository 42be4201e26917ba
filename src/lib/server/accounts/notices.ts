// Telling people by email of what happened to their account, when this server sends email.

import { emailIsConfigured, sendAccountNoticeEmail, type AccountNotice } from '../mailer';
import { log } from '../log';

/**
 * Sends the notice once the answer has gone, so that neither a slow mail server nor a failed one
 * holds up or breaks the change the person made; a failure is only logged.
 */
export function notifyAccountChange(
	person: { email: string; name: string },
	notice: AccountNotice,
	at = new Date()
): void {
	if (!emailIsConfigured()) return;
	setImmediate(() => {
		sendAccountNoticeEmail(person, notice, at).catch((cause) =>
			log().error({ notice, err: cause }, 'account notice not emailed')
		);
	});
}
