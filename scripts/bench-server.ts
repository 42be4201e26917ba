// What the benchmarks that drive the built app share: a build, a free loopback port, the
// production server (scripts/serve.js, as `npm start` runs it) and its memory from /proc.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export const MB = 1024 * 1024;

/** Builds the app when there is no build yet. */
export function ensureBuild(): void {
	if (existsSync('build/handler.js')) return;
	console.log('No build: building the app first…');
	const built = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
	if (built.status !== 0) throw new Error('the build failed');
}

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

/** A process's resident set and its high-water mark, in bytes, from /proc (Linux). */
export function memoryOf(pid: number): { rss: number; peak: number } {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = (name: string) =>
		Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
	return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}

export interface BenchServer {
	baseURL: string;
	pid: number;
	/** Everything the server printed so far. */
	output: () => string;
	/** Milliseconds from spawning the process to its first successful answer. */
	startedInMs: number;
	stop: () => Promise<void>;
}

/**
 * Starts the built app on loopback over `databasePath` and waits until `readyPath` answers 2xx.
 * LOG_LEVEL is warn unless `env` says otherwise: a line per request would measure the log.
 */
export async function startBenchServer(
	databasePath: string,
	{
		env = {},
		readyPath = '/sign-in',
		script = 'scripts/serve.js'
	}: {
		env?: Record<string, string>;
		readyPath?: string;
		/** scripts/start.js is what `npm start` runs; scripts/serve.js serves the build as it is. */
		script?: 'scripts/serve.js' | 'scripts/start.js';
	} = {}
): Promise<BenchServer> {
	const port = await freePort();
	const baseURL = `http://127.0.0.1:${port}`;
	let output = '';
	const spawned = performance.now();
	const child: ChildProcess = spawn(process.execPath, [script], {
		env: {
			...process.env,
			DATABASE_PATH: databasePath,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: baseURL,
			LOG_LEVEL: 'warn',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout!.on('data', (c) => (output += c));
	child.stderr!.on('data', (c) => (output += c));
	const stop = async () => {
		if (child.exitCode !== null) return;
		const exited = new Promise((r) => child.once('exit', r));
		child.kill('SIGTERM');
		await exited;
	};
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`the server stopped:\n${output}`);
		try {
			if ((await fetch(baseURL + readyPath)).ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`the server did not start:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 20));
	}
	return {
		baseURL,
		pid: child.pid!,
		output: () => output,
		startedInMs: performance.now() - spawned,
		stop
	};
}
