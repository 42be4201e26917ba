// The read API's scores endpoint streaming every agreed score of the large dataset as CSV, through
// the built app on loopback (scripts/serve.js, as `npm start` runs it), read to the end by a
// client with a Bearer token. Reports rows per second at the client and the server's peak memory
// (its resident set, from /proc, sampled while streaming, and the kernel's high-water mark).
// Targets: over 100,000 rows per second, server memory under 200 MB.
//
// Usage: npm run bench -- --api [--database PATH]
//   (seeds the large dataset when missing; builds the app first when there is no build)
import { resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import { createApiToken, revokeApiToken } from '$lib/server/api/tokens';
import { tokenExpiry } from '$lib/domain/api-tokens';
import { openDatabase, type Db } from '$lib/server/db/client';
import { memberships, users } from '$lib/server/db/schema';
import { LARGE_SEED_DEFAULTS, seedLarge } from '$lib/server/demo/large';
import { loadBuiltInPacks } from '$lib/server/frameworks/loader';
import { newId } from '$lib/server/ids';
import { ensureBuild, MB, memoryOf, startBenchServer } from './bench-server';

const TARGET_ROWS_PER_SECOND = 100_000;
const TARGET_PEAK_MB = 200;
const BENCH_EMAIL = 'api-bench@large.example';

/**
 * An analyst who may view every organisation, with a token. The account stays (the append-only
 * audit trail names it) and is reused by the next run; its roles go and its token is revoked.
 */
function prepareAnalyst(db: Db) {
	let userId = db
		.select({ id: users.id })
		.from(users)
		.where(eq(users.email, BENCH_EMAIL))
		.get()?.id;
	if (!userId) {
		userId = newId();
		db.insert(users)
			.values({
				id: userId,
				email: BENCH_EMAIL,
				name: 'API benchmark',
				passwordHash: '!',
				createdAt: new Date()
			})
			.run();
	}
	db.delete(memberships).where(eq(memberships.userId, userId)).run();
	const ids = db.$client.prepare('select id from organisation').pluck().all() as string[];
	for (const organisationId of ids)
		db.insert(memberships)
			.values({ id: newId(), userId, organisationId, role: 'viewer', createdAt: new Date() })
			.run();
	const { id: tokenId, token } = createApiToken(db, {
		userId,
		name: 'benchmark',
		expiresAt: tokenExpiry(1, new Date())
	});
	return { userId, tokenId, token };
}

export async function benchApi(argv: string[]): Promise<boolean> {
	const at = argv.indexOf('--database');
	const path = resolve(at >= 0 ? argv[at + 1] : 'data/large.sqlite');
	let db = openDatabase(path);
	if ((db.$client.prepare('select count(*) from organisation').pluck().get() as number) === 0) {
		console.log(`${path} has no organisations: seeding the large dataset (takes a while)…`);
		loadBuiltInPacks(db);
		seedLarge(db, LARGE_SEED_DEFAULTS);
	}
	const expected = db.$client
		.prepare('select count(*) from agreed_score where level is not null')
		.pluck()
		.get() as number;
	const analyst = prepareAnalyst(db);
	db.$client.close();

	ensureBuild();
	const server = await startBenchServer(path, { readyPath: '/api/v1/openapi.json' });
	const baseURL = server.baseURL;
	try {
		const pid = server.pid;
		const before = memoryOf(pid).rss;
		let sampled = before;
		const sampler = setInterval(() => {
			sampled = Math.max(sampled, memoryOf(pid).rss);
		}, 20);

		const started = performance.now();
		const response = await fetch(`${baseURL}/api/v1/scores?format=csv`, {
			headers: { authorization: `Bearer ${analyst.token}` }
		});
		if (response.status !== 200)
			throw new Error(`the API answered ${response.status}: ${await response.text()}`);
		const reader = response.body!.getReader();
		let lines = 0;
		let bytes = 0;
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			bytes += value.byteLength;
			for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
		}
		const seconds = (performance.now() - started) / 1000;
		clearInterval(sampler);
		const { peak } = memoryOf(pid);
		const peakMb = Math.max(peak, sampled) / MB;

		const rows = lines - 1;
		const rate = rows / seconds;
		const count = (n: number) => Math.round(n).toLocaleString('en-GB');
		console.log(`\nDatabase: ${path}`);
		console.log(
			`GET /api/v1/scores?format=csv through the built app, every agreed score (${count(expected)} in the database):`
		);
		console.log(`  rows streamed        ${count(rows)} (${(bytes / MB).toFixed(1)} MB)`);
		console.log(`  time                 ${seconds.toFixed(2)} s`);
		console.log(
			`  rows per second      ${count(rate)}  (target over ${count(TARGET_ROWS_PER_SECOND)}: ${rate > TARGET_ROWS_PER_SECOND ? 'met' : 'NOT met'})`
		);
		console.log(
			`  server peak memory   ${peakMb.toFixed(0)} MB resident (${(before / MB).toFixed(0)} MB before the call)  (target under ${TARGET_PEAK_MB} MB: ${peakMb < TARGET_PEAK_MB ? 'met' : 'NOT met'})`
		);
		const complete = rows === expected;
		if (!complete) console.log(`  MISMATCH: streamed ${rows} rows, the database has ${expected}`);
		return complete && rate > TARGET_ROWS_PER_SECOND && peakMb < TARGET_PEAK_MB;
	} finally {
		await server.stop();
		db = openDatabase(path);
		revokeApiToken(db, { tokenId: analyst.tokenId, byUserId: analyst.userId });
		db.delete(memberships).where(eq(memberships.userId, analyst.userId)).run();
		db.$client.close();
	}
}
