// The HTTP server around the built app: adapter-node's request handler (build/handler.js) in a
// server of our own, as adapter-node's documentation describes for custom servers. It exists so
// that the port is bound before the app starts: the handler's import runs the app's init hook
// (migrations, the one-time setup link), so a busy port must stop us before that, with one plain
// line instead of a link that would open another program. Requests that arrive while the app
// starts wait for it.
//
// It keeps what adapter-node 5.5's own build/index.js does with the settings it reads here: HOST,
// PORT, SOCKET_PATH, KEEP_ALIVE_TIMEOUT, HEADERS_TIMEOUT, SHUTDOWN_TIMEOUT, and IDLE_TIMEOUT with
// systemd socket activation (LISTEN_PID, LISTEN_FDS). The handler reads the rest itself: ORIGIN,
// PROTOCOL_HEADER, HOST_HEADER, PORT_HEADER, ADDRESS_HEADER, XFF_DEPTH, BODY_SIZE_LIMIT.
//
// `npm start` runs this through scripts/start.js, which builds the app and sets the defaults;
// `node scripts/serve.js` serves an existing build as it is.
import http from 'node:http';
import { rmSync, statSync } from 'node:fs';
import compression from 'compression';
import pino from 'pino';

const HANDLER = new URL('../build/handler.js', import.meta.url);
// systemd passes a socket-activated listener as the first file descriptor after stdio.
const SD_LISTEN_FDS_START = 3;

const socketPath = process.env.SOCKET_PATH || undefined;
// Only this machine can reach the server unless HOST says otherwise: in production a reverse proxy
// on the same machine passes requests on, and nothing else should reach the app around it.
const host = process.env.HOST || '127.0.0.1';
const port = process.env.PORT ?? (socketPath ? undefined : '3000');
const shutdownTimeout = seconds('SHUTDOWN_TIMEOUT') ?? 30;
const idleTimeout = seconds('IDLE_TIMEOUT') ?? 0;
const listenPid = Number.parseInt(process.env.LISTEN_PID ?? '0', 10);
const listenFds = Number.parseInt(process.env.LISTEN_FDS ?? '0', 10);
const socketActivation = listenPid === process.pid && listenFds === 1;
if (listenFds > 1) stop(`Only one socket can be passed for socket activation, not ${listenFds}.`);
const addressHeader = process.env.ADDRESS_HEADER?.trim().toLowerCase() || undefined;
const xffDepth = process.env.XFF_DEPTH?.trim() || '1';
if (!/^[1-9]\d*$/.test(xffDepth))
	stop(`XFF_DEPTH must be a whole number from 1, not "${xffDepth}".`);
refuseProxyHeadersWithoutOrigin();
refuseHttpsWithoutAddressHeader();
const https = (process.env.ORIGIN?.trim() ?? '').toLowerCase().startsWith('https:');

/**
 * A whole number of seconds from the environment, or undefined when it is not set.
 * @param {string} name
 * @returns {number | undefined}
 */
function seconds(name) {
	const raw = process.env[name];
	if (!raw) return undefined;
	if (!/^\d+$/.test(raw)) stop(`${name} must be a whole number of seconds, not "${raw}".`);
	return Number.parseInt(raw, 10);
}

/**
 * Says why the server cannot start, in one line, and ends the process with code 1.
 * @param {string} message
 * @returns {never}
 */
function stop(message) {
	console.error(message);
	process.exit(1);
}

/**
 * The app decides from ORIGIN alone whether it is reached over https, and so whether its cookie is
 * `__Host-` prefixed and Secure and whether it needs ADDRESS_HEADER. adapter-node's other way of
 * saying the public address, read from each request's headers, would leave a cookie without
 * Secure behind an https proxy: it is refused.
 */
function refuseProxyHeadersWithoutOrigin() {
	if (process.env.ORIGIN?.trim()) return;
	const set = ['PROTOCOL_HEADER', 'HOST_HEADER'].filter((name) => process.env[name]?.trim());
	if (set.length === 0) return;
	stop(
		`${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set but ORIGIN is not: set ORIGIN to the public address people use, e.g. ORIGIN=https://imroc.example.nhs.uk (see "Behind a reverse proxy" in the README).`
	);
}

/**
 * With ORIGIN on https, people reach the app through a reverse proxy (this server speaks only
 * http), so every request comes from the proxy's address: unless the proxy's header is trusted for
 * the client's address, the sign-in throttles would count everyone as one person and slow them
 * all down together. ADDRESS_FROM_CONNECTION=1 says that the connection's own address is the
 * client's (a TLS tunnel that keeps it, say) and that no header is to be trusted.
 */
