// Whole pages through the production server, as people get them: the built app (scripts/serve.js)
// on loopback over a copy of the large dataset, driven by autocannon with a browser's
// Accept-Encoding, at 1 and at 20 connections. Each page's requests per second and p50/p95/p99
// latency are shown beside the trivial page's throughput and the time its SQL took in the server
// (Server-Timing, which the server sends only with SERVER_TIMING=1).
//
// Targets (issue 17): the organisation dashboard at 20 connections at least a quarter of the
// trivial page's throughput with p99 under 100 ms; the cross-site view and a service dashboard at
// least a third; the first answer within 2 s of starting.
import autocannon from 'autocannon';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSession } from '$lib/server/auth/session';
import { sessionLimits } from '$lib/server/config';
import { openDatabase } from '$lib/server/db/client';
import { agreedScoreField } from '$lib/forms/field-names';
import { EMPTY_SCORE, scoreFingerprint, type ScoreValues } from '$lib/domain/score-fingerprint';
import { startBenchServer, type BenchServer } from './bench-server';

const CONNECTIONS = [1, 20] as const;
const TARGET_FIRST_ANSWER_MS = 2000;
const TARGET_DASHBOARD_SHARE = 1 / 4;
const TARGET_OTHER_SHARE = 1 / 3;
const TARGET_DASHBOARD_P99_MS = 100;
/** What Chromium sends, so responses are compressed as people's browsers get them. */
const BROWSER_ENCODINGS = 'gzip, deflate, br, zstd';

/** The large seed's first organisation, its open round and its people (src/lib/server/demo/large.ts). */
const ORGANISATION = 'lg-o0001';
const OPEN_ROUND = 'lg-r000020';
const SERVICE = 'lg-s000001';
/** An assessment of the open round (the first service's). */
const ASSESSMENT = 'lg-a00000951';
/**
 * How many of the open round's assessments in progress with nothing saved take the saves: ten
 * scores each, enough for every connection's save and for those cut off when a run ends (whose
 * revision is then unknown, so they are not used again).
 */
const ASSESSMENTS_TO_SAVE = 10;
const ORGANISATION_ADMIN = 'lg-u-orgadmin';
const FACILITATOR = 'lg-u-facilitator';

interface Page {
	name: string;
	path: string;
	/** Whose session the requests carry; none for the trivial page. */
	as: 'organisationAdmin' | 'facilitator' | null;
	save?: true;
}

const assessmentPath = (id: string) =>
	`/organisations/${ORGANISATION}/rounds/${OPEN_ROUND}/assessments/${id}`;

const PAGES: Page[] = [
	{ name: 'Sign-in page (trivial)', path: '/sign-in', as: null },
	{
		name: "An organisation's page",
		path: `/organisations/${ORGANISATION}`,
		as: 'organisationAdmin'
	},
	{
		name: 'Organisation dashboard',
		path: `/organisations/${ORGANISATION}/dashboard`,
		as: 'organisationAdmin'
	},
	{ name: 'Cross-site view', path: '/sites', as: 'facilitator' },
	{
		name: 'Service dashboard',
		path: `/organisations/${ORGANISATION}/services/${SERVICE}/dashboard`,
		as: 'organisationAdmin'
	},
	{ name: 'Assessment page', path: assessmentPath(ASSESSMENT), as: 'organisationAdmin' },
	{
		name: 'Saving an agreed score',
		// Each request's own address is set by agreedScoreSaves.
		path: `${assessmentPath(ASSESSMENT)}?/save`,
		as: 'organisationAdmin',
		save: true
	}
];

interface Measured {
	page: string;
	connections: number;
	requestsPerSecond: number;
	latencyMs: { p50: number; p95: number; p99: number };
	/** Its throughput over the trivial page's at the same connections. */
	shareOfTrivial: number;
	/** Bytes of a response as sent (compressed when the page is). */
	bytesPerResponse: number;
	/** Responses other than the one expected (200, or 303 for a save). */
	unexpected: number;
	/**
	 * The server's own SQL time for one request (Server-Timing): the first, when nothing was kept
	 * for the page yet, and the median after.
	 */
	sqlMs: { first: number; kept: number } | null;
}

