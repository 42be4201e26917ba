import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server';

// The server as it starts behind a reverse proxy, or on its own: which addresses it listens on,
// and whose word it takes for each client's address (which the sign-in throttles count by).

let dir: string;
test.beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'imroc-proxy-'));
});
test.afterEach(() => {
	rmSync(dir, { recursive: true, force: true });
});

/** scripts/serve.js with these settings (and none of the proxy settings or ORIGIN unless given). */
function serve(env: Record<string, string>) {
	const base = { ...process.env };
	for (const name of [
		'HOST',
		'ADDRESS_HEADER',
		'XFF_DEPTH',
		'ADDRESS_FROM_CONNECTION',
		'PROTOCOL_HEADER',
		'HOST_HEADER',
		'ORIGIN'
	])
		delete base[name];
	const child = spawn(process.execPath, ['scripts/serve.js'], {
		env: { ...base, DATABASE_PATH: join(dir, 'imroc.sqlite'), ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const output = { stdout: '', stderr: '' };
	child.stdout.on('data', (chunk) => (output.stdout += chunk));
	child.stderr.on('data', (chunk) => (output.stderr += chunk));
	const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
	const printed = (text: string) =>
		expect.poll(() => output.stdout + output.stderr, { timeout: 30_000 }).toContain(text);
	const stop = async () => {
		if (child.exitCode === null) child.kill('SIGTERM');
		await exited;
	};
	return { output, exited, printed, stop };
}

/** Whether a TCP connection to the address is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect(port, host, () => {
			socket.destroy();
			resolve(true);
		});
		socket.on('error', () => resolve(false));
	});
}

const HTTPS = 'https://imroc.example.nhs.uk';

test('with ORIGIN on https and no ADDRESS_HEADER, the start stops with one line and code 1', async () => {
	const port = await freePort();
	const server = serve({ PORT: String(port), ORIGIN: HTTPS });
	expect(await server.exited).toBe(1);
	expect(server.output.stderr.trim().split('\n')).toEqual([
		`ORIGIN is https, so a reverse proxy passes requests on: set ADDRESS_HEADER to the header it puts each person's address in (e.g. ADDRESS_HEADER=x-forwarded-for), or ADDRESS_FROM_CONNECTION=1 if people connect to this server directly (see "Behind a reverse proxy" in the README).`
	]);
	expect(server.output.stdout).toBe('');
	expect(await accepts('127.0.0.1', port)).toBe(false);
	expect(existsSync(join(dir, 'imroc.sqlite'))).toBe(false);

	const badDepth = serve({
		PORT: String(port),
		ORIGIN: HTTPS,
		ADDRESS_HEADER: 'x-forwarded-for',
		XFF_DEPTH: '0'
	});
	expect(await badDepth.exited).toBe(1);
	expect(badDepth.output.stderr.trim()).toBe('XFF_DEPTH must be a whole number from 1, not "0".');

	// Only ORIGIN says the server is on https: headers from each request would leave the cookie
	// without Secure behind an https proxy.
	const headersOnly = serve({
		PORT: String(port),
		PROTOCOL_HEADER: 'x-forwarded-proto',
		HOST_HEADER: 'x-forwarded-host'
	});
	expect(await headersOnly.exited).toBe(1);
	expect(headersOnly.output.stderr.trim()).toBe(
		'PROTOCOL_HEADER and HOST_HEADER are set but ORIGIN is not: set ORIGIN to the public address people use, e.g. ORIGIN=https://imroc.example.nhs.uk (see "Behind a reverse proxy" in the README).'
	);
	expect(await accepts('127.0.0.1', port)).toBe(false);
});

test('behind a proxy, the start says which header is trusted for the client’s address', async () => {
	const port = await freePort();
	const server = serve({
		PORT: String(port),
		ORIGIN: HTTPS,
		ADDRESS_HEADER: 'X-Forwarded-For',
		XFF_DEPTH: '2'
	});
	try {
		await server.printed(
			'Client addresses are taken from the X-Forwarded-For header, address 2 counted from its end (XFF_DEPTH=2): only a proxy in front of this server may set it, or anyone can choose their own.'
		);
	} finally {
		await server.stop();
	}

	const direct = serve({ PORT: String(port), ORIGIN: HTTPS, ADDRESS_FROM_CONNECTION: '1' });
	try {
		await direct.printed(
			'Client addresses are taken from each connection (ADDRESS_FROM_CONNECTION=1); no header is trusted for them.'
		);
		// On https, built files (served before the app's hooks) carry HSTS as its pages do.
		await direct.printed(`Listening on 127.0.0.1, port ${port}.`);
		for (const path of ['/favicon.svg', '/sign-in']) {
			const response = await fetch(`http://127.0.0.1:${port}${path}`);
			expect(response.status, path).toBe(200);
			expect(response.headers.get('strict-transport-security'), path).toBe(
				'max-age=31536000; includeSubDomains'
			);
		}
	} finally {
		await direct.stop();
	}
});

test('without HOST the server listens on this machine only (127.0.0.1)', async () => {
	const external = Object.values(networkInterfaces())
		.flat()
		.find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
	expect(external, 'an address of this machine other than loopback, to try').toBeTruthy();
	const port = await freePort();
	const server = serve({ PORT: String(port), ORIGIN: `http://localhost:${port}` });
	try {
		await server.printed(`Listening on 127.0.0.1, port ${port}.`);
		// Nothing chose where client addresses come from, so nothing is said of it (the setup
		// link comes once the app has started, after anything the server says).
		await server.printed('/setup/');
		expect(server.output.stdout).not.toContain('Client addresses');
		expect(await accepts('127.0.0.1', port)).toBe(true);
		expect(await accepts(external!, port)).toBe(false);
	} finally {
		await server.stop();
	}

	// HOST opens it up.
	const open = serve({ PORT: String(port), HOST: '0.0.0.0', ORIGIN: `http://localhost:${port}` });
	try {
		await open.printed(`Listening on every address, port ${port}.`);
		expect(await accepts(external!, port)).toBe(true);
	} finally {
		await open.stop();
	}
});
