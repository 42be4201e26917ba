import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	openPage,
	readRevisions,
	readTargets,
	signIn,
	slotsFor,
	slotWrite,
	startAppServer
} from '../../scripts/acknowledged-writes';

// Running it as a service: a health check a monitor can use, and a stop (SIGTERM, as systemd
// sends) that finishes what is under way and leaves the database whole in its one file.

let dir: string;
test.beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'imroc-operations-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('/healthz says 200 or 503 and nothing else', async () => {
	const databasePath = join(dir, 'health.sqlite');
	const server = await startAppServer({ databasePath, env: { IMROC_DEMO: '0' } });
	try {
		const healthy = await fetch(`${server.baseURL}/healthz`);
		expect(healthy.status).toBe(200);
		expect(await healthy.text()).toBe('OK');
		expect(healthy.headers.get('content-type')).toBe('text/plain; charset=utf-8');
		expect(healthy.headers.get('cache-control')).toBe('no-store');

		// A database behind this build's schema (as if a migration had not run) is not healthy.
		const db = new Database(databasePath);
		db.prepare(
			'delete from __drizzle_migrations where created_at = (select max(created_at) from __drizzle_migrations)'
		).run();
		const behind = await fetch(`${server.baseURL}/healthz`);
		expect(behind.status).toBe(503);
		expect(await behind.text()).toBe('Unavailable');
		db.close();
	} finally {
		server.child.kill('SIGTERM');
		await server.exited;
	}
});

/** Starts a form post and sends all but the last byte of its body: the request is under way. */
function startPost(baseURL: string, path: string, cookie: string, form: Record<string, string>) {
	const body = Buffer.from(new URLSearchParams(form).toString());
	const request = http.request(baseURL + path, {
		method: 'POST',
		headers: {
			origin: baseURL,
			cookie,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded',
			'content-length': body.length
		}
	});
	const answered = new Promise<{ status: number; location: string }>((resolve, reject) => {
		request.on('response', (response) => {
			response.resume();
			response.on('end', () =>
				resolve({ status: response.statusCode!, location: response.headers.location ?? '' })
			);
		});
		request.on('error', reject);
	});
	request.write(body.subarray(0, body.length - 1));
	request.flushHeaders();
	return { finish: () => request.end(body.subarray(body.length - 1)), answered };
}

test('SIGTERM: no new requests, the save under way finishes, the log is written back, exit code 0', async () => {
	const databasePath = join(dir, 'stop.sqlite');
	const server = await startAppServer({ databasePath });
	const targets = readTargets(databasePath);
	const slots = slotsFor(targets, []);
	readRevisions(databasePath, slots);
	const slot = slots[0];
	const cookie = await signIn(server.baseURL, slot.person);
	expect(await openPage(server.baseURL, slot.assessment.path, cookie)).toBe(200);
	const write = slotWrite('Shutdown', slot, 1);

	const underWay = startPost(server.baseURL, write.path, cookie, write.form);
	await new Promise((r) => setTimeout(r, 300)); // the server has read all but the last byte
	server.child.kill('SIGTERM');
	await new Promise((r) => setTimeout(r, 300));

	// A new connection is refused: the server has stopped listening.
	await expect(fetch(`${server.baseURL}/healthz`)).rejects.toThrow();
	expect(server.child.exitCode, 'still running while a request is under way').toBeNull();

	underWay.finish();
	const answer = await underWay.answered;
	expect(write.succeeded(answer), `answered ${answer.status} ${answer.location}`).toBe(true);
	expect(await server.exited).toBe(0);

	// Closed cleanly: the write-ahead log is empty or gone, and the file alone holds the save.
	const wal = `${databasePath}-wal`;
	expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
	const db = new Database(databasePath, { readonly: true });
	try {
		const evidence = db
			.prepare('select evidence from agreed_score where assessment_id = ? and challenge_id = ?')
			.pluck()
			.get(slot.assessment.id, slot.challengeId);
		expect(evidence).toBe(write.form[`evidence-${slot.challengeId}`]);
		expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
	} finally {
		db.close();
	}
});

/** A GET read raw: its status, Content-Encoding and body bytes as sent. */
function rawGet(url: string, headers: Record<string, string>) {
	return new Promise<{ status: number; encoding: string | undefined; body: Buffer }>(
		(resolve, reject) => {
			http
				.get(url, { headers }, (response) => {
					const chunks: Buffer[] = [];
					response.on('data', (chunk: Buffer) => chunks.push(chunk));
					response.on('end', () =>
						resolve({
							status: response.statusCode!,
							encoding: response.headers['content-encoding'],
							body: Buffer.concat(chunks)
						})
					);
				})
				.on('error', reject);
		}
	);
}

test('a dashboard is compressed as the browser asks, the same page whether kept or not', async () => {
	const databasePath = join(dir, 'compressed.sqlite');
	const server = await startAppServer({ databasePath });
	try {
		const { organisationId } = readTargets(databasePath);
		const cookie = await signIn(server.baseURL, 'orgadmin');
		const url = `${server.baseURL}/organisations/${organisationId}/dashboard`;
		const pages: string[] = [];
		for (const [asked, expected] of [
			['gzip, deflate, br', 'br'],
			['gzip, deflate, br', 'br'],
			['gzip', 'gzip'],
			['br;q=0, gzip', 'gzip'],
			['identity', undefined]
		] as const) {
			const answer = await rawGet(url, { cookie, 'accept-encoding': asked });
			expect(answer.status).toBe(200);
			expect(answer.encoding, asked).toBe(expected);
			pages.push(
				(expected === 'br'
					? brotliDecompressSync(answer.body)
					: expected === 'gzip'
						? gunzipSync(answer.body)
						: answer.body
				).toString()
			);
		}
		expect(pages[0]).toContain('Organisation dashboard');
		for (const page of pages) expect(page).toBe(pages[0]);
	} finally {
		server.child.kill('SIGTERM');
		await server.exited;
	}
});
