// Past audits from a spreadsheet at the largest size accepted: a 20,000-row file (100 services ×
// 10 challenges × 20 rounds, with evidence, reasons and next steps) as .xlsx and as CSV, previewed
// and then imported into a fresh temporary database whose organisation already has the 100
// services. Targets: preview under 2 s, import under 5 s, peak memory under 300 MB.
//
// Each file is previewed and imported in a child process of its own, on its own copy of the
// database, so that the peak resident set size it reports (the operating system's maxRSS for
// that process) is the preview's and the import's, not this process's while it wrote the files.
// The child runs this file bundled by esbuild under plain Node, as the built server runs the app:
// under tsx its loader thread and compiled modules would add some 45 MB that production never has.
//
// Usage: npm run bench -- --import [--json]   (also part of the default `npm run bench`, whose
//        JSON then holds these results as pastAuditsImport)
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { printTable } from './cli-options';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import writeExcelFile, { type Cell } from 'write-excel-file/node';
import { csvRow } from '$lib/format/csv';
import { EVIDENCE_SOURCES } from '$lib/domain/evidence';
import type { Person } from '$lib/server/access/policy';
import { openDatabase } from '$lib/server/db/client';
import { frameworks, users } from '$lib/server/db/schema';
import { loadBuiltInPacks } from '$lib/server/frameworks/loader';
import { newId } from '$lib/server/ids';
import { importPastAudits, previewPastAudits } from '$lib/server/import/past-audits';
import { createOrganisation } from '$lib/server/organisations';
import { createService } from '$lib/server/services';
import { personFor } from '$lib/server/users';
import builtInImroc from '$lib/server/frameworks/packs/imroc-2010.json';

const SERVICES = 100;
const ROUNDS = 20;
const CHALLENGES = builtInImroc.challenges.length;
const TARGETS = { previewMs: 2000, importMs: 5000, peakRssMb: 300 };
const CHILD_FLAG = '--import-child';

const HEADINGS = [
	'Round title',
	'Round start',
	'Round end',
	'Service',
	'Directorate',
	'Type of service',
	'Challenge',
	'Agreed level',
	'Evidence',
	'Why this level',
	'Next step',
	'Evidence sources',
	'Priority rank'
];
const DIRECTORATES = ['North', 'South', 'East', 'West', 'Specialist services'];
const TYPES = ['Community mental health team', 'Acute inpatient ward', 'Rehabilitation'];
const FINDINGS = [
	'Care plans seen at the audit were written with the person and in their own words',
	'Peer support workers are in post and take part in the weekly team meeting',
	'Staff described the recovery approach, though not every record showed it yet',
	'People using the service said they were asked what mattered to them',
	'Carers said they were kept informed and invited to the review meetings'
];
const NEXT_STEPS = [
	'Review five care plans each month with a peer worker',
	'Offer the recovery college course to the whole team',
	'Ask people using the service to help write the new leaflet',
	'Add a question on personal goals to the first appointment'
];

/** A small deterministic generator, so every run benchmarks the same file. */
function random(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state * 1_664_525 + 1_013_904_223) >>> 0;
		return state / 2 ** 32;
	};
}

const serviceName = (i: number) => `Service ${String(i + 1).padStart(3, '0')} team`;

interface AuditRow {
	title: string;
	start: Date;
	end: Date;
	service: string;
	directorate: string;
	type: string;
	challenge: number;
	level: number;
	evidence: string;
	rationale: string;
	nextStep: string;
	sources: string;
	priority: number | null;
}

