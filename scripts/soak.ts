// The soak: a bounded mixed load on the production server on loopback, on a fresh copy of the demo
// data. 50 connections for 60 seconds (after a warm-up) read every dashboard (organisation,
// cross-site, service), assessment pages and plan pages, and save agreed scores, ratings and progress
// notes, each save with text no other carries. Then it checks: no 5xx answers, no acknowledged write
// missing from the database, no SQLITE_BUSY in the server's log, and the server's resident memory at
// the end within 20% of what it was after the warm-up. It prints a table, writes JSON, and exits 1 if
// any check fails. Never part of `npm test`.
//
// Usage: npm run soak -- [--duration S] [--warmup S] [--connections N] [--json PATH] [--keep] [--help]
import { spawnSync } from 'node:child_process';
import {
	closeSync,
	existsSync,
	mkdtempSync,
	openSync,
	readFileSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import autocannonTyped from 'autocannon';
import {
	checkFile,
	DEMO,
	inviteRaters,
	Ledger,
	noteTargets,
	noteWrite,
	NOTES_PER_PERSON_PER_HOUR,
	readRevisions,
	readTargets,
	signIn,
	slotsFor,
	slotWrite,
	startAppServer,
	type DemoPerson,
	type NoteTarget,
	type Slot,
	type Write
} from './acknowledged-writes';
import { fail, parseCommandLine, wholeNumber } from './cli-options';

const USAGE = `Soaks the production server on loopback with a mixed load on a fresh copy of the demo data,
then checks that no answer was a 5xx, that every acknowledged save is in the database, that the
server never logged SQLITE_BUSY, and that its resident memory at the end is within 20% of what it
was after the warm-up. Builds the app first when there is no build.

Usage: npm run soak -- [options]

Options:
  --duration S      seconds of load after the warm-up (default 60)
  --warmup S        seconds of the same load first, until memory has grown to its working
                    size, before it is measured (default 30)
  --connections N   connections held open at once (default 50)
  --json PATH       where to write the results (default soak-results.json)
  --keep            keep the temporary database and the server's log
  --help            show this help`;

const MEMORY_TOLERANCE = 0.2;
/** How long a connection waits for an answer before it counts the request as unanswered. */
const ANSWER_TIMEOUT_SECONDS = 30;

const optionsSchema = z.object({
	duration: wholeNumber('duration', 1, 86_400).default(60),
	warmup: wholeNumber('warmup', 1, 3_600).default(30),
	connections: wholeNumber('connections', 1, 1_000).default(50),
	json: z.string().trim().min(1, '--json must name a file').default('soak-results.json'),
	keep: z.boolean().default(false),
	help: z.boolean().default(false)
});

const options = parseCommandLine(
	process.argv.slice(2),
	{
		duration: { type: 'string' },
		warmup: { type: 'string' },
		connections: { type: 'string' },
		json: { type: 'string' },
		keep: { type: 'boolean' },
		help: { type: 'boolean' }
	},
	optionsSchema
);
if (options.help) {
	console.log(USAGE);
	process.exit(0);
}

// autocannon, as far as it is used here ---------------------------------------------------------------

interface RawRequest {
	method: string;
	path: string;
	headers: Record<string, string>;
	body?: string;
}
interface Context {
	kind?: Kind;
	sentAt?: number;
	write?: Write;
	slot?: Slot;
	note?: NoteTarget;
}
interface CannonRequest {
	setupRequest: (request: RawRequest, context: Context) => RawRequest;
	onResponse: (
		status: number,
		body: string,
		context: Context,
		headers: Record<string, string | string[]>
	) => void;
}
interface CannonResult {
	requests: { average: number; total: number };
	latency: { p50: number; p99: number; max: number };
	errors: number;
	timeouts: number;
	statusCodeStats: Record<string, { count: number }>;
}
// The little of autocannon used here, with the request hooks' context as this file keeps it.
const autocannon = autocannonTyped as unknown as (options: {
	url: string;
	connections: number;
	duration: number;
	timeout: number;
	requests: CannonRequest[];
}) => Promise<CannonResult>;

// The server ----------------------------------------------------------------------------------------

if (!existsSync('build/handler.js')) {
	console.log('No build: building the app first…');
	const built = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
	if (built.status !== 0) fail('The build failed.');
}

const dir = mkdtempSync(join(tmpdir(), 'imroc-soak-'));
const databasePath = join(dir, 'soak.sqlite');
const logPath = join(dir, 'server.log');
const logFile = openSync(logPath, 'w');
console.log(`Starting the production server on a fresh copy of the demo data in ${dir}…`);
const server = await startAppServer({ databasePath, output: logFile });
const pid = server.child.pid;
if (!pid) fail('The server has no process id.');

/** The server's resident memory in MiB, as the kernel counts it. */
function residentMiB(): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
	return Math.round((kib / 1024) * 10) / 10;
}

