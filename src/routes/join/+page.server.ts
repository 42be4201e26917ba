import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import { JOIN_PROBLEM_MESSAGES } from '$lib/server/rating-sessions/joining';
import { serverJoinLimits, THROTTLED_MESSAGE } from '$lib/server/rating-sessions/limits';
import type { Actions, PageServerLoad } from './$types';

// Public: anyone in the room types the code from the screen. Wrong codes are limited per address.

export const load = (() => ({})) satisfies PageServerLoad;

const codeSchema = z.object({
	code: z
		.string({ error: 'Enter the code shown on the screen' })
		.trim()
		.min(1, 'Enter the code shown on the screen')
		.max(40, 'Enter the 9 letters and numbers shown on the screen')
});

export const actions = {
	default: async (event) => {
		const posted = await event.request.formData();
		const parsed = parseForm(codeSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const found = serverJoinLimits.checkCode(
			event.locals.db,
			event.getClientAddress(),
			parsed.data.code
		);
		if (!found.ok) {
			if (found.problem === 'throttled')
				return formFailure(event, 429, posted, { errors: { code: THROTTLED_MESSAGE } });
			return formFailure(event, 400, posted, {
				errors: { code: JOIN_PROBLEM_MESSAGES[found.problem] }
			});
		}
		redirect(303, `/join/${found.session.joinCode}`);
	}
} satisfies Actions;
