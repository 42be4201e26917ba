// The live rating session under load: the built app on loopback, a session started by the demo
// service lead, the facilitator's screen streaming, and 60 participants joining at once and
// rating all ten challenges at their own pace. Reports errors (the target is none) and the delay
// from each answer's response to the screen event that counts it (target: p95 under 1 s).
//
// An answer's event is the first one the screen receives after the answer's response whose count
// of answers has reached the number of answers answered so far: every answer answered by then is
// in the database, so that event counts this one too (or a later one does, which only lengthens
// the delay measured).
//
// Usage: npm run bench -- --rating-session   (builds the app first when there is no build)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ensureBuild, startBenchServer } from './bench-server';

const PARTICIPANTS = 60;
const TARGET_P95_MS = 1000;
const PERSPECTIVES = [
	'staff',
	'team_manager',
	'peer_support_worker',
	'person_using_service',
	'carer'
];

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

/** A tiny cookie jar: name=value pairs from Set-Cookie. */
class Jar {
	readonly cookies = new Map<string, string>();
	take(response: Response) {
		for (const line of response.headers.getSetCookie()) {
			const [pair] = line.split(';');
			const at = pair.indexOf('=');
			this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
		}
	}
	get header() {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
	}
}

export async function benchRatingSession(): Promise<boolean> {
	ensureBuild();
	const dir = mkdtempSync(join(tmpdir(), 'imroc-bench-'));
	const databasePath = join(dir, 'bench.sqlite');
	const server = await startBenchServer(databasePath, { env: { IMROC_DEMO: '1' } });
	try {
		return await run(server.baseURL, databasePath);
	} finally {
		await server.stop();
		rmSync(dir, { recursive: true, force: true });
	}
}

async function run(baseURL: string, databasePath: string): Promise<boolean> {
	const post = (path: string, form: Record<string, string>, jar: Jar) =>
		fetch(baseURL + path, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				origin: baseURL,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded',
				cookie: jar.header
			},
			body: new URLSearchParams(form)
		}).then(async (response) => {
			jar.take(response);
			const text = await response.text();
			return Object.assign(response, { text: () => Promise.resolve(text), body_: text });
		});

	// The lead signs in and starts a session at the participants' own pace.
	const lead = new Jar();
	const signedIn = await post(
		'/sign-in',
		{ email: 'lead@demo.example', password: 'demo-lead-2026' },
		lead
	);
	if (signedIn.status !== 303)
		throw new Error(
			`signing in answered ${signedIn.status}: ${signedIn.body_
				.replace(/<[^>]+>/g, ' ')
				.replace(/\s+/g, ' ')
				.slice(0, 600)}`
		);
	const db = new Database(databasePath, { readonly: true });
	const place = db
		.prepare(
			`SELECT r.organisation_id AS o, r.id AS r, a.id AS a, r.framework_id AS f FROM assessment a
			 JOIN round r ON r.id = a.round_id JOIN service s ON s.id = a.service_id
			 WHERE s.name = 'Ashford Community Mental Health Team' AND r.status = 'open'`
		)
		.get() as { o: string; r: string; a: string; f: string };
	const sessionPath = `/organisations/${place.o}/rounds/${place.r}/assessments/${place.a}/session`;
	const started = await post(
		`${sessionPath}?/start`,
		{ pace: 'own_pace', order: 'rate_first' },
		lead
	);
	if (started.status !== 303) throw new Error(`starting the session answered ${started.status}`);
	const code = (
		db.prepare(`SELECT join_code AS c FROM rating_session WHERE closed_at IS NULL`).get() as {
			c: string;
		}
	).c;
	const challengeIds = (
		db
			.prepare(`SELECT id FROM challenge WHERE framework_id = ? ORDER BY position`)
			.all(place.f) as { id: string }[]
	).map((c) => c.id);
	db.close();

	// The facilitator's screen.
	const events: { at: number; answers: number }[] = [];
	const stream = new AbortController();
	const screen = await fetch(`${baseURL}${sessionPath}/events`, {
		headers: { cookie: lead.header, accept: 'text/event-stream' },
		signal: stream.signal
	});
	if (screen.status !== 200 || !screen.body)
		throw new Error(`the stream answered ${screen.status}`);
	const reading = (async () => {
		const decoder = new TextDecoder();
		let buffer = '';
		try {
			for await (const chunk of screen.body as unknown as AsyncIterable<Uint8Array>) {
				buffer += decoder.decode(chunk, { stream: true });
				let end: number;
				while ((end = buffer.indexOf('\n\n')) >= 0) {
					const block = buffer.slice(0, end);
					buffer = buffer.slice(end + 2);
					const data = block.split('\n').find((l) => l.startsWith('data: '));
					if (block.includes('event: state') && data)
						events.push({ at: performance.now(), answers: JSON.parse(data.slice(6)).answers });
				}
			}
		} catch {
			// aborted at the end
		}
	})();

	// Sixty participants at once, each rating every challenge in turn.
	let errors = 0;
	const problems: string[] = [];
	let answeredSoFar = 0;
	const answered: { at: number; atLeast: number }[] = [];
	const started_ = performance.now();
	await Promise.all(
		Array.from({ length: PARTICIPANTS }, async (_, i) => {
			const jar = new Jar();
			const joined = await post(
				`/join/${code}?/join`,
				{ perspective: PERSPECTIVES[i % PERSPECTIVES.length] },
				jar
			);
			if (joined.status !== 303) {
				errors++;
				problems.push(`join ${joined.status}`);
				return;
			}
			for (const [n, challenge] of challengeIds.entries()) {
				const level = String(1 + ((i + n) % 4));
				const saved = await post(
					`/join/${code}/rate?/save`,
					{ challenge, level, comment: '', then: 'next' },
					jar
				);
				if (saved.status !== 303) {
					errors++;
					problems.push(`answer ${saved.status}`);
					continue;
				}
				answeredSoFar++;
				answered.push({ at: performance.now(), atLeast: answeredSoFar });
			}
		})
	);
	const tookMs = performance.now() - started_;
	await new Promise((r) => setTimeout(r, 1500));
	stream.abort();
	await reading;

	const delays: number[] = [];
	let unmatched = 0;
	for (const a of answered) {
		const event = events.find((e) => e.at >= a.at && e.answers >= a.atLeast);
		if (event) delays.push(event.at - a.at);
		else unmatched++;
	}
	const p50 = delays.length ? percentile(delays, 50) : NaN;
	const p95 = delays.length ? percentile(delays, 95) : NaN;
	console.log(
		`Rating session: ${PARTICIPANTS} participants × ${challengeIds.length} challenges at their own pace, one screen streaming.`
	);
	console.log(
		`Node ${process.version}, load average ${loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')}.`
	);
	console.log(`  answers saved         ${answered.length} in ${(tookMs / 1000).toFixed(1)} s`);
	console.log(`  screen events         ${events.length}`);
	console.log(
		`  errors                ${errors + unmatched}${problems.length ? ` (${[...new Set(problems)].join(', ')})` : ''}${unmatched ? ` (${unmatched} answers never reached the screen)` : ''}`
	);
	console.log(
		`  answer → screen       p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (target p95 < ${TARGET_P95_MS} ms)`
	);
	const met = errors + unmatched === 0 && p95 < TARGET_P95_MS;
	console.log(
		met ? '\nThe rating session meets the target.' : '\nThe rating session misses the target.'
	);
	return met;
}
