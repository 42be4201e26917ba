import { redirect, type RequestEvent } from '@sveltejs/kit';
import { sessionLimits } from '$lib/server/config';
import { requirePermission } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import {
	ACCOUNT_PROBLEM_MESSAGES,
	endAllSessionsOf,
	issuePasswordReset,
	listAccounts,
	setAccountDisabled,
	type AccountProblem
} from '$lib/server/accounts/administering';
import { accountIdSchema } from '$lib/server/accounts/forms';
import { notifyAccountChange } from '$lib/server/accounts/notices';
import { turnOffMfa } from '$lib/server/auth/mfa';
import { users } from '$lib/server/db/schema';
import { eq } from 'drizzle-orm';
import type { Actions, PageServerLoad } from './$types';

const problemStatus = (problem: AccountProblem) => (problem === 'not-found' ? 404 : 400);

export const load = ((event) => {
	const { db, person } = requirePermission(event, 'accounts.administer');
	const accounts = listAccounts(db, sessionLimits()).map((a) => ({
		id: a.id,
		name: a.name,
		email: a.email,
		isPlatformAdmin: a.isPlatformAdmin,
		disabled: a.disabledAt !== null,
		activeSessions: a.activeSessions,
		resetLinkExpiresAt: a.resetLinkExpiresAt,
		mfaEnabled: a.mfaEnabled,
		isYou: a.id === person.id
	}));

	const disabledId = event.url.searchParams.get('disabled');
	const enabledId = event.url.searchParams.get('enabled');
	const signedOutId = event.url.searchParams.get('signed-out');
	const twoStepOffId = event.url.searchParams.get('two-step-off');
	const changed = accounts.find(
		(a) => a.id === (disabledId ?? enabledId ?? signedOutId ?? twoStepOffId)
	);
	let notice: string | null = null;
	if (changed && disabledId)
		notice = `${changed.name} can no longer sign in, and has been signed out everywhere.`;
	if (changed && enabledId) notice = `${changed.name} can sign in again.`;
	if (changed && signedOutId)
		notice = `${changed.name} has been signed out everywhere, and can sign in again.`;
	if (changed && twoStepOffId)
		notice = `Two-step sign-in is off for ${changed.name}. If their role needs it, they will be asked to set it up again when they next sign in.`;

	return { accounts, notice };
}) satisfies PageServerLoad;

/** The account an action is about, from the form; the failure to answer when there is none. */
async function chosenAccount(event: RequestEvent) {
	const posted = await event.request.formData();
	const parsed = parseForm(accountIdSchema, posted);
	if (parsed.ok) return { posted, accountId: parsed.data.accountId } as const;
	const message = parsed.errors.accountId ?? 'No account was chosen';
	return { posted, failure: formFailure(event, 400, posted, { message }) } as const;
}

async function changeDisabled(event: RequestEvent, disabled: boolean) {
	const { db, person } = requirePermission(event, 'accounts.administer');
	const chosen = await chosenAccount(event);
	if (chosen.failure) return chosen.failure;
	const result = setAccountDisabled(db, person.id, chosen.accountId, disabled);
	if (!result.ok) {
		const message = ACCOUNT_PROBLEM_MESSAGES[result.problem];
		return formFailure(event, problemStatus(result.problem), chosen.posted, { message });
	}
	redirect(303, `/admin/accounts?${disabled ? 'disabled' : 'enabled'}=${chosen.accountId}`);
}

function notifyAccountOf(
	db: App.Locals['db'],
	accountId: string,
	notice: 'reset-issued' | 'mfa-off'
) {
	const account = db
		.select({ email: users.email, name: users.name })
		.from(users)
		.where(eq(users.id, accountId))
		.get();
	if (account) notifyAccountChange(account, notice);
}

export const actions = {
	disable: (event) => changeDisabled(event, true),
	enable: (event) => changeDisabled(event, false),

	endSessions: async (event) => {
		const { db, person } = requirePermission(event, 'accounts.administer');
		const chosen = await chosenAccount(event);
		if (chosen.failure) return chosen.failure;
		const result = endAllSessionsOf(db, person.id, chosen.accountId, null);
		if (!result.ok) {
			const message = ACCOUNT_PROBLEM_MESSAGES[result.problem];
			return formFailure(event, problemStatus(result.problem), chosen.posted, { message });
		}
		redirect(303, `/admin/accounts?signed-out=${chosen.accountId}`);
	},

	/** For someone who has lost their phone and their recovery codes. */
	turnOffTwoStep: async (event) => {
		const { db, person } = requirePermission(event, 'accounts.administer');
		const chosen = await chosenAccount(event);
		if (chosen.failure) return chosen.failure;
		const exists = db
			.select({ id: users.id })
			.from(users)
			.where(eq(users.id, chosen.accountId))
			.get();
		if (!exists) {
			const message = ACCOUNT_PROBLEM_MESSAGES['not-found'];
			return formFailure(event, 404, chosen.posted, { message });
		}
		turnOffMfa(db, person.id, chosen.accountId);
		notifyAccountOf(db, chosen.accountId, 'mfa-off');
		redirect(303, `/admin/accounts?two-step-off=${chosen.accountId}`);
	},

	issueReset: async (event) => {
		const { db, person } = requirePermission(event, 'accounts.administer');
		const chosen = await chosenAccount(event);
		if (chosen.failure) return chosen.failure;
		const result = issuePasswordReset(db, person.id, chosen.accountId);
		if (!result.ok) {
			const message = ACCOUNT_PROBLEM_MESSAGES[result.problem];
			return formFailure(event, problemStatus(result.problem), chosen.posted, { message });
		}
		notifyAccountOf(db, chosen.accountId, 'reset-issued');
		// Shown this once: only a hash of the token is kept.
		return {
			resetLink: `${event.url.origin}/reset-password/${result.token}`,
			forName: result.name,
			expiresAt: result.expiresAt
		};
	}
} satisfies Actions;