/** Nearest-rank percentile. */
function percentile(values: readonly number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

/**
 * Saves that each start from the revision the last save of the same score left, so that none is
 * refused as a conflict: a save takes a score nobody else is saving, and hands it back after.
 */
interface Slot {
	assessmentId: string;
	challengeId: string;
	revision: number;
	saved: ScoreValues;
}
/** autocannon's per-request context: which score a save took, and what it posted. */
type SaveContext = { slot?: Slot; values?: ScoreValues };

function agreedScoreSaves(assessmentIds: string[], challengeIds: string[]) {
	const free: Slot[] = assessmentIds.flatMap((assessmentId) =>
		challengeIds.map((challengeId) => ({
			assessmentId,
			challengeId,
			revision: 0,
			saved: EMPTY_SCORE
		}))
	);
	let counter = 0;
	const body = (slot: Slot, values: ScoreValues) => {
		const form = new URLSearchParams();
		for (const challengeId of challengeIds) {
			const mine = challengeId === slot.challengeId;
			const shown = mine ? slot.saved : EMPTY_SCORE;
			const posted = mine ? values : EMPTY_SCORE;
			form.set(agreedScoreField.level(challengeId), posted.level?.toString() ?? '');
			form.set(agreedScoreField.evidence(challengeId), posted.evidence);
			form.set(agreedScoreField.rationale(challengeId), posted.rationale);
			form.set(agreedScoreField.nextStep(challengeId), posted.nextStep);
			form.set(agreedScoreField.revision(challengeId), String(mine ? slot.revision : 0));
			form.set(agreedScoreField.original(challengeId), scoreFingerprint(shown));
		}
		form.set(agreedScoreField.backTo, slot.challengeId);
		return form.toString();
	};
	return {
		setupRequest(request: autocannon.Request, context: SaveContext): autocannon.Request {
			// autocannon builds a request again, with the same context, when it reconnects.
			const slot = context.slot ?? free.shift();
			if (!slot) throw new Error('more saves at once than scores to save');
			counter++;
			const values: ScoreValues = {
				level: (counter % 4) + 1,
				evidence: `Benchmark evidence ${counter}`,
				rationale: 'Benchmark',
				evidenceSources: [],
				nextStep: ''
			};
			context.slot = slot;
			context.values = values;
			return {
				...request,
				path: `${assessmentPath(slot.assessmentId)}?/save`,
				body: body(slot, values)
			};
		},
		onResponse(status: number, _body: string, context: SaveContext) {
			const { slot, values } = context as Required<SaveContext>;
			if (status === 303) {
				slot.revision++;
				slot.saved = values;
			}
			free.push(slot);
		}
	};
}

async function measure(
	server: BenchServer,
	page: Page,
	connections: number,
	cookies: Record<NonNullable<Page['as']>, string>,
	saves: ReturnType<typeof agreedScoreSaves>,
	seconds: number
): Promise<Omit<Measured, 'shareOfTrivial' | 'sqlMs'>> {
	const headers: Record<string, string> = {
		accept: 'text/html',
		'accept-encoding': BROWSER_ENCODINGS
	};
	if (page.as) headers.cookie = cookies[page.as];
	const expected = page.save ? 303 : 200;
	const request: autocannon.Request = page.save
		? {
				method: 'POST',
				path: page.path,
				headers: {
					...headers,
					origin: server.baseURL,
					'content-type': 'application/x-www-form-urlencoded'
				},
				setupRequest: saves.setupRequest,
				onResponse: saves.onResponse
			}
		: { method: 'GET', path: page.path, headers };
	const run = (duration: number, record: boolean) =>
		new Promise<{ latencies: number[]; unexpected: number; bytes: number; s: number }>(
			(resolve, reject) => {
				const latencies: number[] = [];
				let unexpected = 0;
				let bytes = 0;
				const started = performance.now();
				const instance = autocannon(
					{ url: server.baseURL, connections, duration, requests: [request] },
					(error) => {
						if (error) reject(error);
						else resolve({ latencies, unexpected, bytes, s: (performance.now() - started) / 1000 });
					}
				);
				instance.on('response', (_client, status, responseBytes, responseTime) => {
					if (!record) return;
					latencies.push(responseTime);
					bytes += responseBytes;
					if (status !== expected) unexpected++;
				});
			}
		);
	await run(1, false);
	const { latencies, unexpected, bytes, s } = await run(seconds, true);
	return {
		page: page.name,
		connections,
		requestsPerSecond: latencies.length / s,
		latencyMs: {
			p50: percentile(latencies, 50),
			p95: percentile(latencies, 95),
			p99: percentile(latencies, 99)
		},
		bytesPerResponse: latencies.length ? bytes / latencies.length : 0,
		unexpected
	};
}

/** The time one request spent in SQLite statements in the server, from its Server-Timing. */
async function sqlOfOneRequest(server: BenchServer, page: Page, cookie: string | null) {
	const response = await fetch(server.baseURL + page.path, { headers: cookie ? { cookie } : {} });
	await response.arrayBuffer();
	const sql = /(?:^|,)\s*sql;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '');
	if (!sql) throw new Error('no Server-Timing: the server was not started with SERVER_TIMING=1');
	return Number(sql[1]);
}

