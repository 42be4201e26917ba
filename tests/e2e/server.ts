import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningServer {
	baseURL: string;
	/** The server's SQLite file, for tests that look up ids as an operator could. */
	databasePath: string;
	/** The one-time first-run link the server printed, if it printed one. */
	setupUrl: string | null;
	output: () => string;
	stop: () => Promise<void>;
}

/** A port nothing is listening on, so parallel runs on one machine never collide. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() =>
				typeof address === 'object' && address
					? resolve(address.port)
					: reject(new Error('no port'))
			);
		});
	});
}

/**
 * Starts the built app through the server `npm start` runs (scripts/serve.js) on a fresh temporary
 * database, as an operator would, and waits until it answers. Its log is kept so tests can read
 * what it printed.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
	const port = await freePort();
	const dir = mkdtempSync(join(tmpdir(), 'imroc-e2e-'));
	const baseURL = `http://127.0.0.1:${port}`;
	const databasePath = join(dir, 'test.sqlite');
	let log = '';
	const child: ChildProcess = spawn(process.execPath, ['scripts/serve.js'], {
		env: {
			...process.env,
			DATABASE_PATH: databasePath,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: baseURL,
			BODY_SIZE_LIMIT: '12M',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout?.on('data', (chunk) => (log += chunk));
	child.stderr?.on('data', (chunk) => (log += chunk));

	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`Server exited early:\n${log}`);
		try {
			const response = await fetch(`${baseURL}/sign-in`);
			if (response.ok && child.exitCode === null) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error(`Server did not start in 30 s:\n${log}`);
		await new Promise((r) => setTimeout(r, 200));
	}

	return {
		baseURL,
		databasePath,
		setupUrl: log.match(/https?:\/\/\S+\/setup\/[a-z0-9]+/)?.[0] ?? null,
		output: () => log,
		stop: async () => {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
