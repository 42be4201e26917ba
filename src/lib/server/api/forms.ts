import { z } from 'zod';
import {
	expiryAtEndOf,
	latestTokenDate,
	TOKEN_LIFETIMES,
	TOKEN_NAME_MAX,
	tokenExpiry,
	UNTIL_A_DATE
} from '$lib/domain/api-tokens';
import { isoDateFromParts } from '$lib/domain/dates';
import { formatIsoDate } from '$lib/format/dates';
import { datePart } from '../forms';

const LIFETIME_VALUES: [string, ...string[]] = [
	UNTIL_A_DATE,
	...TOKEN_LIFETIMES.map((l) => String(l.days))
];

/** A new token's name and lifetime; `expiresAt` is worked out from the lifetime chosen, now. */
export function newTokenSchema(now = new Date()) {
	return z
		.object({
			name: z
				.string({ error: 'Enter a name for the token' })
				.trim()
				.min(1, 'Enter a name for the token, such as the report or tool that will use it')
				.max(TOKEN_NAME_MAX, `The name must be ${TOKEN_NAME_MAX} characters or fewer`),
			days: z.enum(LIFETIME_VALUES, { error: 'Choose how long the token lasts' }),
			untilDay: datePart,
			untilMonth: datePart,
			untilYear: datePart
		})
		.transform((v, ctx) => {
			if (v.days !== UNTIL_A_DATE)
				return { name: v.name, expiresAt: tokenExpiry(Number(v.days), now) };
			const iso = isoDateFromParts(Number(v.untilDay), Number(v.untilMonth), Number(v.untilYear));
			const expiresAt = iso ? expiryAtEndOf(iso, now) : null;
			if (!expiresAt) {
				ctx.addIssue({
					code: 'custom',
					path: ['untilDay'],
					message: `Enter a date after today and no later than ${formatIsoDate(latestTokenDate(now))}`
				});
				return z.NEVER;
			}
			return { name: v.name, expiresAt };
		});
}
export const tokenIdSchema = z.object({
	tokenId: z
		.string({ error: 'Choose a token to revoke' })
		.trim()
		.min(1, 'Choose a token to revoke')
		.max(64, 'Choose a token to revoke')
});