function refuseHttpsWithoutAddressHeader() {
	const origin = process.env.ORIGIN?.trim() ?? '';
	if (!origin.toLowerCase().startsWith('https:') || addressHeader) return;
	if (process.env.ADDRESS_FROM_CONNECTION === '1') return;
	stop(
		`ORIGIN is https, so a reverse proxy passes requests on: set ADDRESS_HEADER to the header it puts each person's address in (e.g. ADDRESS_HEADER=x-forwarded-for), or ADDRESS_FROM_CONNECTION=1 if people connect to this server directly (see "Behind a reverse proxy" in the README).`
	);
}

/**
 * Where each client's address comes from, said at start when a setting chose it, since the
 * sign-in throttles count by it.
 */
function addressSource() {
	if (!addressHeader) {
		return process.env.ADDRESS_FROM_CONNECTION === '1'
			? 'Client addresses are taken from each connection (ADDRESS_FROM_CONNECTION=1); no header is trusted for them.'
			: null;
	}
	const which =
		addressHeader === 'x-forwarded-for'
			? `the X-Forwarded-For header, address ${xffDepth} counted from its end (XFF_DEPTH=${xffDepth})`
			: `the ${addressHeader} header`;
	return `Client addresses are taken from ${which}: only a proxy in front of this server may set it, or anyone can choose their own.`;
}

/** How `npm start` was run, to show the same command with another port. */
function startCommand() {
	const script = process.env.npm_lifecycle_event;
	if (script === 'start') return 'npm start';
	if (script) return `npm run ${script}`;
	return 'node scripts/serve.js';
}

// The same line format as the app's log (src/lib/server/log).
const log = pino({
	level: process.env.LOG_LEVEL || 'info',
	base: undefined,
	timestamp: pino.stdTimeFunctions.isoTime,
	formatters: { level: (label) => ({ level: label }) }
});

/** @typedef {(req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => unknown} Handler */

/**
 * Pages, JSON and CSV go out gzip- or brotli-compressed, as the browser or client asks
 * (Accept-Encoding): a dashboard's HTML shrinks to a tenth. The built CSS and JavaScript already
 * have .br and .gz copies made at build time, which adapter-node sends as they are (compression
 * leaves an answer that has a Content-Encoding alone). A live screen's event stream is never
 * compressed: it would be held back until a buffer filled. (compression's types are Express's,
 * whose request and response are Node's own with extras it does not use.)
 * @type {(req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void}
 */
const compress = /** @type {never} */ (
	compression({
		filter: (req, res) =>
			!String(res.getHeader('Content-Type') ?? '').startsWith('text/event-stream') &&
			compression.filter(req, res)
	})
);

/** @type {Handler | null} */
let handler = null;
/** @type {[http.IncomingMessage, http.ServerResponse][]} */
const waiting = [];
let requests = 0;
/** @type {NodeJS.Timeout | undefined} */
let shutdownTimer;
/** @type {NodeJS.Timeout | undefined} */
let idleTimer;

/**
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 */
function dispatch(req, res) {
	if (!handler) {
		waiting.push([req, res]);
		return;
	}
	// The app's hooks add these to its pages; set here, they reach the built files adapter-node
	// serves before any hook runs, so no other site can embed them either.
	res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
	res.setHeader('X-Content-Type-Options', 'nosniff');
	if (https) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
	res.once('finish', () => drainUnreadBody(req));
	compress(req, res, () => answer(/** @type {Handler} */ (handler), req, res));
}

/**
 * Every request reaches SvelteKit, which answers it; `next` runs only if something changes that.
 * @param {Handler} app
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 */
function answer(app, req, res) {
	Promise.resolve(
		app(req, res, () => {
			res.statusCode = 404;
			res.end('Not found');
		})
	).catch((error) => {
		// The app logs every request it answers; this is the rare one that failed around it. The path
		// is left out: it may hold a link token, which the app's own log lines redact.
		log.error({ method: req.method, err: error }, 'request failed outside the app');
		if (res.headersSent) res.destroy();
		else {
			res.statusCode = 500;
			res.end('Internal Server Error');
		}
	});
}

/** How much of a body nobody read is taken in and dropped, before the connection is cut instead. */
const DRAIN_LIMIT = 8 * 1024 * 1024;

