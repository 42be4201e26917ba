import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server';

// `npm start` as an operator runs it: scripts/start.js, on a fresh database.

let dir: string;
test.beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'imroc-start-'));
});
test.afterEach(() => {
	rmSync(dir, { recursive: true, force: true });
});

function start(port: number) {
	const child = spawn(process.execPath, ['scripts/start.js'], {
		env: {
			...process.env,
			DATABASE_PATH: join(dir, 'imroc.sqlite'),
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: `http://127.0.0.1:${port}`,
			// As `npm start` runs it (and not as whatever npm script runs these tests).
			npm_lifecycle_event: 'start'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const output = { stdout: '', stderr: '' };
	child.stdout.on('data', (chunk) => (output.stdout += chunk));
	child.stderr.on('data', (chunk) => (output.stderr += chunk));
	const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
	return { child, output, exited };
}

test('a busy port stops the start with one plain line and code 1, before any setup link', async () => {
	const port = await freePort();
	const holder: Server = createServer();
	await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
	try {
		const { output, exited } = start(port);
		expect(await exited).toBe(1);

		expect(output.stderr.trim()).toBe(
			`Port ${port} is already in use: another program, perhaps another copy of this app, is listening on it. Stop it, or set PORT to another, e.g. PORT=${port + 1} npm start`
		);
		expect(output.stdout).not.toContain('/setup/');
		expect(output.stdout).not.toContain('Open the app at');
		// The app itself never started: it would have created its database.
		expect(existsSync(join(dir, 'imroc.sqlite'))).toBe(false);
	} finally {
		await new Promise((resolve) => holder.close(resolve));
	}
});

test('the start says which address to open, then the setup link, and SIGTERM stops it', async () => {
	const port = await freePort();
	const { child, output, exited } = start(port);
	await expect.poll(() => output.stdout, { timeout: 30_000 }).toContain('/setup/');

	const origin = `http://127.0.0.1:${port}`;
	const address = output.stdout.indexOf(`Open the app at:\n\n  ${origin}\n`);
	expect(address).toBeGreaterThan(-1);
	expect(output.stdout.indexOf(`${origin}/setup/`)).toBeGreaterThan(address);
	expect((await fetch(`${origin}/sign-in`)).status).toBe(200);

	child.kill('SIGTERM');
	expect(await exited).toBe(0);
	expect(output.stderr).toBe('');
});
