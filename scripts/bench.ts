// Times the organisation dashboard, the board report and the cross-site view on a large dataset,
// beside the bare SQL they run, and says whether each meets the target: p95 under 50 ms and within
// 1.5 times the bare SQL's p95. Then previews and imports a 20,000-row file of past audits
// (bench-import.ts).
// Usage: npm run bench -- [--database PATH] [--iterations N] [--warmup N] [--json] [--help]
//        npm run bench -- --import           (only the import of past audits: see bench-import.ts)
//        npm run bench -- --rating-session   (a live rating session under load: see bench-rating-session.ts)
//        npm run bench -- --api [--database PATH]   (the read API streaming every score as CSV: see bench-api.ts)
import type Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { may, type Person } from '$lib/server/access/policy';
import { openDatabase, type Db } from '$lib/server/db/client';
import * as schema from '$lib/server/db/schema';
import { crossSiteFiltersFromUrl, crossSitePage } from '$lib/server/dashboards/cross-site';
import {
	organisationDashboardPage,
	organisationFiltersFromUrl
} from '$lib/server/dashboards/organisation';
import {
	LARGE_FACILITATOR_EMAIL,
	LARGE_ORGANISATION_ADMIN_EMAIL,
	LARGE_SEED_DEFAULTS,
	seedLarge
} from '$lib/server/demo/large';
import { loadBuiltInPacks } from '$lib/server/frameworks/loader';
import { listGroupings } from '$lib/server/groupings';
import { forgetKept } from '$lib/server/dashboards/kept-figures';
import { boardReport } from '$lib/server/reports/board';
import { getRound } from '$lib/server/rounds/queries';
import { findUserByEmail, personFor } from '$lib/server/users';
import { fail, parseCommandLine, wholeNumber } from './cli-options';
import { benchPages, printPagesReport } from './bench-pages';
import { ensureBuild } from './bench-server';

const DEFAULT_DATABASE = 'data/large.sqlite';
const RESULTS_FILE = 'bench-results.json';
const TARGET_P95_MS = 50;
const TARGET_RATIO = 1.5;
/** How many organisations the organisation dashboard cycles through. */
const ORGANISATION_CYCLE = 10;
/** The cross-site view benchmarks this organisation (1-based, by id) in its second scenario. */
const OTHER_SITE_NUMBER = 50;

const USAGE = `Times the organisation dashboard and the cross-site view on a large dataset, beside the
bare SQL they run. Target: p95 under ${TARGET_P95_MS} ms and within ${TARGET_RATIO} times the bare SQL.
Then previews and imports a 20,000-row file of past audits (.xlsx and CSV) in a fresh temporary
database. Targets: preview under 2 s, import under 5 s, peak memory under 300 MB.

Usage: npm run bench -- [options]

Options:
  --database PATH        database to read (default ${DEFAULT_DATABASE})
  --iterations N         timed calls per scenario (default 200)
  --warmup N             untimed calls per scenario first (default 20)
  --seed-if-missing      if the database is missing or has no organisations, fill it with the
                         large seed first (the default)
  --no-seed-if-missing   stop instead
  --organisations N      organisations to seed (default ${LARGE_SEED_DEFAULTS.organisations}); only used when seeding
  --services N           services per organisation to seed (default ${LARGE_SEED_DEFAULTS.servicesPerOrganisation}); only used when seeding
  --rounds N             rounds to seed (default ${LARGE_SEED_DEFAULTS.rounds}); only used when seeding
  --import               only the import of past audits (with --json, its results as JSON)
  --rating-session       instead: 60 participants rating at once in a live session against the
                         built app on loopback, timed from answer to the facilitator's screen
  --api                  instead: the read API streaming every agreed score as CSV (rows per
                         second and peak memory; see scripts/bench-api.ts)
  --json                 also print the results as JSON
  --help                 show this help`;

// Options --------------------------------------------------------------------------------------