/** 100 services × 10 challenges × 20 rounds, one quarter apart from January 2020. */
export function auditRows(): AuditRow[] {
	const next = random(20_251_202);
	const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
	const rows: AuditRow[] = [];
	for (let r = 0; r < ROUNDS; r++) {
		const start = new Date(Date.UTC(2020, r * 3, 1));
		const end = new Date(Date.UTC(2020, r * 3 + 3, 0));
		const title = `Recovery audit ${start.getUTCFullYear()} quarter ${(r % 4) + 1}`;
		for (let s = 0; s < SERVICES; s++)
			for (let c = 1; c <= CHALLENGES; c++) {
				const level = 1 + Math.floor(next() * 4);
				rows.push({
					title,
					start,
					end,
					service: serviceName(s),
					directorate: DIRECTORATES[s % DIRECTORATES.length],
					type: TYPES[s % TYPES.length],
					challenge: c,
					level,
					evidence: `${pick(FINDINGS)}; ${pick(FINDINGS).toLowerCase()}.`,
					rationale: `Level ${level}: the team agreed this at its review of challenge ${c}.`,
					nextStep: `${pick(NEXT_STEPS)}.`,
					sources: `${pick(EVIDENCE_SOURCES).label}; ${pick(EVIDENCE_SOURCES).label}`,
					priority: c <= 3 ? c : null
				});
			}
	}
	return rows;
}