// What is read and written --------------------------------------------------------------------------

const TAG = 'Soak';
const targets = readTargets(databasePath);
const cookies = {} as Record<DemoPerson, string>;
for (const person of Object.keys(DEMO) as DemoPerson[])
	cookies[person] = await signIn(server.baseURL, person);
await inviteRaters(server.baseURL, targets, cookies, targets.assessments);
const slots = slotsFor(targets, targets.assessments);
readRevisions(databasePath, slots);
const ledger = new Ledger(TAG);
const notes = noteTargets(targets);

const organisationPath = `/organisations/${targets.organisationId}`;
const servicePaths = targets.services.map((s) => `${organisationPath}/services/${s.id}`);
const assessmentPaths = targets.assessments.map((a) => a.path);

type Kind =
	| 'organisation dashboard'
	| 'cross-site view'
	| 'service dashboard'
	| 'assessment page'
	| 'plan page'
	| 'action page'
	| 'agreed-score save'
	| 'rating save'
	| 'progress note';
const WRITES: Record<string, Kind> = {
	score: 'agreed-score save',
	rating: 'rating save',
	note: 'progress note'
};

interface Tally {
	statuses: Record<number, number>;
	latencies: number[];
}
const tallies = new Map<Kind, Tally>();
const tally = (kind: Kind) => {
	let t = tallies.get(kind);
	if (!t) tallies.set(kind, (t = { statuses: {}, latencies: [] }));
	return t;
};

/** Writes sent and not yet answered: at the end, those the run cut off. */
const pending = new Map<number, { write: Write; slot?: Slot }>();
/** Slots no connection is saving at the moment: a slot's saves never overlap. */
const freeSlots = {
	score: slots.filter((s) => s.kind === 'score'),
	rating: slots.filter((s) => s.kind === 'rating')
};
/** Notes sent or acknowledged per author: the app allows NOTES_PER_PERSON_PER_HOUR a person. */
const notesSent = new Map<NoteTarget, number>();

let turn = 0;
const next = <T>(list: T[]) => list[turn++ % list.length];

const get = (path: string, person: DemoPerson = 'admin'): RawRequest => ({
	method: 'GET',
	path,
	headers: { cookie: cookies[person], accept: 'text/html' }
});
const post = (write: Write, person: DemoPerson): RawRequest => ({
	method: 'POST',
	path: write.path,
	headers: {
		cookie: cookies[person],
		origin: server.baseURL,
		accept: 'text/html',
		'content-type': 'application/x-www-form-urlencoded'
	},
	body: new URLSearchParams(write.form).toString()
});

function read(kind: Kind, path: () => string, person?: DemoPerson): CannonRequest {
	return {
		setupRequest: (_request, context) => {
			Object.assign(context, { kind, sentAt: performance.now(), write: undefined });
			return get(path(), person);
		},
		onResponse: (status, _body, context) => record(context, status)
	};
}

function record(context: Context, status: number) {
	if (!context.kind || context.sentAt === undefined) return;
	const t = tally(context.kind);
	t.statuses[status] = (t.statuses[status] ?? 0) + 1;
	t.latencies.push(performance.now() - context.sentAt);
}

/** A save of a free slot of this kind, or (none free) a read of an assessment page instead. */
function slotSave(kind: 'score' | 'rating'): CannonRequest {
	return {
		setupRequest: (_request, context) => {
			const slot = freeSlots[kind].shift();
			if (!slot) {
				Object.assign(context, { kind: 'assessment page', sentAt: performance.now() });
				context.write = undefined;
				return get(next(assessmentPaths));
			}
			const write = slotWrite(TAG, slot, ledger.next());
			pending.set(write.number, { write, slot });
			Object.assign(context, { kind: WRITES[kind], sentAt: performance.now(), write, slot });
			return post(write, slot.person);
		},
		onResponse: (status, _body, context, headers) => {
			record(context, status);
			const { write, slot } = context;
			if (!write || !slot) return;
			pending.delete(write.number);
			ledger.settle(write, { status, location: headerOf(headers, 'location') }, slot);
			// A refused save leaves the revision unknown: read it again before the slot's next save.
			if (slot.kind === 'score' && slot.revision === null) readRevisions(databasePath, [slot]);
			freeSlots[kind].push(slot);
		}
	};
}

