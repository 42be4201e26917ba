import { clientKey, isBusy, Throttle, throttledCheck } from '$lib/server/auth/throttle';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import { emailIsConfigured } from '$lib/server/mailer';
import { emailResetLink } from '$lib/server/accounts/forgotten-password';
import { forgottenPasswordSchema } from '$lib/server/accounts/forms';
import type { Actions, PageServerLoad } from './$types';
import { log } from '$lib/server/log';

// Public by design: anyone may ask, and everyone is told the same, whether or not the address has
// an account. Every request counts, whatever it leads to: against the address asked about, so no
// one's inbox can be flooded, and against the client address, so no one can work through a list.
const emailThrottle = new Throttle({ forgiven: 2 });
const clientThrottle = new Throttle({ forgiven: 20 });

const NO_EMAIL =
	'This server does not send email. Ask a platform administrator for a link to set a new password.';

export const load = (() => ({ emailConfigured: emailIsConfigured() })) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const posted = await event.request.formData();
		if (!emailIsConfigured()) return formFailure(event, 400, posted, { message: NO_EMAIL });
		const parsed = parseForm(forgottenPasswordSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);

		const { email } = parsed.data;
		// Answered as a failure, so that every request counts (and slows the next ones).
		const counted = await throttledCheck(
			[
				{ throttle: emailThrottle, key: email },
				{ throttle: clientThrottle, key: clientKey(event.getClientAddress()) }
			],
			() => ({ ok: false })
		);
		if (isBusy(counted)) {
			const message = `You have asked for several links at once. Wait ${counted.retryAfterSeconds} seconds and try again.`;
			return formFailure(event, 429, posted, { message });
		}

		const { db } = event.locals;
		const origin = event.url.origin;
		// Done once the answer has gone, so that it comes as soon for an address with an account
		// (a link to make and an email to send) as for one without.
		setImmediate(() => {
			emailResetLink(db, email, origin).catch((cause) =>
				log().error({ err: cause }, 'password reset link not emailed')
			);
		});
		return { sentTo: email };
	}
} satisfies Actions;
