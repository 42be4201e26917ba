import type { Db } from './db/client';
import { loadBuiltInPacks } from './frameworks/loader';
import { prepareFirstRunSetup } from './auth/setup';
import { seedDemo, DEMO_ACCOUNTS } from './demo/seed';
import { config, publicOrigin } from './config';
import { log } from './log';

/** Everything the server does once before it answers: packs, demo data, the first-run link. */
export async function prepareDatabase(db: Db): Promise<void> {
	for (const result of loadBuiltInPacks(db)) {
		if (result.outcome === 'conflict') {
			log().warn(
				{ frameworkId: result.frameworkId },
				'A built-in framework pack differs from the stored copy of the same version; the stored copy is kept unchanged.'
			);
		}
	}

	if (config().demo) {
		const seeded = await seedDemo(db);
		console.log(seeded ? 'Demo data created.' : 'Demo data already present.');
		console.log('\nDemo accounts (demo data only — never use these on real data):');
		for (const account of DEMO_ACCOUNTS) {
			console.log(`  ${account.role.padEnd(28)} ${account.email.padEnd(34)} ${account.password}`);
		}
		console.log('');
	}

	const token = prepareFirstRunSetup(db);
	if (token) {
		console.log(
			`\nNo accounts yet. Create the first administrator at:\n\n  ${publicOrigin()}/setup/${token}\n\nThis link works once and only until the server restarts.\n`
		);
	}
}
