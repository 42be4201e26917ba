import { z } from 'zod';
import { freeTextMessage, freeTextProblem, type FreeTextKind } from '$lib/domain/free-text';

export type FieldErrors = Record<string, string>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** Validates a posted form; on failure gives one message per field, keyed by field name. */
export function parseForm<S extends z.ZodType>(schema: S, form: FormData): FormResult<z.infer<S>> {
	const raw: Record<string, string | string[]> = {};
	for (const key of new Set(form.keys())) {
		// Assigning it would replace the object's prototype; no form has a field of that name.
		if (key === '__proto__') continue;
		const all = form.getAll(key).filter((v): v is string => typeof v === 'string');
		raw[key] = all.length > 1 ? all : (all[0] ?? '');
	}
	const parsed = schema.safeParse(raw);
	if (parsed.success) return { ok: true, data: parsed.data };
	return { ok: false, errors: fieldErrors(parsed.error) };
}

export function fieldErrors(error: z.ZodError): FieldErrors {
	const errors: FieldErrors = {};
	for (const issue of error.issues) {
		const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'form';
		errors[field] ??= issue.message;
	}
	return errors;
}

/** One of the day, month and year boxes of a date: empty, or up to four digits. */
export const datePart = z
	.string()
	.default('')
	.pipe(
		z
			.string()
			.trim()
			.max(4, 'Enter the date as numbers')
			.regex(/^\d*$/, 'Enter the date as numbers')
	);

/**
 * Free text as a person types it: trimmed, within `max` characters, and free of the hidden
 * characters `freeTextProblem` refuses. Every schema that takes free text builds on this; `label`
 * is how messages name the field ("the service name").
 */
export function freeText(
	label: string,
	max: number,
	{ required = false, kind = 'line' }: { required?: boolean; kind?: FreeTextKind } = {}
) {
	const field = capitalise(label);
	let text = z.string({ error: `Enter ${label}` }).trim();
	if (required) text = text.min(1, `Enter ${label}`);
	return text
		.max(max, `${field} must be ${max.toLocaleString('en-GB')} characters or fewer`)
		.superRefine(withoutHiddenCharacters(label, kind));
}

/** The check of `freeText`, for a schema that keeps messages of its own for the rest. */
export function withoutHiddenCharacters(label: string, kind: FreeTextKind) {
	return (value: string, context: z.RefinementCtx) => {
		const problem = freeTextProblem(value, kind);
		if (problem) context.addIssue({ code: 'custom', message: freeTextMessage(label, problem) });
	};
}

/** Required single-line text with a person-readable message for each way it can be wrong. */
export function requiredText(label: string, max: number) {
	return freeText(label, max, { required: true });
}

/** Text that may be left empty (a missing field is empty). */
export function optionalText(label: string, max: number, kind: FreeTextKind = 'long') {
	return z
		.string()
		.default('')
		.pipe(freeText(label, max, { kind }));
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