/**
 * A page's SQL time: its first request's, when nothing is kept for it, and the median of twenty
 * after that, as the benchmark's requests find it.
 */
async function sqlTimes(server: BenchServer, page: Page, cookie: string | null) {
	if (page.save) return null;
	const first = await sqlOfOneRequest(server, page, cookie);
	const times: number[] = [];
	for (let i = 0; i < 20; i++) times.push(await sqlOfOneRequest(server, page, cookie));
	return { first, kept: percentile(times, 50) };
}

export interface PagesReport {
	firstAnswerMs: number;
	seconds: number;
	results: Measured[];
	missed: string[];
}

/** Runs the page benchmark over a copy of `databasePath` (the copy takes the saves and sessions). */
export async function benchPages(databasePath: string, seconds: number): Promise<PagesReport> {
	const dir = mkdtempSync(join(tmpdir(), 'imroc-bench-pages-'));
	const copy = join(dir, 'pages.sqlite');
	copyFileSync(databasePath, copy);
	const db = openDatabase(copy);
	// Administrators must use two-step sign-in before anything else; the session made here stands
	// for one that passed it, so the administrator is marked as having set it up.
	db.$client
		.prepare(
			'insert or ignore into totp_credential (user_id, encrypted_secret, created_at, confirmed_at) values (?, ?, ?, ?)'
		)
		.run(ORGANISATION_ADMIN, Buffer.alloc(16), Date.now(), Date.now());
	const cookie = (userId: string) =>
		`imroc_session=${createSession(db, userId, sessionLimits()).token}`;
	const cookies = {
		organisationAdmin: cookie(ORGANISATION_ADMIN),
		facilitator: cookie(FACILITATOR)
	};
	const frameworkId = db.$client
		.prepare('select framework_id from round where id = ?')
		.pluck()
		.get(OPEN_ROUND) as string;
	const challengeIds = db.$client
		.prepare('select id from challenge where framework_id = ? order by position')
		.pluck()
		.all(frameworkId) as string[];
	const assessmentIds = db.$client
		.prepare(
			`select id from assessment a where round_id = ? and status = 'in_progress'
			and not exists (select 1 from agreed_score s where s.assessment_id = a.id) order by id limit ?`
		)
		.pluck()
		.all(OPEN_ROUND, ASSESSMENTS_TO_SAVE) as string[];
	if (assessmentIds.length < ASSESSMENTS_TO_SAVE)
		throw new Error(`the open round ${OPEN_ROUND} has too few assessments with nothing saved`);
	const saves = agreedScoreSaves(assessmentIds, challengeIds);
	db.$client.close();

	// What `npm start` runs, timed from the process's start to its first answer. The first start
	// builds the app if the build is older than the sources; the second is the one timed.
	await (await startBenchServer(copy, { script: 'scripts/start.js' })).stop();
	const started = await startBenchServer(copy, { script: 'scripts/start.js' });
	const firstAnswerMs = started.startedInMs;
	await started.stop();

	const server = await startBenchServer(copy, { env: { SERVER_TIMING: '1' } });
	const results: Measured[] = [];
	try {
		for (const connections of CONNECTIONS) {
			let trivial = 0;
			for (const page of PAGES) {
				process.stdout.write(`  ${page.name}, ${connections} connection(s)…\n`);
				const sqlMs =
					connections === 1 ? await sqlTimes(server, page, page.as && cookies[page.as]) : null;
				const measured = await measure(server, page, connections, cookies, saves, seconds);
				if (!page.as) trivial = measured.requestsPerSecond;
				results.push({ ...measured, shareOfTrivial: measured.requestsPerSecond / trivial, sqlMs });
			}
		}
	} finally {
		await server.stop();
		rmSync(dir, { recursive: true, force: true });
	}

	const missed: string[] = [];
	if (!(firstAnswerMs < TARGET_FIRST_ANSWER_MS))
		missed.push(`first answer after ${Math.round(firstAnswerMs)} ms, not under 2 s`);
	for (const r of results) {
		if (r.unexpected > 0) missed.push(`${r.page}: ${r.unexpected} unexpected answers`);
		if (r.connections !== 20) continue;
		const share = r.page === 'Organisation dashboard' ? TARGET_DASHBOARD_SHARE : TARGET_OTHER_SHARE;
		const targeted = ['Organisation dashboard', 'Cross-site view', 'Service dashboard'];
		if (targeted.includes(r.page) && !(r.shareOfTrivial >= share))
			missed.push(
				`${r.page}: ${(r.shareOfTrivial * 100).toFixed(0)}% of the trivial page's throughput, under ${(share * 100).toFixed(0)}%`
			);
		if (r.page === 'Organisation dashboard' && !(r.latencyMs.p99 < TARGET_DASHBOARD_P99_MS))
			missed.push(`${r.page}: p99 ${r.latencyMs.p99} ms, not under ${TARGET_DASHBOARD_P99_MS} ms`);
	}
	return { firstAnswerMs, seconds, results, missed };
}

