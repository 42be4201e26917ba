import { fail, type ActionFailure } from '@sveltejs/kit';
import type { FieldErrors } from '../forms';

/**
 * What every form action answers when it refuses input, so every page reads a failure the same
 * way: which form it was, what was typed, and what is wrong.
 */
export interface FormFailure {
	/** The action's name ('default' for a default action), for pages with several forms. */
	form: string;
	/** The last value of each text field as typed; never a password. */
	values: Record<string, string>;
	/** Every value of a field posted more than once, or named as a checkbox group. */
	lists: Record<string, string[]>;
	/** Field name → message; 'form' for the whole form. */
	errors: FieldErrors;
	/** A summary line for the error summary. */
	message: string | undefined;
}

export interface Refusal {
	errors?: FieldErrors;
	message?: string;
	/** Checkbox groups, kept in `lists` even when a single box was ticked. */
	checkboxGroups?: (name: string) => boolean;
}

const PASSWORD = /password/i;

/** The action SvelteKit is running, as its form posted it: "?/comment" is "comment". */
function actionName(url: URL): string {
	for (const key of url.searchParams.keys()) if (key.startsWith('/')) return key.slice(1);
	return 'default';
}

/**
 * The one failure of a form action. `posted` is the form as received (null when the action
 * refused before reading it); `extra` carries anything one page needs beside the usual fields.
 */
export function formFailure<Extra extends object = Record<never, never>>(
	event: { url: URL },
	status: number,
	posted: FormData | null,
	{ errors = {}, message, checkboxGroups = () => false }: Refusal,
	extra?: Extra
): ActionFailure<FormFailure & Extra> {
	const values: Record<string, string> = {};
	const lists: Record<string, string[]> = {};
	for (const name of new Set(posted?.keys() ?? [])) {
		// No form has it, and assigning it would replace the object's prototype (with an array, the
		// answer could no longer be serialised).
		if (PASSWORD.test(name) || name === '__proto__') continue;
		const texts = posted!.getAll(name).filter((v): v is string => typeof v === 'string');
		if (texts.length === 0) continue;
		values[name] = texts[texts.length - 1];
		if (texts.length > 1 || checkboxGroups(name)) lists[name] = texts;
	}
	return fail(status, {
		form: actionName(event.url),
		values,
		lists,
		errors,
		message,
		...(extra as Extra)
	});
}
