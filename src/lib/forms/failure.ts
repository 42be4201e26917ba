// A form action that refuses input sends back one shape (built by the server's failure helper):
// which form it was, what was typed, and a message per field. Pages read it only through
// `failureOf`, so the shape is known in one place on this side too.

export interface Failure {
	/** The action's name, `default` for a page's default action. */
	form: string;
	/** The last value of each text field as typed (never a password). */
	values: Record<string, string>;
	/** Every value of a field posted more than once, such as a checkbox group's ticked boxes. */
	lists: Record<string, string[]>;
	/** A message per field name; `form` for the whole form. */
	errors: Record<string, string>;
	/** A summary line for the error summary. */
	message?: string;
}

function record<T>(value: unknown): Record<string, T> {
	return typeof value === 'object' && value !== null ? (value as Record<string, T>) : {};
}

/**
 * The failure of a form whose action is one of `names`, when that is the form that came back
 * refused; with no names, of whichever form came back refused. `Extra` names what the action adds
 * to the shape (such as the other person's changes when a save conflicts).
 */
export function failureOf<Extra extends object = Record<never, never>>(
	form: unknown,
	...names: string[]
): (Failure & Partial<Extra>) | null {
	const data = record<unknown>(form);
	if (typeof data.form !== 'string') return null;
	if (names.length > 0 && !names.includes(data.form)) return null;
	return {
		...data,
		form: data.form,
		values: record<string>(data.values),
		lists: record<string[]>(data.lists),
		errors: record<string>(data.errors),
		message: typeof data.message === 'string' ? data.message : undefined
	} as Failure & Partial<Extra>;
}

/** Every value sent for a field, such as the ticked boxes of a checkbox group (none: []). */
export function listOf(failure: Failure, name: string): string[] {
	return failure.lists[name] ?? (name in failure.values ? [failure.values[name]] : []);
}