/** A progress note while its author may add one, or else a read of the action page. */
const noteSave: CannonRequest = {
	setupRequest: (_request, context) => {
		const note = notes.find((n) => (notesSent.get(n) ?? 0) < NOTES_PER_PERSON_PER_HOUR);
		if (!note) {
			const target = next(notes);
			Object.assign(context, { kind: 'action page', sentAt: performance.now() });
			context.write = undefined;
			return get(target.action.path, target.person);
		}
		notesSent.set(note, (notesSent.get(note) ?? 0) + 1);
		const write = noteWrite(TAG, note, ledger.next());
		pending.set(write.number, { write });
		Object.assign(context, { kind: 'progress note', sentAt: performance.now(), write, note });
		return post(write, note.person);
	},
	onResponse: (status, _body, context, headers) => {
		record(context, status);
		const { write } = context;
		if (!write) return;
		pending.delete(write.number);
		ledger.settle(write, { status, location: headerOf(headers, 'location') });
	}
};

function headerOf(headers: Record<string, string | string[]>, name: string): string {
	const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
	return Array.isArray(found) ? (found[0] ?? '') : (found ?? '');
}

// Each connection goes round this list: six reads, four saves.
const requests: CannonRequest[] = [
	read('organisation dashboard', () => `${organisationPath}/dashboard`),
	slotSave('score'),
	read('cross-site view', () => '/sites'),
	slotSave('rating'),
	read('service dashboard', () => `${next(servicePaths)}/dashboard`),
	noteSave,
	read('assessment page', () => next(assessmentPaths)),
	slotSave('score'),
	read('plan page', () => `${next(servicePaths)}/plan`),
	slotSave('rating')
];

// The run --------------------------------------------------------------------------------------------

/**
 * Writes a run's end cut off were never answered: not acknowledged, whether or not they were saved.
 * An agreed score goes back into use with its revision read again (a save still under way on the
 * server then either lands first or is refused); a rating is retired, since a save under way could
 * land after a later one and overwrite it.
 */
async function settleCutOff() {
	await new Promise((r) => setTimeout(r, 2_000));
	for (const { write, slot } of pending.values()) {
		ledger.settle(write, null, slot);
		if (slot?.kind === 'score') freeSlots.score.push(slot);
	}
	pending.clear();
	readRevisions(
		databasePath,
		freeSlots.score.filter((slot) => slot.revision === null)
	);
}

const loadBefore = loadavg()[0];
const run = (seconds: number) =>
	autocannon({
		url: server.baseURL,
		connections: options.connections,
		duration: seconds,
		timeout: ANSWER_TIMEOUT_SECONDS,
		requests
	});

console.log(`Warming up for ${options.warmup} s with ${options.connections} connections…`);
const warmup = await run(options.warmup);
await settleCutOff();
const memoryAfterWarmup = residentMiB();
tallies.clear();
console.log(
	`Resident memory after the warm-up: ${memoryAfterWarmup} MiB. Soaking for ${options.duration} s…`
);
const samples: { atSeconds: number; residentMiB: number }[] = [];
const started = performance.now();
const sampler = setInterval(
	() =>
		samples.push({
			atSeconds: Math.round((performance.now() - started) / 1000),
			residentMiB: residentMiB()
		}),
	5_000
);
const soak = await run(options.duration);
clearInterval(sampler);
const memoryAtEnd = residentMiB();
const loadAfter = loadavg()[0];

await settleCutOff();
ledger.check(databasePath, slots);
const file = checkFile(databasePath);

const exited = server.exited;
server.child.kill('SIGTERM');
const exitCode = await exited;
closeSync(logFile);
const log = readFileSync(logPath, 'utf8');
const busyLines = log.split('\n').filter((line) => line.includes('SQLITE_BUSY')).length;
const errorLines = log.split('\n').filter((line) => line.includes('"level":"error"')).length;

// The report -----------------------------------------------------------------------------------------

const statusCount = (results: CannonResult[], test: (status: number) => boolean) =>
	results
		.flatMap((r) => Object.entries(r.statusCodeStats))
		.filter(([status]) => test(Number(status)))
		.reduce((sum, [, { count }]) => sum + Number(count), 0);
const both = [warmup, soak];
const serverErrors = statusCount(both, (s) => s >= 500);
const noAnswer = both.reduce((sum, r) => sum + r.errors, 0);
const readsNot200 = [...tallies.entries()]
	.filter(([kind]) => !Object.values(WRITES).includes(kind))
	.flatMap(([, t]) => Object.entries(t.statuses))
	.filter(([status]) => status !== '200')
	.reduce((sum, [, n]) => sum + n, 0);
const memoryChange = (memoryAtEnd - memoryAfterWarmup) / memoryAfterWarmup;
const totals = ledger.totals;

