import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);

const levelSchema = z.object({
	value: z.number().int().min(0).max(100),
	name: text(100),
	description: text(2000)
});

const challengeSchema = z.object({
	key: z
		.string()
		.regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'use lower-case letters, digits and hyphens (at most 80)'),
	name: text(300),
	shortLabel: text(60),
	/** Optional indicator text, keyed by level value. */
	indicators: z.record(z.string().regex(/^\d+$/), text(4000)).optional()
});

/**
 * A framework pack: the challenges a service scores itself against and the ordered scale it
 * scores with. Nothing else in the app assumes how many of either there are.
 */
export const frameworkPackSchema = z
	.object({
		key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/),
		version: z.number().int().positive(),
		name: text(200),
		attribution: text(2000),
		licence: z.string().trim().max(2000).optional(),
		scale: z.array(levelSchema).min(2).max(20),
		challenges: z.array(challengeSchema).min(1).max(100)
	})
	.superRefine((pack, ctx) => {
		pack.scale.forEach((level, i) => {
			if (i > 0 && level.value <= pack.scale[i - 1].value) {
				ctx.addIssue({
					code: 'custom',
					path: ['scale', i, 'value'],
					message: 'levels must be listed in ascending order of value, each value once'
				});
			}
		});
		const seen = new Set<string>();
		const levelValues = new Set(pack.scale.map((l) => String(l.value)));
		pack.challenges.forEach((challenge, i) => {
			if (seen.has(challenge.key)) {
				ctx.addIssue({
					code: 'custom',
					path: ['challenges', i, 'key'],
					message: `challenge key "${challenge.key}" is used more than once`
				});
			}
			seen.add(challenge.key);
			for (const levelValue of Object.keys(challenge.indicators ?? {})) {
				if (!levelValues.has(levelValue)) {
					ctx.addIssue({
						code: 'custom',
						path: ['challenges', i, 'indicators', levelValue],
						message: `indicator for level ${levelValue}, which is not on the scale`
					});
				}
			}
		});
	});

export type FrameworkPack = z.infer<typeof frameworkPackSchema>;

/** One line per problem, each saying where in the pack it is, e.g. "challenges[2].key: …". */
export function describePackProblems(error: z.ZodError): string[] {
	return error.issues.map((issue) => {
		const where = issue.path
			.map((part, i) =>
				typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`
			)
			.join('');
		return where ? `${where}: ${issue.message}` : issue.message;
	});
}
