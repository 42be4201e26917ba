import { z } from 'zod';
import { TOKEN_LIFETIMES, TOKEN_NAME_MAX } from '$lib/domain/api-tokens';

const LIFETIME_VALUES = TOKEN_LIFETIMES.map((l) => String(l.days)) as [string, ...string[]];

export const newTokenSchema = z.object({
	name: z
		.string({ error: 'Enter a name for the token' })
		.trim()
		.min(1, 'Enter a name for the token, such as the report or tool that will use it')
		.max(TOKEN_NAME_MAX, `The name must be ${TOKEN_NAME_MAX} characters or fewer`),
	days: z.enum(LIFETIME_VALUES, { error: 'Choose how long the token lasts' }).transform(Number)
});

export const tokenIdSchema = z.object({
	tokenId: z
		.string({ error: 'Choose a token to revoke' })
		.trim()
		.min(1, 'Choose a token to revoke')
		.max(64, 'Choose a token to revoke')
});