export function printPagesReport(report: PagesReport): void {
	const head = [
		'Page',
		'Conns',
		'Req/s',
		'Of trivial',
		'p50',
		'p95',
		'p99',
		'SQL first',
		'SQL kept',
		'KB sent',
		'Unexpected'
	];
	const rows = report.results.map((r) => [
		r.page,
		String(r.connections),
		r.requestsPerSecond.toFixed(0),
		`${(r.shareOfTrivial * 100).toFixed(0)}%`,
		`${r.latencyMs.p50.toFixed(1)} ms`,
		`${r.latencyMs.p95.toFixed(1)} ms`,
		`${r.latencyMs.p99.toFixed(1)} ms`,
		r.sqlMs === null ? '—' : `${r.sqlMs.first.toFixed(1)} ms`,
		r.sqlMs === null ? '—' : `${r.sqlMs.kept.toFixed(1)} ms`,
		(r.bytesPerResponse / 1024).toFixed(1),
		String(r.unexpected)
	]);
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
	const line = (cells: string[]) =>
		cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
	console.log(line(head));
	console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
	for (const row of rows) console.log(line(row));
	console.log(
		`\nFirst answer ${Math.round(report.firstAnswerMs)} ms after \`npm start\` (scripts/start.js) began (target under 2 s).`
	);
	console.log(
		`Each row: ${report.seconds} s measured after 1 s of warm-up. "Of trivial" is the page's throughput over the sign-in page's at the same connections; SQL is the time one request spent in SQLite statements in the server (Server-Timing), one request at a time: "first" when nothing was kept for the page yet, "kept" the median of 20 after it. A dash: not measured (a save's SQL is its write).`
	);
}
