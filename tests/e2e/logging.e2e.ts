import { expect, test } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import { createFirstAdministrator } from './helpers';

// What the server writes while people use it: JSON lines with the request's id, the person and
// their address; no link token in any of them; an expected refusal in one line, without a stack.

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer();
});
test.afterAll(async () => {
	await server?.stop();
});

/**
 * The server's log lines (the plain startup messages for the operator are not among them). The
 * log comes through a pipe that this process may read after the answer the line is about, so a
 * last line not yet whole is left for later.
 */
function logLines(): Record<string, unknown>[] {
	const whole = server.output().split('\n').slice(0, -1);
	return whole.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
}

test('log lines are JSON with the request id, person and address, and carry no link token', async ({
	page,
	request
}) => {
	const setupToken = server.setupUrl!.split('/setup/')[1];
	await createFirstAdministrator(page, server.setupUrl!);
	await page.goto(`${server.baseURL}/organisations`);
	const invitationToken = 'invitationtoken0123456789abcdef';
	const resetToken = 'resettoken0123456789abcdefghij';
	// Links that are not (or no longer) valid are answered all the same, and logged.
	await request.get(`${server.baseURL}/invitations/${invitationToken}`);
	await request.get(`${server.baseURL}/reset-password/${resetToken}`);
	// On a busy machine the pipe can bring the last line after the answer.
	await expect
		.poll(() => logLines().some((line) => line.path === '/reset-password/[redacted]'))
		.toBe(true);

	const lines = logLines();
	expect(lines.length).toBeGreaterThan(5);
	for (const line of lines) {
		expect(new Date(line.time as string).toISOString()).toBe(line.time);
		expect(['info', 'warn', 'error']).toContain(line.level);
		expect(line.requestId).toMatch(/^[a-z0-9]{24}$/);
		expect(line.clientAddress).toBe('127.0.0.1');
	}
	const json = lines.map((line) => JSON.stringify(line)).join('\n');
	for (const token of [setupToken, invitationToken, resetToken]) expect(json).not.toContain(token);
	expect(json).toContain('"path":"/setup/[redacted]"');
	expect(json).toContain('"path":"/invitations/[redacted]"');
	expect(json).toContain('"path":"/reset-password/[redacted]"');
	// Once the administrator is signed in, their lines say who they are.
	const organisations = lines.filter((l) => l.path === '/organisations' && l.method === 'GET');
	expect(organisations.at(-1)?.userId).toMatch(/^[a-z0-9]{24}$/);
});

test('an expected refusal is one line without a stack, and its page shows the X-Request-Id', async ({
	page
}) => {
	// A form post to a page that has no forms: SvelteKit refuses it with a 405.
	const answer = await page.request.post(`${server.baseURL}/accessibility`, {
		headers: { origin: server.baseURL, accept: 'text/html' },
		form: { anything: '1' }
	});
	expect(answer.status()).toBe(405);
	const requestId = answer.headers()['x-request-id'];
	expect(requestId).toMatch(/^[a-z0-9]{24}$/);
	await page.setContent(await answer.text());
	await expect(page.getByText('give them this reference')).toContainText(requestId);

	await expect
		.poll(() => logLines().some((line) => line.requestId === requestId && line.msg === 'request'))
		.toBe(true);
	const mine = logLines().filter((line) => line.requestId === requestId);
	const refusal = mine.filter((line) => line.level === 'warn');
	expect(refusal).toHaveLength(1);
	expect(refusal[0]).toMatchObject({ status: 405, path: '/accessibility' });
	expect(JSON.stringify(mine)).not.toMatch(/stack|\n\s+at /);
	expect(mine.filter((line) => line.msg === 'request')).toEqual([
		expect.objectContaining({ status: 405, method: 'POST' })
	]);
});