const optionsSchema = z
	.object({
		database: z.string().trim().min(1, '--database must name a file').default(DEFAULT_DATABASE),
		iterations: wholeNumber('iterations', 1, 1_000_000).default(200),
		warmup: wholeNumber('warmup', 0, 1_000_000).default(20),
		'seed-if-missing': z.boolean().optional(),
		'no-seed-if-missing': z.boolean().optional(),
		organisations: wholeNumber('organisations', 1, 10_000).optional(),
		services: wholeNumber('services', 1, 10_000).optional(),
		rounds: wholeNumber('rounds', 1, 200).optional(),
		import: z.boolean().default(false),
		pages: z.boolean().default(false),
		seconds: wholeNumber('seconds', 1, 600).default(10),
		json: z.boolean().default(false),
		help: z.boolean().default(false)
	})
	.refine((o) => !(o['seed-if-missing'] && o['no-seed-if-missing']), {
		message: 'Give --seed-if-missing or --no-seed-if-missing, not both'
	})
	.transform(({ 'seed-if-missing': _on, 'no-seed-if-missing': off, ...rest }) => ({
		...rest,
		seedIfMissing: !off
	}));

function parseOptions(argv: string[]) {
	return parseCommandLine(
		argv,
		{
			database: { type: 'string' },
			iterations: { type: 'string' },
			warmup: { type: 'string' },
			'seed-if-missing': { type: 'boolean' },
			'no-seed-if-missing': { type: 'boolean' },
			organisations: { type: 'string' },
			services: { type: 'string' },
			rounds: { type: 'string' },
			import: { type: 'boolean' },
			pages: { type: 'boolean' },
			seconds: { type: 'string' },
			json: { type: 'boolean' },
			help: { type: 'boolean' }
		},
		optionsSchema
	);
}

/** Keeps the last run's figures as JSON, for comparing runs (the file is not committed). */
function writeResults(results: unknown): void {
	writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + '\n');
	console.log(`\nThe figures are in ${RESULTS_FILE}.`);
}

// Statistics -----------------------------------------------------------------------------------

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) throw new Error('percentile of no values');
	if (!(p >= 0 && p <= 100)) throw new Error(`percentile must be from 0 to 100, not ${p}`);
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
	return sorted[rank - 1];
}

function timeEach(iterations: number, warmup: number, call: (iteration: number) => void): number[] {
	for (let i = 0; i < warmup; i++) call(i);
	const times: number[] = [];
	for (let i = 0; i < iterations; i++) {
		const started = process.hrtime.bigint();
		call(i);
		times.push(Number(process.hrtime.bigint() - started) / 1e6);
	}
	return times;
}

// The database ---------------------------------------------------------------------------------

const count = (value: number) => value.toLocaleString('en-GB');

function organisationCount(sqlite: Database.Database): number {
	return sqlite.prepare('select count(*) from organisation').pluck().get() as number;
}

function openOrSeed(options: ReturnType<typeof parseOptions>): Db {
	const path = resolve(options.database);
	const missing = !existsSync(path);
	if (missing && !options.seedIfMissing)
		fail(
			`${path} does not exist. Create it with npm run seed:large, or drop --no-seed-if-missing.`
		);
	const db = openDatabase(path);
	if (organisationCount(db.$client) > 0) {
		if (options.organisations || options.services || options.rounds) {
			console.log(
				'The database already has data, so --organisations, --services and --rounds are ignored.'
			);
		}
		return db;
	}
	if (!options.seedIfMissing)
		fail(
			`${path} has no organisations. Fill it with npm run seed:large, or drop --no-seed-if-missing.`
		);
	const seedOptions = {
		organisations: options.organisations ?? LARGE_SEED_DEFAULTS.organisations,
		servicesPerOrganisation: options.services ?? LARGE_SEED_DEFAULTS.servicesPerOrganisation,
		rounds: options.rounds ?? LARGE_SEED_DEFAULTS.rounds
	};
	console.log(
		`${missing ? `${path} does not exist` : `${path} has no organisations`}: seeding ${count(seedOptions.organisations)} organisations × ${count(seedOptions.servicesPerOrganisation)} services × ${seedOptions.rounds} rounds (takes several seconds)…`
	);
	let summary: ReturnType<typeof seedLarge>;
	try {
		loadBuiltInPacks(db);
		summary = seedLarge(db, seedOptions);
	} catch (error) {
		fail(`Could not seed ${path}: ${error instanceof Error ? error.message : String(error)}`);
	}
	console.log(
		`Seeded ${count(summary.totalRows)} rows in ${(summary.elapsedMs / 1000).toFixed(1)} seconds.`
	);
	return db;
}

