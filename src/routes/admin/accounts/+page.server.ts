import { redirect, type RequestEvent } from '@sveltejs/kit';
import { sessionLimits } from '$lib/server/config';
import { requirePermission } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import {
	ACCOUNT_PROBLEM_MESSAGES,
	issuePasswordReset,
	listAccounts,
	setAccountDisabled,
	type AccountProblem
} from '$lib/server/accounts/administering';
import { accountIdSchema } from '$lib/server/accounts/forms';
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
		isYou: a.id === person.id
	}));

	const disabledId = event.url.searchParams.get('disabled');
	const enabledId = event.url.searchParams.get('enabled');
	const changed = accounts.find((a) => a.id === (disabledId ?? enabledId));
	let notice: string | null = null;
	if (changed && disabledId)
		notice = `${changed.name} can no longer sign in, and has been signed out everywhere.`;
	if (changed && enabledId) notice = `${changed.name} can sign in again.`;

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

export const actions = {
	disable: (event) => changeDisabled(event, true),
	enable: (event) => changeDisabled(event, false),

	issueReset: async (event) => {
		const { db, person } = requirePermission(event, 'accounts.administer');
		const chosen = await chosenAccount(event);
		if (chosen.failure) return chosen.failure;
		const result = issuePasswordReset(db, person.id, chosen.accountId);
		if (!result.ok) {
			const message = ACCOUNT_PROBLEM_MESSAGES[result.problem];
			return formFailure(event, problemStatus(result.problem), chosen.posted, { message });
		}
		// Shown this once: only a hash of the token is kept.
		return {
			resetLink: `${event.url.origin}/reset-password/${result.token}`,
			forName: result.name,
			expiresAt: result.expiresAt
		};
	}
} satisfies Actions;
