import { z } from 'zod';
import type { SessionLimits } from './auth/session';

const positiveNumber = z.coerce.number().positive();

const configSchema = z.object({
	DATABASE_PATH: z.string().min(1).default('data/imroc.sqlite'),
	SESSION_IDLE_HOURS: positiveNumber.default(8),
	SESSION_MAX_DAYS: positiveNumber.default(7),
	IMROC_DEMO: z.enum(['0', '1']).default('0'),
	SERVER_TIMING: z.enum(['0', '1']).default('0')
});

export interface Config {
	databasePath: string;
	sessionIdleMs: number;
	sessionMaxMs: number;
	demo: boolean;
	/** Each answer says how long its SQL took (Server-Timing), for the benchmark. */
	serverTiming: boolean;
}

let cached: Config | undefined;

/** Settings from the environment, checked once; a bad value stops the start with a plain message. */
export function config(): Config {
	if (cached) return cached;
	const parsed = configSchema.safeParse(process.env);
	if (!parsed.success) {
		const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
		throw new Error(`Invalid configuration: ${problems}`);
	}
	const env = parsed.data;
	// scripts/start.js refuses this for `npm run demo`; this is for a server started another way.
	if (env.IMROC_DEMO === '1' && /^\s*https:/i.test(process.env.ORIGIN ?? '')) {
		throw new Error(
			'Invalid configuration: the demo data, whose passwords are public, never runs with ORIGIN on https.'
		);
	}
	cached = {
		databasePath: env.DATABASE_PATH,
		sessionIdleMs: env.SESSION_IDLE_HOURS * 60 * 60 * 1000,
		sessionMaxMs: env.SESSION_MAX_DAYS * 24 * 60 * 60 * 1000,
		demo: env.IMROC_DEMO === '1',
		serverTiming: env.SERVER_TIMING === '1'
	};
	return cached;
}

/** The address people use, for links printed where there is no request to take it from. */
export function publicOrigin(): string {
	return process.env.ORIGIN ?? `http://localhost:${process.env.PORT ?? 3000}`;
}

/** How long a session lasts: idle, and at most. */
export function sessionLimits(): SessionLimits {
	const { sessionIdleMs, sessionMaxMs } = config();
	return { idleMs: sessionIdleMs, maxMs: sessionMaxMs };
}