function datasetSize(sqlite: Database.Database) {
	const one = (sql: string) => sqlite.prepare(sql).pluck().get() as number;
	return {
		organisations: one('select count(*) from organisation'),
		services: one('select count(*) from service'),
		rounds: one('select count(*) from round'),
		agreedScores:
			one(`select count(*) from agreed_score a join assessment s on s.id = a.assessment_id
			where s.status = 'complete' and a.level is not null`),
		roundLevelCounts: one('select count(*) from round_level_count')
	};
}

function largeAccount(db: Db, email: string): Person {
	const user = findUserByEmail(db, email);
	if (!user)
		fail(
			`There is no ${email} account: the database was not made by the large seed (npm run seed:large).`
		);
	return personFor(db, {
		id: user.id,
		email: user.email,
		name: user.name,
		isPlatformAdmin: user.isPlatformAdmin
	});
}

// The routes' own view functions, behind the access check the route makes -----------------------

/** src/routes/organisations/[organisation]/dashboard/+page.server.ts */
function organisationDashboardLoad(db: Db, person: Person, organisationId: string, url: URL) {
	if (!may(person, 'organisation.overview', { organisationId }))
		throw new Error(`${person.id} may not see ${organisationId}`);
	return organisationDashboardPage(db, person, organisationId, organisationFiltersFromUrl(url));
}

/** src/routes/organisations/[organisation]/rounds/[round]/report/+page.server.ts */
function boardReportLoad(
	db: Db,
	person: Person,
	organisation: { id: string; name: string },
	roundId: string
) {
	if (!may(person, 'organisation.overview', { organisationId: organisation.id }))
		throw new Error(`${person.id} may not see ${organisation.id}`);
	const round = getRound(db, organisation.id, roundId);
	if (!round) throw new Error(`no round ${roundId}`);
	return boardReport(db, organisation, round, person);
}

/** src/routes/sites/+page.server.ts */
function crossSiteLoad(db: Db, person: Person, url: URL) {
	if (!may(person, 'sites.view')) throw new Error(`${person.id} may not open the cross-site view`);
	return crossSitePage(db, person, crossSiteFiltersFromUrl(url).site);
}

// Scenarios ------------------------------------------------------------------------------------

/** One request: who, for what, and the load it runs against a given database handle. */
interface Case {
	label: string;
	load: (db: Db) => unknown;
}

interface Scenario {
	name: string;
	/** Iteration i runs cases[i % cases.length], for the server and for the bare SQL alike. */
	cases: Case[];
}

interface Statement {
	sql: string;
	params: unknown[];
}

