// The server's log: one JSON object a line on stdout (pino), for a log shipper to collect. Each
// line has time, level and msg; a line written while a request is answered also has that request's
// id, the signed-in person's user id and the client's address, whichever module writes it.
//
// The messages an operator must read at the console (where to open the app, the first-run link,
// the demo accounts) are not log lines: they are printed as plain text (see ../startup.ts and
// scripts/serve.js).

import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type DestinationStream, type Logger } from 'pino';

export interface RequestLogContext {
	requestId: string;
	userId: string | null;
	clientAddress: string | null;
}

const requests = new AsyncLocalStorage<RequestLogContext>();

// Routes whose address carries a secret: the one-time first-run link, a password reset link and
// an invitation. Anything after them in a path is replaced wherever it appears in a line (a path
// field, an error message, a URL), so no field can leak a usable link.
const SECRET_PATH = /(\/(?:setup|reset-password|invitations)\/)[^/?#\s"'\\]+/g;

export const REDACTED = '[redacted]';

/** The text with every link token in it replaced. */
export function redactSecrets(text: string): string {
	return text.replace(SECRET_PATH, `$1${REDACTED}`);
}

/** A logger writing to `destination` (stdout when none is given), at LOG_LEVEL (default info). */
export function createLogger(destination?: DestinationStream): Logger {
	return pino(
		{
			level: process.env.LOG_LEVEL || 'info',
			// pid and hostname say nothing the process manager does not already know.
			base: undefined,
			timestamp: pino.stdTimeFunctions.isoTime,
			formatters: { level: (label) => ({ level: label }) },
			mixin() {
				const request = requests.getStore();
				return request ? { ...request } : {};
			},
			redact: {
				paths: ['password', '*.password', 'token', '*.token', 'cookie', '*.cookie'],
				censor: REDACTED
			},
			hooks: { streamWrite: redactSecrets }
		},
		destination
	);
}

let current: Logger | undefined;

/** The server's logger. */
export function log(): Logger {
	return (current ??= createLogger());
}

/** Makes `logger` the server's logger (tests capture lines this way); returns the one it replaced. */
export function replaceLogger(logger: Logger): Logger {
	const previous = log();
	current = logger;
	return previous;
}

/** Runs `answer` with every line logged meanwhile carrying the request's fields. */
export function withRequestContext<T>(context: RequestLogContext, answer: () => T): T {
	return requests.run(context, answer);
}

/** Says who is signed in, once the session is known, for the rest of the request's lines. */
export function setRequestUser(userId: string | null): void {
	const request = requests.getStore();
	if (request) request.userId = userId;
}
