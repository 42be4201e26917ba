import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { authorise } from '$lib/server/access/guard';
import { parseForm } from '$lib/server/forms';
import {
	ACCOUNT_PROBLEM_MESSAGES,
	accountIdSchema,
	issuePasswordReset,
	listAccounts,
	setAccountDisabled,
	type AccountProblem
} from '$lib/server/accounts';
import type { Actions, PageServerLoad } from './$types';

const problemStatus = (problem: AccountProblem) => (problem === 'not-found' ? 404 : 400);

export const load = ((event) => {
	const person = authorise(event, 'accounts.administer');
	const { sessionIdleMs: idleMs, sessionMaxMs: maxMs } = config();
	const accounts = listAccounts(event.locals.db, { idleMs, maxMs }).map((a) => ({
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

async function chosenAccount(event: RequestEvent) {
	const result = parseForm(accountIdSchema, await event.request.formData());
	if (!result.ok)
		return { ok: false, message: result.errors.accountId ?? 'No account was chosen' } as const;
	return { ok: true, accountId: result.data.accountId } as const;
}

async function changeDisabled(event: RequestEvent, disabled: boolean) {
	const person = authorise(event, 'accounts.administer');
	const chosen = await chosenAccount(event);
	if (!chosen.ok) return fail(400, { message: chosen.message });
	const result = setAccountDisabled(event.locals.db, person.id, chosen.accountId, disabled);
	if (!result.ok)
		return fail(problemStatus(result.problem), {
			message: ACCOUNT_PROBLEM_MESSAGES[result.problem]
		});
	redirect(303, `/admin/accounts?${disabled ? 'disabled' : 'enabled'}=${chosen.accountId}`);
}

export const actions = {
	disable: (event) => changeDisabled(event, true),
	enable: (event) => changeDisabled(event, false),

	issueReset: async (event) => {
		const person = authorise(event, 'accounts.administer');
		const chosen = await chosenAccount(event);
		if (!chosen.ok) return fail(400, { message: chosen.message });
		const result = issuePasswordReset(event.locals.db, person.id, chosen.accountId);
		if (!result.ok)
			return fail(problemStatus(result.problem), {
				message: ACCOUNT_PROBLEM_MESSAGES[result.problem]
			});
		// Shown this once: only a hash of the token is kept.
		return {
			resetLink: `${event.url.origin}/reset-password/${result.token}`,
			forName: result.name,
			expiresAt: result.expiresAt
		};
	}
} satisfies Actions;
