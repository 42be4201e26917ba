import { enhance } from '$app/forms';
import { page } from '$app/state';

// When a session ends while someone is typing, their next submit is sent to sign in. With
// JavaScript on, what they typed (never passwords) is kept in this tab's session storage and put
// back into the same page after they sign in again, so no work is lost.
//
// It is kept for that person only: it carries the key the layout sends for whoever is signed in
// (a hash of their id), and is put back only when the same person signs in again. On a shared ward
// computer the next person never sees it; signing out clears the storage (Clear-Site-Data) too.

const STORAGE_KEY = 'imroc:kept-input';
const KEEP_FOR_MS = 60 * 60 * 1000;

interface KeptInput {
	/** Whose input it is: the layout's `keepKey` for them. */
	owner: string;
	path: string;
	fields: [string, string][];
	savedAt: number;
}

export interface KeepingInputOptions {
	/** False keeps what was typed after a success too, for a form whose answer is shown beside it. */
	reset?: boolean;
	/**
	 * Runs the page's usual update once the server has taken the input (a success or a redirect,
	 * including to sign in, with the input kept): a page that warns about unsaved changes stands
	 * aside while it does.
	 */
	afterSaved?: (update: () => Promise<void>) => Promise<void>;
}

/** `use:enhanceKeepingInput` in place of `use:enhance` on forms behind sign-in. */
export function enhanceKeepingInput(form: HTMLFormElement, options: KeepingInputOptions = {}) {
	const { reset = true } = options;
	return enhance(form, ({ formData }) => {
		return async ({ result, update }) => {
			const owner = (page.data.user as { keepKey?: string } | null | undefined)?.keepKey;
			if (result.type === 'redirect' && result.location.startsWith('/sign-in') && owner) {
				const fields = [...formData].filter(
					(entry): entry is [string, string] =>
						typeof entry[1] === 'string' && !/password/i.test(entry[0])
				);
				const kept: KeptInput = { owner, path: location.pathname, fields, savedAt: Date.now() };
				sessionStorage.setItem(STORAGE_KEY, JSON.stringify(kept));
			}
			const taken = result.type === 'redirect' || result.type === 'success';
			if (taken && options.afterSaved) await options.afterSaved(() => update({ reset }));
			else await update({ reset });
		};
	});
}

/**
 * Puts kept input back into the page at `path`, once, when it belongs to `owner` (the signed-in
 * person's `keepKey`); true when something was restored. Someone else's is thrown away.
 */
export function restoreKeptInput(
	path: string,
	owner: string | undefined,
	root: ParentNode = document
): boolean {
	const stored = sessionStorage.getItem(STORAGE_KEY);
	if (!stored) return false;
	let kept: KeptInput;
	try {
		kept = JSON.parse(stored);
	} catch {
		sessionStorage.removeItem(STORAGE_KEY);
		return false;
	}
	if (!owner) return false;
	if (kept.owner !== owner || Date.now() - kept.savedAt > KEEP_FOR_MS) {
		sessionStorage.removeItem(STORAGE_KEY);
		return false;
	}
	if (kept.path !== path) return false;
	sessionStorage.removeItem(STORAGE_KEY);

	for (const [name, value] of kept.fields) {
		for (const field of root.querySelectorAll<
			HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement
		>(`[name="${CSS.escape(name)}"]`)) {
			if (
				field instanceof HTMLInputElement &&
				(field.type === 'radio' || field.type === 'checkbox')
			) {
				if (field.value === value) field.checked = true;
			} else if (!(field instanceof HTMLInputElement && field.type === 'hidden')) {
				field.value = value;
			}
		}
	}
	return true;
}
