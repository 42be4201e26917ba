import { existsSync, statSync } from 'node:fs';
import { z } from 'zod';
import type { SessionLimits } from './auth/session';

const positiveNumber = z.coerce.number().positive();

/** An empty setting (`BACKUP_DIR=` in .env) is one not given. */
const optional = <T extends z.ZodType>(schema: T) =>
	z.preprocess(
		(value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
		schema.optional()
	);

const backupSettings = z
	.object({
		BACKUP_DIR: optional(z.string().trim()),
		BACKUP_EVERY_HOURS: optional(
			z.coerce
				.number({ error: 'must be a number of hours, such as 24 or 0.5' })
				.positive('must be a number of hours above 0, such as 24 or 0.5')
				.max(24 * 366, 'must be at most a year (8784 hours)')
		),
		BACKUP_KEEP: optional(
			z.coerce
				.number({ error: 'must be a whole number of backups to keep, such as 14' })
				.int('must be a whole number of backups to keep, such as 14')
				.min(1, 'must keep at least 1 backup')
		)
	})
	.superRefine((settings, context) => {
		if (settings.BACKUP_DIR) return;
		for (const name of ['BACKUP_EVERY_HOURS', 'BACKUP_KEEP'] as const) {
			if (settings[name] !== undefined)
				context.addIssue({
					code: 'custom',
					path: [name],
					message:
						'is set but BACKUP_DIR is not: set BACKUP_DIR to the directory for scheduled backups'
				});
		}
	});

/** How often scheduled backups are taken, and how many are kept, when BACKUP_DIR is set. */
export const BACKUP_DEFAULTS = { everyHours: 24, keep: 14 };

export interface BackupSettings {
	dir: string;
	everyMs: number;
	keep: number;
}

/** The scheduled backups' settings from these environment variables, or the problems with them. */
export function backupSettingsFrom(
	env: Record<string, string | undefined>
): { ok: true; settings: BackupSettings | null } | { ok: false; problems: string[] } {
	const parsed = backupSettings.safeParse(env);
	if (!parsed.success)
		return {
			ok: false,
			problems: parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`)
		};
	const { BACKUP_DIR, BACKUP_EVERY_HOURS, BACKUP_KEEP } = parsed.data;
	if (!BACKUP_DIR) return { ok: true, settings: null };
	return {
		ok: true,
		settings: {
			dir: BACKUP_DIR,
			everyMs: (BACKUP_EVERY_HOURS ?? BACKUP_DEFAULTS.everyHours) * 60 * 60 * 1000,
			keep: BACKUP_KEEP ?? BACKUP_DEFAULTS.keep
		}
	};
}

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
	/** Scheduled backups, or null when BACKUP_DIR is not set. */
	backups: BackupSettings | null;
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
	const backups = backupSettingsFrom(process.env);
	if (!backups.ok) throw new Error(`Invalid configuration: ${backups.problems.join('; ')}`);
	// Checked here, before the server prints anything, rather than failing at every interval.
	if (backups.settings && !isDirectory(backups.settings.dir)) {
		throw new Error(
			`Invalid configuration: BACKUP_DIR ${backups.settings.dir} is not a directory. Create it (writable by the server), or unset BACKUP_DIR.`
		);
	}
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
		serverTiming: env.SERVER_TIMING === '1',
		backups: backups.settings
	};
	return cached;
}

function isDirectory(path: string): boolean {
	return existsSync(path) && statSync(path).isDirectory();
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
