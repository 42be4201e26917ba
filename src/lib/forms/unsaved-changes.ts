import { tick } from 'svelte';
import { beforeNavigate } from '$app/navigation';
import { enhanceKeepingInput } from './keep-input';

// A meeting types evidence for an hour; a stray click on a breadcrumb, "My work" or a reload must
// not throw it away. A page that calls `unsavedChanges()` asks before leaving while any form it
// tracks differs from what was last saved: in the app with a confirmation, and on a reload, a
// closed tab or a plain form post with the browser's own "Leave site?" question.

export const LEAVE_WARNING =
	'You have changes on this page that have not been saved. Leave the page and lose them?';

/**
 * What a person has entered in a form, as one string to compare. Hidden fields are left out: they
 * carry what the server sent (revisions, fingerprints), not anything typed.
 */
export function formSnapshot(form: HTMLFormElement): string {
	const entries: [string, string][] = [];
	for (const element of form.elements) {
		if (!(
			element instanceof HTMLInputElement ||
			element instanceof HTMLTextAreaElement ||
			element instanceof HTMLSelectElement
		))
			continue;
		if (!element.name || element.disabled) continue;
		if (element instanceof HTMLInputElement) {
			if (['hidden', 'submit', 'button', 'reset', 'image', 'file'].includes(element.type)) continue;
			if ((element.type === 'radio' || element.type === 'checkbox') && !element.checked) continue;
		}
		entries.push([element.name, element.value]);
	}
	return JSON.stringify(entries);
}

/**
 * Call while a page component starts. `enhance` replaces `use:enhanceKeepingInput` on each form
 * whose unsaved input should hold the person back; what it draws first counts as saved, and so
 * does what it shows after each save the server accepted.
 */
export function unsavedChanges() {
	const saved = new Map<HTMLFormElement, string>();
	let saving = false;

	const hasUnsavedChanges = () =>
		[...saved].some(([form, snapshot]) => form.isConnected && formSnapshot(form) !== snapshot);

	beforeNavigate((navigation) => {
		// The save itself moves on (back to the page, or to the next step): nothing is lost.
		if (saving || !hasUnsavedChanges()) return;
		// Leaving the app (reload, closing the tab, a plain form post): the browser asks.
		if (navigation.type === 'leave') navigation.cancel();
		else if (!confirm(LEAVE_WARNING)) navigation.cancel();
	});

	return {
		hasUnsavedChanges,
		enhance(form: HTMLFormElement) {
			saved.set(form, formSnapshot(form));
			const enhanced = enhanceKeepingInput(form, {
				afterSaved: async (update) => {
					saving = true;
					try {
						await update();
						await tick();
					} finally {
						saving = false;
						if (form.isConnected) saved.set(form, formSnapshot(form));
					}
				}
			});
			return {
				destroy() {
					enhanced.destroy();
					saved.delete(form);
				}
			};
		}
	};
}
