// The ids that tie a form field to its hint and error message. The error summary links to a
// field by its name, so a field's (or a group's first option's) id is its name.

export const hintId = (name: string) => `${name}-hint`;
export const errorId = (name: string) => `${name}-error`;
/** An option's own hint (not the group's, whose id the first option's name shares). */
export const itemHintId = (optionId: string) => `${optionId}-item-hint`;

/** The id of a group's nth option (from 0): the first is the group's name, as NHS.UK frontend does. */
export const optionId = (name: string, index: number) =>
	index === 0 ? name : `${name}-${index + 1}`;

/**
 * A field's aria-describedby: any text outside it that describes it (`also`), its hint and its
 * error, as far as it has them.
 */
export function describedBy(
	name: string,
	{ hint, error, also }: { hint?: unknown; error?: unknown; also?: string }
): string | undefined {
	const ids = [also, hint ? hintId(name) : null, error ? errorId(name) : null].filter(Boolean);
	return ids.length > 0 ? ids.join(' ') : undefined;
}