const checks = [
	{ check: 'No 5xx answers (warm-up and soak)', value: serverErrors, passed: serverErrors === 0 },
	{
		check: 'Acknowledged writes missing from the database',
		value: totals.lost,
		passed: totals.lost === 0
	},
	{ check: 'SQLITE_BUSY in the server log', value: busyLines, passed: busyLines === 0 },
	{
		check: `Resident memory at the end within ${MEMORY_TOLERANCE * 100}% of after the warm-up`,
		value: `${memoryAfterWarmup} → ${memoryAtEnd} MiB (${(memoryChange * 100).toFixed(1)}%)`,
		passed: Math.abs(memoryChange) <= MEMORY_TOLERANCE
	},
	{
		check: `Requests without an answer (connection errors, none in ${ANSWER_TIMEOUT_SECONDS} s)`,
		value: noAnswer,
		passed: noAnswer === 0
	},
	{ check: 'Reads answered other than 200', value: readsNot200, passed: readsNot200 === 0 },
	{
		check: 'Every kind of write acknowledged at least once',
		value: (['score', 'rating', 'note'] as const)
			.map((k) => `${k} ${ledger.acknowledged[k].length}`)
			.join(', '),
		passed: (['score', 'rating', 'note'] as const).every((k) => ledger.acknowledged[k].length > 0)
	},
	{
		check: 'integrity_check and foreign_key_check',
		value: `${file.integrity}; ${file.foreignKeyProblems} problem(s)`,
		passed: file.integrity === 'ok' && file.foreignKeyProblems === 0
	},
	{ check: 'Server exit code on SIGTERM', value: String(exitCode), passed: exitCode === 0 }
];

function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

function printTable(head: string[], rows: string[][]): void {
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (cells: string[]) =>
		cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
	console.log(line(head));
	console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
	for (const row of rows) console.log(line(row));
}

const perKind = [...tallies.entries()].map(([kind, t]) => ({
	kind,
	requests: t.latencies.length,
	statuses: t.statuses,
	p50Ms: Math.round(percentile(t.latencies, 50)),
	p99Ms: Math.round(percentile(t.latencies, 99))
}));

console.log(
	`\nSoak: ${options.connections} connections for ${options.duration} s after ${options.warmup} s of warm-up, Node ${process.version}, load average ${loadBefore.toFixed(2)} before and ${loadAfter.toFixed(2)} after.`
);
console.log(
	`${Math.round(soak.requests.average)} requests a second, ${soak.requests.total} in all; latency p50 ${soak.latency.p50} ms, p99 ${soak.latency.p99} ms, max ${soak.latency.max} ms.\n`
);
printTable(
	['Request', 'Requests', 'Answers', 'p50', 'p99'],
	perKind.map((k) => [
		k.kind,
		String(k.requests),
		Object.entries(k.statuses)
			.map(([status, n]) => `${n}×${status}`)
			.join(' '),
		`${k.p50Ms} ms`,
		`${k.p99Ms} ms`
	])
);
console.log('');
printTable(
	['Writes (warm-up and soak)', 'Sent', 'Acknowledged', 'Refused', 'Cut off', 'Lost'],
	Object.entries(ledger.summary()).map(([kind, s]) => [
		kind,
		String(s.attempted),
		String(s.acknowledged),
		Object.entries(s.refusedByStatus)
			.map(([status, n]) => `${n}×${status}`)
			.join(' ') || '0',
		String(s.unanswered),
		String(s.lost)
	])
);
console.log('');
printTable(
	['Check', 'Measured', 'Result'],
	checks.map((c) => [c.check, String(c.value), c.passed ? 'pass' : 'FAIL'])
);
console.log(
	`\nSaves of one agreed score or one rater's rating never overlap (each connection takes a free one); a rating is checked by the database holding its last acknowledged save or a later one, an agreed-score save also by its audit entry, a note by its row. Notes stop at ${NOTES_PER_PERSON_PER_HOUR} per author (the app's hourly limit), after which that turn reads the action page.`
);

const jsonPath = resolve(options.json);
writeFileSync(
	jsonPath,
	JSON.stringify(
		{
			when: new Date().toISOString(),
			node: process.version,
			connections: options.connections,
			durationSeconds: options.duration,
			warmupSeconds: options.warmup,
			loadAverage: { before: loadBefore, after: loadAfter },
			requestsPerSecond: soak.requests.average,
			requests: soak.requests.total,
			latencyMs: soak.latency,
			statusCodes: { warmup: warmup.statusCodeStats, soak: soak.statusCodeStats },
			perKind,
			writes: ledger.summary(),
			memory: {
				afterWarmupMiB: memoryAfterWarmup,
				atEndMiB: memoryAtEnd,
				change: memoryChange,
				samples
			},
			serverLog: { sqliteBusyLines: busyLines, errorLines },
			checks
		},
		null,
		2
	) + '\n'
);
console.log(`\nResults written to ${jsonPath}.`);

const passed = checks.every((c) => c.passed);
if (options.keep || !passed) console.log(`The database and the server's log are in ${dir}.`);
else rmSync(dir, { recursive: true, force: true });
process.exit(passed ? 0 : 1);