function buildScenarios(db: Db): { scenarios: Scenario[]; cycle: string[] } {
	const orgAdmin = largeAccount(db, LARGE_ORGANISATION_ADMIN_EMAIL);
	const facilitator = largeAccount(db, LARGE_FACILITATOR_EMAIL);
	const organisations = db.$client
		.prepare('select id, name from organisation order by id')
		.all() as { id: string; name: string }[];

	// Evenly spaced, starting with the first organisation (the one the org admin runs).
	const cycleSize = Math.min(ORGANISATION_CYCLE, organisations.length);
	const cycled = Array.from(
		{ length: cycleSize },
		(_, i) => organisations[Math.floor((i * organisations.length) / cycleSize)]
	);
	// The org admin administers only the first organisation; elsewhere the route would refuse them,
	// so the facilitator (an organisation-wide role in every one) is the person there.
	const visitor = (organisationId: string) =>
		may(orgAdmin, 'organisation.overview', { organisationId }) ? orgAdmin : facilitator;
	const who = (person: Person) =>
		person === orgAdmin ? LARGE_ORGANISATION_ADMIN_EMAIL : LARGE_FACILITATOR_EMAIL;
	const dashboardUrl = (organisationId: string, query: Record<string, string> = {}) =>
		new URL(
			`http://bench.invalid/organisations/${organisationId}/dashboard?${new URLSearchParams(query)}`
		);

	const unfiltered: Case[] = cycled.map((o) => {
		const person = visitor(o.id);
		const url = dashboardUrl(o.id);
		return {
			label: `${o.name} as ${who(person)}`,
			load: (handle) => organisationDashboardLoad(handle, person, o.id, url)
		};
	});

	const filtered: Case[] = cycled.map((o) => {
		const person = visitor(o.id);
		// The first directorate by name, and the range from the eighth-last round to the second-last.
		const grouping = listGroupings(db, o.id)[0];
		const roundIds = db.$client
			.prepare('select id from round where organisation_id = ? order by period_start, title')
			.pluck()
			.all(o.id) as string[];
		const from = roundIds[Math.max(0, roundIds.length - 8)];
		const to = roundIds[Math.max(0, roundIds.length - 2)];
		const url = dashboardUrl(o.id, {
			...(grouping ? { grouping: grouping.id } : {}),
			...(from ? { from } : {}),
			...(to ? { to } : {})
		});
		return {
			label: `${o.name} as ${who(person)}, ${url.search}`,
			load: (handle) => organisationDashboardLoad(handle, person, o.id, url)
		};
	});

	// Each organisation's latest round, as the dashboard's link to the board report opens it.
	const boardReports: Case[] = cycled.map((o) => {
		const person = visitor(o.id);
		const roundId = db.$client
			.prepare(
				'select id from round where organisation_id = ? order by period_start desc, title desc limit 1'
			)
			.pluck()
			.get(o.id) as string;
		return {
			label: `${o.name}, latest round, as ${who(person)}`,
			load: (handle) => boardReportLoad(handle, person, o, roundId)
		};
	});

	const sitesUrl = new URL('http://bench.invalid/sites');
	const otherSite = organisations[Math.min(OTHER_SITE_NUMBER, organisations.length) - 1];
	const otherSiteUrl = new URL(`http://bench.invalid/sites?site=${otherSite.id}`);

	return {
		cycle: unfiltered.map((c) => c.label),
		scenarios: [
			{ name: 'Organisation dashboard, no filters', cases: unfiltered },
			{ name: 'Organisation dashboard, filtered', cases: filtered },
			{ name: 'Board report page, latest round', cases: boardReports },
			{
				name: 'Cross-site view',
				cases: [
					{
						label: `default site, as ${LARGE_FACILITATOR_EMAIL}`,
						load: (handle) => crossSiteLoad(handle, facilitator, sitesUrl)
					}
				]
			},
			{
				name: 'Cross-site view, benchmarking another site',
				cases: [
					{
						label: `${otherSite.name}, as ${LARGE_FACILITATOR_EMAIL}`,
						load: (handle) => crossSiteLoad(handle, facilitator, otherSiteUrl)
					}
				]
			}
		]
	};
}

/** The statements one case issues, captured by a logger on a second handle over the same connection. */
function captureStatements(db: Db, load: Case['load']): Statement[] {
	const captured: Statement[] = [];
	const logging: Db = drizzle(db.$client, {
		schema,
		logger: { logQuery: (sql, params) => captured.push({ sql, params }) }
	});
	forgetKept(db);
	load(logging);
	return captured;
}

