// Generates a large, deterministic dataset for benchmarking the dashboards.
// Usage: npx tsx scripts/seed-large.ts [--organisations N] [--services N] [--rounds N] [--seed N] [--database PATH] [--reset]
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { openDatabase } from '$lib/server/db/client';
import {
	LARGE_FACILITATOR_EMAIL,
	LARGE_ORGANISATION_ADMIN_EMAIL,
	LARGE_SEED_DEFAULTS,
	seedLarge
} from '$lib/server/demo/large';
import { loadBuiltInPacks } from '$lib/server/frameworks/loader';
import { fail, parseCommandLine, wholeNumber } from './cli-options';

const DEFAULT_DATABASE = 'data/large.sqlite';

const USAGE = `Fills a new SQLite database with a large, made-up dataset for benchmarking the dashboards.
The same options always give the same data.

Usage: npx tsx scripts/seed-large.ts [options]

Options:
  --organisations N   organisations to create (default ${LARGE_SEED_DEFAULTS.organisations})
  --services N        services in each organisation (default ${LARGE_SEED_DEFAULTS.servicesPerOrganisation})
  --rounds N          half-yearly rounds, the latest starting 1 April 2026 (default ${LARGE_SEED_DEFAULTS.rounds})
  --seed N            random seed, 0 to 4294967295 (default ${LARGE_SEED_DEFAULTS.seed})
  --database PATH     database file to write (default ${DEFAULT_DATABASE})
  --reset             delete the database file first if it exists
  --help              show this help

Accounts (no password works for them): ${LARGE_FACILITATOR_EMAIL} (facilitator in every
organisation) and ${LARGE_ORGANISATION_ADMIN_EMAIL} (administrator of the first).`;

const optionsSchema = z.object({
	organisations: wholeNumber('organisations', 1, 10_000).default(LARGE_SEED_DEFAULTS.organisations),
	services: wholeNumber('services', 1, 10_000).default(LARGE_SEED_DEFAULTS.servicesPerOrganisation),
	rounds: wholeNumber('rounds', 1, 200).default(LARGE_SEED_DEFAULTS.rounds),
	seed: wholeNumber('seed', 0, 0xffff_ffff).default(LARGE_SEED_DEFAULTS.seed),
	database: z.string().trim().min(1, '--database must name a file').default(DEFAULT_DATABASE),
	reset: z.boolean().default(false),
	help: z.boolean().default(false)
});

function parseOptions(argv: string[]) {
	return parseCommandLine(
		argv,
		{
			organisations: { type: 'string' },
			services: { type: 'string' },
			rounds: { type: 'string' },
			seed: { type: 'string' },
			database: { type: 'string' },
			reset: { type: 'boolean' },
			help: { type: 'boolean' }
		},
		optionsSchema
	);
}

const options = parseOptions(process.argv.slice(2));
if (options.help) {
	console.log(USAGE);
	process.exit(0);
}

const databasePath = resolve(options.database);
if (options.reset) {
	// SQLite keeps a write-ahead log and shared-memory index beside the file; stale ones would be replayed.
	for (const suffix of ['', '-wal', '-shm', '-journal'])
		rmSync(databasePath + suffix, { force: true });
}
mkdirSync(dirname(databasePath), { recursive: true });

const db = openDatabase(databasePath);
try {
	loadBuiltInPacks(db);
	console.log(
		`Seeding ${options.organisations.toLocaleString('en-GB')} organisations × ${options.services.toLocaleString('en-GB')} services × ${options.rounds} rounds (seed ${options.seed}) into ${databasePath}…`
	);
	const summary = seedLarge(db, {
		organisations: options.organisations,
		servicesPerOrganisation: options.services,
		rounds: options.rounds,
		seed: options.seed
	});
	const count = (value: number) => value.toLocaleString('en-GB');
	const { rows } = summary;
	console.log(
		`Wrote ${count(summary.totalRows)} rows in ${(summary.elapsedMs / 1000).toFixed(1)} seconds:`
	);
	console.log(
		`  ${count(rows.organisations)} organisations, ${count(rows.groupings)} directorates, ${count(rows.services)} services`
	);
	console.log(
		`  ${count(rows.rounds)} rounds, ${count(rows.roundServices)} round services, ${count(rows.assessments)} assessments`
	);
	console.log(
		`  ${count(rows.agreedScores)} agreed scores, ${count(rows.priorities)} priorities, ${count(rows.improvementActions)} improvement actions`
	);
	console.log(`  ${count(rows.users)} users with ${count(rows.memberships)} memberships`);
	console.log(`Facilitator: ${LARGE_FACILITATOR_EMAIL} (user id ${summary.facilitatorUserId})`);
	console.log(
		`Organisation administrator: ${LARGE_ORGANISATION_ADMIN_EMAIL} (user id ${summary.organisationAdminUserId})`
	);
} catch (error) {
	db.$client.close();
	const message = error instanceof Error ? error.message : String(error);
	fail(
		`Could not seed ${databasePath}: ${message}${existsSync(databasePath) && !options.reset ? '\nAdd --reset to start from an empty file.' : ''}`
	);
}
db.$client.close();
const megabytes = statSync(databasePath).size / 1024 / 1024;
console.log(`The database file is ${megabytes.toFixed(1)} MB.`);
