import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import type { RequestEvent } from '@sveltejs/kit';
import {
	createLogger,
	log,
	redactSecrets,
	replaceLogger,
	setRequestUser,
	withRequestContext
} from '$lib/server/log';
import { handleError } from '../../src/hooks.server';

/** A logger whose lines are kept, parsed, and also as written (to look for what must not be there). */
function capture() {
	const raw: string[] = [];
	const stream = new Writable({
		write(chunk, _encoding, done) {
			raw.push(...String(chunk).split('\n').filter(Boolean));
			done();
		}
	});
	const logger = createLogger(stream);
	const lines = () => raw.map((line) => JSON.parse(line) as Record<string, unknown>);
	return { logger, raw, lines };
}

let restore: (() => void) | null = null;
function captureServerLog() {
	const captured = capture();
	const previous = replaceLogger(captured.logger);
	restore = () => replaceLogger(previous);
	return captured;
}
afterEach(() => {
	restore?.();
	restore = null;
});

const context = { requestId: 'req123', userId: null, clientAddress: '203.0.113.9' };

describe('log lines', () => {
	it('are one JSON object each, with time, level, message and the request they belong to', () => {
		const { logger, raw, lines } = capture();
		withRequestContext({ ...context }, () => {
			logger.info({ path: '/organisations/abc' }, 'request');
			setRequestUser('user42');
			logger.warn('access refused');
		});
		logger.info('outside any request');
		expect(raw).toHaveLength(3);
		const [first, second, third] = lines();
		expect(first).toMatchObject({
			level: 'info',
			msg: 'request',
			requestId: 'req123',
			userId: null,
			clientAddress: '203.0.113.9',
			path: '/organisations/abc'
		});
		expect(new Date(first.time as string).toISOString()).toBe(first.time);
		expect(second).toMatchObject({ level: 'warn', requestId: 'req123', userId: 'user42' });
		expect(third).not.toHaveProperty('requestId');
		expect(third.level).toBe('info');
	});

	it('never carry a link token, in whatever field or message it appears', () => {
		const { logger, raw } = capture();
		const tokens = ['setuptoken123', 'resettoken456', 'invitetoken789'];
		logger.info({ path: `/setup/${tokens[0]}` }, 'request');
		logger.warn(
			{ referer: `http://127.0.0.1:3000/reset-password/${tokens[1]}?next=1` },
			`Not found: /invitations/${tokens[2]}`
		);
		logger.error({ err: new Error(`failed on /invitations/${tokens[2]}/accept`) }, 'fault');
		const all = raw.join('\n');
		for (const token of tokens) expect(all).not.toContain(token);
		expect(all).toContain('/setup/[redacted]');
		expect(all).toContain('/reset-password/[redacted]?next=1');
		expect(all).toContain('/invitations/[redacted]/accept');
	});

	it('cannot be forged by what a request carries: a line break stays inside its field', () => {
		const { logger, raw, lines } = capture();
		const forged = 'x\n{"level":"error","msg":"forged","requestId":"other"}';
		logger.warn({ path: forged }, forged);
		expect(raw).toHaveLength(1);
		expect(lines()[0]).toMatchObject({ path: forged, msg: forged, level: 'warn' });
	});

	it('redact only the token, not the rest of the address', () => {
		expect(redactSecrets('/organisations/x/people')).toBe('/organisations/x/people');
		expect(redactSecrets('"/invitations/abc"')).toBe('"/invitations/[redacted]"');
	});

	it('are written by the server modules to the one logger', () => {
		const { lines } = captureServerLog();
		log().info('hello');
		expect(lines()).toEqual([expect.objectContaining({ msg: 'hello', level: 'info' })]);
	});
});

function requestEvent(path: string): RequestEvent {
	return {
		locals: { requestId: 'req-err-1' },
		request: new Request(`http://localhost${path}`, { method: 'POST' }),
		url: new URL(`http://localhost${path}`)
	} as unknown as RequestEvent;
}

describe('handleError', () => {
	it('logs an expected 4xx as one line with no stack, and shows the request id', () => {
		const { raw, lines } = captureServerLog();
		const error = new Error('Could not parse the form');
		const answer = handleError({
			error,
			event: requestEvent('/invitations/secrettoken'),
			status: 400,
			message: 'Bad Request'
		});
		expect(answer).toEqual({ message: 'Bad Request', requestId: 'req-err-1' });
		expect(raw).toHaveLength(1);
		expect(raw[0]).not.toContain('secrettoken');
		expect(raw[0]).not.toMatch(/stack|\bat .*:\d+:\d+/);
		expect(lines()[0]).toMatchObject({
			level: 'warn',
			status: 400,
			reason: 'Could not parse the form'
		});
	});

	it('keeps the stack of a real fault, and shows the same id the response carries', () => {
		const { lines } = captureServerLog();
		const answer = handleError({
			error: new Error('database is locked'),
			event: requestEvent('/organisations/x'),
			status: 500,
			message: 'Internal Error'
		});
		expect(answer).toEqual({
			message: 'Sorry, there is a problem with the service',
			requestId: 'req-err-1'
		});
		const [line] = lines();
		expect(line.level).toBe('error');
		expect((line.err as { stack: string }).stack).toMatch(/database is locked\n\s+at /);
	});
});