// The run --------------------------------------------------------------------------------------

interface Result {
	scenario: string;
	cases: string[];
	serverMs: { p50: number; p95: number };
	bareSqlMs: { p50: number; p95: number };
	ratio: number;
	statementsPerCall: { min: number; max: number };
	meetsTarget: boolean;
	missed: string[];
}

function runScenario(db: Db, scenario: Scenario, iterations: number, warmup: number): Result {
	// Each call works its figures out: the server keeps them between changes (kept-figures.ts), and
	// what is timed here is the work a change leaves to the next request.
	const serverTimes = timeEach(iterations, warmup, (i) => {
		forgetKept(db);
		scenario.cases[i % scenario.cases.length].load(db);
	});

	// Prepared once, outside the timed loop: the bare SQL is the floor, so it pays no preparation.
	// raw() asks better-sqlite3 for arrays, as drizzle does before mapping rows to objects.
	const prepared = scenario.cases.map((c) =>
		captureStatements(db, c.load).map((s) => ({
			statement: db.$client.prepare(s.sql).raw(true),
			params: s.params
		}))
	);
	const sqlTimes = timeEach(iterations, warmup, (i) => {
		for (const { statement, params } of prepared[i % prepared.length]) statement.all(...params);
	});

	const server = { p50: percentile(serverTimes, 50), p95: percentile(serverTimes, 95) };
	const bareSql = { p50: percentile(sqlTimes, 50), p95: percentile(sqlTimes, 95) };
	const ratio = server.p95 / bareSql.p95;
	const missed: string[] = [];
	if (!(server.p95 < TARGET_P95_MS))
		missed.push(`p95 ${server.p95.toFixed(1)} ms is not under ${TARGET_P95_MS} ms`);
	if (!(ratio <= TARGET_RATIO))
		missed.push(`p95 is ${ratio.toFixed(2)} times the bare SQL's, more than ${TARGET_RATIO}`);
	const statementCounts = prepared.map((p) => p.length);
	return {
		scenario: scenario.name,
		cases: scenario.cases.map((c) => c.label),
		serverMs: server,
		bareSqlMs: bareSql,
		ratio,
		statementsPerCall: { min: Math.min(...statementCounts), max: Math.max(...statementCounts) },
		meetsTarget: missed.length === 0,
		missed
	};
}

function printTable(head: string[], rows: string[][]): void {
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (cells: string[]) =>
		cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
	console.log(line(head));
	console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
	for (const row of rows) console.log(line(row));
}

if (process.argv.includes('--api')) {
	const { benchApi } = await import('./bench-api');
	process.exit((await benchApi(process.argv.slice(2))) ? 0 : 1);
}

if (process.argv.includes('--rating-session')) {
	const { benchRatingSession } = await import('./bench-rating-session');
	process.exit((await benchRatingSession()) ? 0 : 1);
}

const options = parseOptions(process.argv.slice(2));
if (options.help) {
	console.log(USAGE);
	process.exit(0);
}
if (options.import) {
	const { benchImport } = await import('./bench-import');
	const { meetsTarget, report } = await benchImport();
	if (options.json) console.log(JSON.stringify(report, null, 2));
	process.exit(meetsTarget ? 0 : 1);
}

const db = openOrSeed(options);
const size = datasetSize(db.$client);
if (size.roundLevelCounts === 0 && size.agreedScores > 0) {
	fail(
		`${resolve(options.database)} has agreed scores but an empty round_level_count table: it predates that table, and the cross-site view would read nothing.\nReseed it: npm run seed:large -- --reset --database ${options.database}`
	);
}
db.$client.close();