const ukDate = (d: Date) =>
	`${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;

export async function writeXlsx(rows: AuditRow[]): Promise<Buffer> {
	const date = (value: Date): Cell => ({ value, type: Date, format: 'dd/mm/yyyy' });
	return writeExcelFile([
		{
			sheet: 'Past audits',
			data: [
				HEADINGS,
				...rows.map((r): Cell[] => [
					r.title,
					date(r.start),
					date(r.end),
					r.service,
					r.directorate,
					r.type,
					r.challenge,
					r.level,
					r.evidence,
					r.rationale,
					r.nextStep,
					r.sources,
					r.priority
				])
			]
		}
	]).toBuffer();
}

export function writeCsv(rows: AuditRow[]): string {
	return (
		'\uFEFF' +
		csvRow(HEADINGS) +
		rows
			.map((r) =>
				csvRow([
					r.title,
					ukDate(r.start),
					ukDate(r.end),
					r.service,
					r.directorate,
					r.type,
					r.challenge,
					r.level,
					r.evidence,
					r.rationale,
					r.nextStep,
					r.sources,
					r.priority
				])
			)
			.join('')
	);
}

interface Setup {
	organisationId: string;
	frameworkId: string;
	userId: string;
}

/** A fresh database file: migrations applied and the built-in packs loaded, as the tests do. */
export function seedDatabase(path: string): Setup {
	const db = openDatabase(path);
	loadBuiltInPacks(db);
	const userId = newId();
	db.insert(users)
		.values({
			id: userId,
			email: 'bench@bench.invalid',
			name: 'Bench Administrator',
			passwordHash: 'not-a-hash',
			isPlatformAdmin: true,
			createdAt: new Date()
		})
		.run();
	const admin: Person = { id: userId, isPlatformAdmin: true, memberships: [] };
	const organisationId = createOrganisation(db, admin, {
		name: 'Benchmark Trust',
		odsCode: '',
		groupingLabel: 'Directorate'
	});
	const person = personFor(db, {
		id: userId,
		email: 'bench@bench.invalid',
		name: 'Bench Administrator',
		isPlatformAdmin: true
	});
	for (let s = 0; s < SERVICES; s++) {
		const made = createService(db, person, organisationId, {
			name: serviceName(s),
			type: TYPES[s % TYPES.length] as never,
			groupingName: DIRECTORATES[s % DIRECTORATES.length]
		});
		if (!made.ok) throw new Error(made.message);
	}
	const frameworkId = db
		.select({ id: frameworks.id })
		.from(frameworks)
		.where(eq(frameworks.packKey, builtInImroc.key))
		.get()!.id;
	db.$client.pragma('wal_checkpoint(TRUNCATE)');
	db.$client.close();
	return { organisationId, frameworkId, userId };
}

interface ChildResult {
	ok: boolean;
	message?: string;
	baselineRssMb: number;
	previewMs: number;
	previewPeakRssMb: number;
	importMs: number;
	importPeakRssMb: number;
	imported: { rounds: number; assessments: number; scores: number; priorities: number } | null;
}

const mb = (kilobytes: number) => kilobytes / 1024;

/** In the child process: preview, then import, one file, timing each and reading the peak RSS. */
async function runChild(args: string[]): Promise<void> {
	const [databasePath, filePath, setupJson] = args;
	const setup = JSON.parse(setupJson) as Setup;
	const db = openDatabase(databasePath);
	const user = db.select().from(users).where(eq(users.id, setup.userId)).get()!;
	const person = personFor(db, user);
	const bytes = new Uint8Array(readFileSync(filePath));
	const input = {
		organisationId: setup.organisationId,
		frameworkId: setup.frameworkId,
		fileName: filePath.split('/').pop()!,
		bytes
	};
	const baselineRssMb = mb(process.resourceUsage().maxRSS);

	// The preview and the import are two requests in the app, so nothing of the preview is kept
	// while the import runs: only what the report needs.
	let started = performance.now();
	const previewProblem = await previewPastAudits(db, input).then((previewed) =>
		previewed.ok ? (previewed.preview.problems[0]?.message ?? null) : previewed.problem
	);
	const previewMs = performance.now() - started;
	const previewPeakRssMb = mb(process.resourceUsage().maxRSS);

	started = performance.now();
	const imported = await importPastAudits(db, person, input);
	const importMs = performance.now() - started;
	const importPeakRssMb = mb(process.resourceUsage().maxRSS);
	db.$client.close();

	const result: ChildResult = {
		ok: previewProblem === null && imported.ok,
		message: previewProblem ?? (imported.ok ? undefined : imported.message),
		baselineRssMb,
		previewMs,
		previewPeakRssMb,
		importMs,
		importPeakRssMb,
		imported: imported.ok
			? {
					rounds: imported.rounds,
					assessments: imported.assessments,
					scores: imported.scores,
					priorities: imported.priorities
				}
			: null
	};
	console.log(JSON.stringify(result));
}

export interface ImportBenchResult {
	file: string;
	sizeMb: number;
	rows: number;
	previewMs: number;
	importMs: number;
	baselineRssMb: number;
	previewPeakRssMb: number;
	peakRssMb: number;
	imported: ChildResult['imported'];
	meetsTarget: boolean;
	missed: string[];
}

/** This file as one ES module for plain Node, beside the app so its packages resolve. */
async function bundleChild(): Promise<string> {
	const outfile = '.svelte-kit/bench/bench-import.mjs';
	await build({
		entryPoints: [fileURLToPath(import.meta.url)],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		packages: 'external',
		logLevel: 'warning'
	});
	return outfile;
}

function measure(
	child: string,
	directory: string,
	seedPath: string,
	setup: Setup,
	file: string,
	rows: number
): ImportBenchResult {
	const databasePath = join(directory, `${file}.sqlite`);
	copyFileSync(seedPath, databasePath);
	const filePath = join(directory, file);
	const run = spawnSync(
		process.execPath,
		[child, CHILD_FLAG, databasePath, filePath, JSON.stringify(setup)],
		{ encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }
	);
	const last = run.stdout.trim().split('\n').pop() ?? '';
	if (run.status !== 0 || !last.startsWith('{'))
		throw new Error(`The import of ${file} failed:\n${run.stderr || run.stdout}`);
	const r = JSON.parse(last) as ChildResult;
	if (!r.ok) throw new Error(`The import of ${file} was refused: ${r.message}`);
	const missed: string[] = [];
	if (!(r.previewMs < TARGETS.previewMs))
		missed.push(`preview took ${r.previewMs.toFixed(0)} ms, not under ${TARGETS.previewMs} ms`);
	if (!(r.importMs < TARGETS.importMs))
		missed.push(`import took ${r.importMs.toFixed(0)} ms, not under ${TARGETS.importMs} ms`);
	if (!(r.importPeakRssMb < TARGETS.peakRssMb))
		missed.push(
			`peak memory was ${r.importPeakRssMb.toFixed(0)} MB, not under ${TARGETS.peakRssMb} MB`
		);
	return {
		file,
		sizeMb: readFileSync(filePath).length / 1024 / 1024,
		rows,
		previewMs: r.previewMs,
		importMs: r.importMs,
		baselineRssMb: r.baselineRssMb,
		previewPeakRssMb: r.previewPeakRssMb,
		peakRssMb: r.importPeakRssMb,
		imported: r.imported,
		meetsTarget: missed.length === 0,
		missed
	};
}

/** Runs the import benchmark and prints its table; the report is for the caller's JSON. */
export async function benchImport(): Promise<{ meetsTarget: boolean; report: object }> {
	const directory = mkdtempSync(join(tmpdir(), 'imroc-bench-import-'));
	try {
		console.log(
			`\nPast audits import: ${SERVICES} services × ${CHALLENGES} challenges × ${ROUNDS} rounds, in a fresh database at ${directory}.`
		);
		const child = await bundleChild();
		const seedPath = join(directory, 'seed.sqlite');
		const setup = seedDatabase(seedPath);
		const rows = auditRows();
		writeFileSync(join(directory, 'past-audits.xlsx'), await writeXlsx(rows));
		writeFileSync(join(directory, 'past-audits.csv'), writeCsv(rows));
		const loadBefore = loadavg()[0];
		const results: ImportBenchResult[] = [];
		for (const file of ['past-audits.xlsx', 'past-audits.csv']) {
			process.stdout.write(`Previewing and importing ${file}…\n`);
			results.push(measure(child, directory, seedPath, setup, file, rows.length));
		}
		const loadAfter = loadavg()[0];

		console.log('');
		const pass = (ok: boolean) => (ok ? 'pass' : 'FAIL');
		printTable(
			['File', 'Size', 'Rows', 'Measure', 'Result', 'Target', 'Meets target'],
			results.flatMap((r) => {
				const first = [r.file, `${r.sizeMb.toFixed(1)} MB`, r.rows.toLocaleString('en-GB')];
				const rest = ['', '', ''];
				return [
					[
						...first,
						'preview',
						`${(r.previewMs / 1000).toFixed(2)} s`,
						`< ${TARGETS.previewMs / 1000} s`,
						pass(r.previewMs < TARGETS.previewMs)
					],
					[
						...rest,
						'import',
						`${(r.importMs / 1000).toFixed(2)} s`,
						`< ${TARGETS.importMs / 1000} s`,
						pass(r.importMs < TARGETS.importMs)
					],
					[
						...rest,
						'peak memory (RSS)',
						`${r.peakRssMb.toFixed(0)} MB`,
						`< ${TARGETS.peakRssMb} MB`,
						pass(r.peakRssMb < TARGETS.peakRssMb)
					]
				];
			})
		);
		console.log(`
