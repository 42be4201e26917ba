// Whether the server can do its work: the database answers and its schema is the one this build
// expects. For a load balancer or a monitor (GET /healthz), which needs a yes or a no and nothing
// an attacker could use (no versions, no counts).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db/client';
import { DEFAULT_MIGRATIONS_FOLDER } from './db/client';

/** How many migrations this build has (its migrations folder's journal), read once. */
let expected: number | undefined;
function migrationsInThisBuild(): number {
	expected ??= (
		JSON.parse(
			readFileSync(join(DEFAULT_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')
		) as { entries: unknown[] }
	).entries.length;
	return expected;
}

/** True when the database answers and every migration of this build has been applied to it. */
export function isHealthy(db: Db): boolean {
	try {
		const applied = db.$client
			.prepare('select count(*) from __drizzle_migrations')
			.pluck()
			.get() as number;
		return applied === migrationsInThisBuild();
	} catch {
		return false;
	}
}