console.log('\nWhole pages through the production server (builds the app first if needed)…');
ensureBuild();
const pages = await benchPages(resolve(options.database), options.seconds);
console.log('');
printPagesReport(pages);
if (options.pages) {
	if (options.json) console.log(JSON.stringify({ dataset: size, pages }, null, 2));
	writeResults({ dataset: size, pages });
	process.exit(pages.missed.length === 0 ? 0 : 1);
}
if (pages.missed.length > 0) console.log(`\nMissed: ${pages.missed.join('; ')}.`);

// The in-process timings: each view's load function beside the bare SQL it runs.
const timingDb = openDatabase(resolve(options.database));
const { scenarios, cycle } = buildScenarios(timingDb);

console.log(`\nDatabase: ${resolve(options.database)}`);
console.log(
	`Dataset: ${count(size.organisations)} organisations, ${count(size.services)} services, ${count(size.rounds)} rounds, ${count(size.agreedScores)} agreed scores (completed assessments).`
);
console.log(
	`Node ${process.version}, ${options.iterations} timed calls per scenario after ${options.warmup} warm-up calls.`
);
const loadBefore = loadavg()[0];
console.log(
	`The organisation dashboard cycles through ${cycle.length} organisations: ${cycle.join('; ')}.\n`
);

const results: Result[] = [];
for (const scenario of scenarios) {
	process.stdout.write(`Timing ${scenario.name}…\n`);
	results.push(runScenario(timingDb, scenario, options.iterations, options.warmup));
}
timingDb.$client.close();
const loadAfter = loadavg()[0];

const ms = (value: number) => `${value.toFixed(2)} ms`;
console.log('');
printTable(
	[
		'Scenario',
		'p50 server',
		'p95 server',
		'p50 bare SQL',
		'p95 bare SQL',
		'Ratio (p95 server / p95 SQL)',
		'Statements per call',
		'Meets target'
	],
	results.map((r) => [
		r.scenario,
		ms(r.serverMs.p50),
		ms(r.serverMs.p95),
		ms(r.bareSqlMs.p50),
		ms(r.bareSqlMs.p95),
		`${r.ratio.toFixed(2)}×`,
		r.statementsPerCall.min === r.statementsPerCall.max
			? String(r.statementsPerCall.min)
			: `${r.statementsPerCall.min}–${r.statementsPerCall.max}`,
		r.meetsTarget ? 'yes' : 'NO'
	])
);

console.log(`
Target: p95 server time under ${TARGET_P95_MS} ms, and at most ${TARGET_RATIO} times the p95 of the bare SQL.
Server time is one call of the route's load function in this process: the access check, reading
the filters from the address, every database call through drizzle (which prepares each statement
afresh and maps rows to objects) and the JavaScript that turns the counts into medians, heatmaps
and tables. It leaves out the session lookup in hooks.server.ts, SvelteKit's serialising and
rendering of the page, and the network. Bare SQL runs exactly the statements and parameters that
call issued (captured with a drizzle logger), prepared once before timing, returning raw rows.
Percentiles are nearest-rank.
Load average (1 minute) before and after: ${loadBefore.toFixed(2)} and ${loadAfter.toFixed(2)}; other work on the machine inflates the figures, the p95s most.`);

const missedAny = results.filter((r) => !r.meetsTarget);
if (missedAny.length === 0) console.log('\nEvery scenario meets the target.');
else {
	console.log('\nMissed the target:');
	for (const r of missedAny) console.log(`  ${r.scenario}: ${r.missed.join('; ')}.`);
}

const { benchImport } = await import('./bench-import');
const pastAuditsImport = await benchImport();

const everything = {
	database: resolve(options.database),
	node: process.version,
	iterations: options.iterations,
	warmup: options.warmup,
	loadAverage: { before: loadBefore, after: loadAfter },
	dataset: size,
	pages,
	target: { p95Ms: TARGET_P95_MS, ratio: TARGET_RATIO },
	results,
	pastAuditsImport: pastAuditsImport.report
};
if (options.json) console.log(JSON.stringify(everything, null, 2));
writeResults(everything);