Preview is previewPastAudits (read the file, find its headings, read every row against the
organisation's services and rounds and the pack); import is importPastAudits (the same again, then
every round, assessment, score and priority written in one transaction). Each file runs in a
child process of its own (plain Node, the code bundled) on a copy of the database; peak memory is
that process's maxRSS over the preview and the import (Node and the app's modules alone:
${results.map((r) => `${r.baselineRssMb.toFixed(0)} MB`).join(' and ')}; after the preview: ${results.map((r) => `${r.previewPeakRssMb.toFixed(0)} MB`).join(' and ')}).
Imported per file: ${results[0].imported?.rounds} rounds, ${results[0].imported?.assessments.toLocaleString('en-GB')} assessments, ${results[0].imported?.scores.toLocaleString('en-GB')} scores, ${results[0].imported?.priorities.toLocaleString('en-GB')} priorities.
Node ${process.version}. Load average (1 minute) before and after: ${loadBefore.toFixed(2)} and ${loadAfter.toFixed(2)}.`);
		const missed = results.filter((r) => !r.meetsTarget);
		if (missed.length === 0) console.log('\nBoth files meet every target.');
		else {
			console.log('\nMissed the target:');
			for (const r of missed) console.log(`  ${r.file}: ${r.missed.join('; ')}.`);
		}
		return {
			meetsTarget: missed.length === 0,
			report: {
				benchmark: 'past-audits-import',
				node: process.version,
				dataset: { services: SERVICES, challenges: CHALLENGES, rounds: ROUNDS },
				targets: TARGETS,
				loadAverage: { before: loadBefore, after: loadAfter },
				results
			}
		};
	} finally {
		rmSync(directory, { recursive: true, force: true });
	}
}

const childAt = process.argv.indexOf(CHILD_FLAG);
if (childAt >= 0) await runChild(process.argv.slice(childAt + 1));