/**
 * After an answer sent before the request's body was read whole (a refused post, a redirect to
 * sign in), reads and drops the rest, as Node does for a body nobody ever listened to. Otherwise
 * the body stays unread on the connection, the next request on it is never read, and closing it
 * with data unread resets it, sometimes before the client has read the answer.
 * @param {http.IncomingMessage} req
 */
function drainUnreadBody(req) {
	if (req.complete || req.destroyed) return;
	let drained = 0;
	// The app's reader of the body (adapter-node's stream) is done with it: the answer is sent.
	req.removeAllListeners('data');
	req.on('data', (/** @type {Buffer} */ chunk) => {
		drained += chunk.length;
		if (drained > DRAIN_LIMIT) req.socket.destroy();
	});
	req.resume();
}

const server = http.createServer(dispatch);
const keepAliveTimeout = seconds('KEEP_ALIVE_TIMEOUT');
if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout * 1000;
const headersTimeout = seconds('HEADERS_TIMEOUT');
if (headersTimeout !== undefined) server.headersTimeout = headersTimeout * 1000;

server.on('request', (req) => {
	requests++;
	if (idleTimer) idleTimer = void clearTimeout(idleTimer);
	req.on('close', () => {
		requests--;
		// Once shutting down, close each connection as soon as it is idle, so it takes no new requests.
		if (shutdownTimer) server.closeIdleConnections();
		if (requests === 0 && socketActivation && idleTimeout) {
			idleTimer = setTimeout(() => shutDown('IDLE'), idleTimeout * 1000);
		}
	});
});

server.once('error', (/** @type {NodeJS.ErrnoException} */ error) => {
	if (error.code === 'EADDRINUSE') {
		const other = String(Number(port) === 3000 ? 3001 : Number(port) + 1);
		stop(
			`Port ${port} is already in use: another program, perhaps another copy of this app, is listening on it. Stop it, or set PORT to another, e.g. PORT=${other} ${startCommand()}`
		);
	}
	if (error.code === 'EACCES') {
		stop(
			`Port ${port} needs more permissions than this user has (ports below 1024 usually do). Set PORT to another, e.g. PORT=3000 ${startCommand()}`
		);
	}
	throw error;
});

/**
 * Stops taking requests, lets those under way finish (for up to SHUTDOWN_TIMEOUT seconds), then
 * tells the app through the same event adapter-node emits.
 * @param {'SIGINT' | 'SIGTERM' | 'IDLE'} reason
 */
function shutDown(reason) {
	if (shutdownTimer) return;
	// A keep-alive connection would hold close() open until it timed out, though it serves nothing.
	server.closeIdleConnections();
	server.close((error) => {
		if (error) return; // already closed
		clearTimeout(shutdownTimer);
		clearTimeout(idleTimer);
		// @ts-expect-error adapter-node's custom event, which Node's types do not know
		process.emit('sveltekit:shutdown', reason);
	});
	shutdownTimer = setTimeout(() => server.closeAllConnections(), shutdownTimeout * 1000);
}
process.on('SIGTERM', shutDown);
process.on('SIGINT', shutDown);

/** Says where people must open the app: the one address it accepts forms from. */
function announce() {
	const origin = process.env.ORIGIN?.trim();
	const where = socketActivation
		? `file descriptor ${SD_LISTEN_FDS_START}`
		: socketPath
			? socketPath
			: `${host === '0.0.0.0' || host === '::' ? 'every address' : host}, port ${port}`;
	if (origin) {
		console.log(
			`\nListening on ${where}. Open the app at:\n\n  ${origin}\n\nForms work only at that address. To use another, set ORIGIN (see the README).`
		);
	} else {
		console.log(
			`\nListening on ${where}. ORIGIN is not set, so the app takes its address from each request.`
		);
	}
	const source = addressSource();
	if (source) console.log(source);
}

async function startApp() {
	announce();
	try {
		// Importing the handler runs the app's init hook, which may print the first-run setup link.
		({ handler } = await import(HANDLER.href));
	} catch (error) {
		console.error('The app could not start:', error);
		process.exit(1);
	}
	for (const [req, res] of waiting.splice(0)) dispatch(req, res);
}

if (socketActivation) {
	server.listen({ fd: SD_LISTEN_FDS_START }, startApp);
} else {
	// A socket file left empty by an earlier run would make listening fail.
	if (socketPath) {
		try {
			if (statSync(socketPath).size === 0) rmSync(socketPath);
		} catch {
			// no file: nothing to remove
		}
	}
	server.listen(
		{ path: socketPath, host, port: port === undefined ? undefined : Number(port) },
		startApp
	);
}
