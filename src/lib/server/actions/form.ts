// The forms of an improvement action: adding one, changing one, and a progress note.

import { z } from 'zod';
import { isoDateFromParts } from '$lib/domain/dates';
import {
	ACTION_STATUSES,
	MAX_ACTION_TEXT_LENGTH,
	MAX_ACTION_TITLE_LENGTH,
	MAX_OWNER_NAME_LENGTH
} from '$lib/domain/actions';
import { datePart, freeText, optionalText, requiredText } from '../forms';

export { optionalText };

/** Day, month and year boxes: null when all are empty, undefined when they are not a real date. */
function dateFrom(day: string, month: string, year: string): string | null | undefined {
	if (day === '' && month === '' && year === '') return null;
	return isoDateFromParts(Number(day), Number(month), Number(year)) ?? undefined;
}

export const actionInputSchema = z
	.object({
		challengeId: z
			.string({ error: 'Select the challenge the action is about' })
			.trim()
			.min(1, 'Select the challenge the action is about')
			.max(64, 'Select the challenge from the list'),
		title: requiredText('a title for the action', MAX_ACTION_TITLE_LENGTH),
		description: optionalText('the description', MAX_ACTION_TEXT_LENGTH),
		ownerUserId: z
			.string()
			.default('')
			.pipe(z.string().trim().max(64, 'Select the owner from the list')),
		ownerName: optionalText("the owner's name", MAX_OWNER_NAME_LENGTH, 'line'),
		startDay: datePart,
		startMonth: datePart,
		startYear: datePart,
		dueDay: datePart,
		dueMonth: datePart,
		dueYear: datePart
	})
	// Checked as a refinement, which runs even when a field above has a problem, so every
	// problem is reported at once.
	.superRefine((v, ctx) => {
		if (v.ownerUserId === '' && v.ownerName === '') {
			ctx.addIssue({
				code: 'custom',
				path: ['ownerUserId'],
				message: 'Select the owner, or type the name of someone without an account'
			});
		}
		if (v.ownerUserId !== '' && v.ownerName !== '') {
			ctx.addIssue({
				code: 'custom',
				path: ['ownerName'],
				message: 'Either select an owner or type a name, not both'
			});
		}
		const startDate = dateFrom(v.startDay, v.startMonth, v.startYear);
		const dueDate = dateFrom(v.dueDay, v.dueMonth, v.dueYear);
		if (startDate === undefined)
			ctx.addIssue({
				code: 'custom',
				path: ['startDay'],
				message: 'Enter the start date as a real date, like 1 4 2026'
			});
		if (dueDate === null)
			ctx.addIssue({
				code: 'custom',
				path: ['dueDay'],
				message: 'Enter the date the action is due'
			});
		if (dueDate === undefined)
			ctx.addIssue({
				code: 'custom',
				path: ['dueDay'],
				message: 'Enter the due date as a real date, like 30 9 2026'
			});
		if (startDate && dueDate && dueDate < startDate) {
			ctx.addIssue({
				code: 'custom',
				path: ['dueDay'],
				message: 'The due date must be the same as or after the start date'
			});
		}
	})
	.transform((v) => ({
		challengeId: v.challengeId,
		title: v.title,
		description: v.description,
		ownerUserId: v.ownerUserId || null,
		ownerName: v.ownerName || null,
		startDate: dateFrom(v.startDay, v.startMonth, v.startYear) ?? null,
		// Present and real: the refinement above refused anything else.
		dueDate: dateFrom(v.dueDay, v.dueMonth, v.dueYear) as string
	}));

export type ActionInput = z.infer<typeof actionInputSchema>;

export const actionUpdateSchema = z.intersection(
	actionInputSchema,
	z.object({
		status: z.enum(ACTION_STATUSES, { error: 'Select a status from the list' }),
		outcome: optionalText('the outcome note', MAX_ACTION_TEXT_LENGTH)
	})
);

export type ActionUpdate = z.infer<typeof actionUpdateSchema>;

export const actionNoteSchema = z.object({
	body: freeText('the progress note', MAX_ACTION_TEXT_LENGTH, { required: true, kind: 'long' })
});
