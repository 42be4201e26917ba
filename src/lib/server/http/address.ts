// The address people use: the server accepts forms only from ORIGIN, so that no other site can
// change anything. Opened at another address (127.0.0.1 for localhost, the server's name when
// ORIGIN names its IP, …) every form would be refused; these rules decide when to say so.

/** The page that says where the app is set up to be used. */
export const WRONG_ADDRESS_PATH = '/wrong-address';

/** Headers reverse proxies add. With any of them, Host may name the proxy's upstream instead. */
const PROXY_HEADERS = [
	'forwarded',
	'via',
	'x-forwarded-for',
	'x-forwarded-host',
	'x-forwarded-proto',
	'x-real-ip'
];

/** adapter-node's settings for a proxy's headers, which only a server behind one has. */
const PROXY_SETTINGS = ['HOST_HEADER', 'PROTOCOL_HEADER', 'PORT_HEADER', 'ADDRESS_HEADER'];

/** A host and optional port, as a Host header carries it, and nothing more. */
const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

export interface ArrivingRequest {
	headers: Headers;
	/** The HTTP version the connection used, when the server knows it. */
	httpVersion?: string;
}

/**
 * A browser asking for a page to show: following a link, typing an address, or sending a form
 * without JavaScript. Browsers send fetch metadata only to https and localhost; to other plain
 * http addresses they still send Upgrade-Insecure-Requests on every navigation.
 */
export function isBrowserNavigation(headers: Headers): boolean {
	const mode = headers.get('sec-fetch-mode');
	if (mode) return mode === 'navigate';
	return headers.get('upgrade-insecure-requests') === '1';
}

function cameThroughProxy(request: ArrivingRequest, env: Record<string, string | undefined>) {
	if (PROXY_SETTINGS.some((name) => env[name])) return true;
	if (PROXY_HEADERS.some((name) => request.headers.has(name))) return true;
	// nginx passes requests on over HTTP/1.0 unless told otherwise, and with its own Host and no
	// X-Forwarded-* header; no browser uses HTTP/1.0 any more.
	return request.httpVersion === '1.0';
}

/**
 * The address a browser opened this server at, when that is certainly not `origin`; otherwise
 * null. It is certain only when nothing a proxy adds is present: then Host is what the browser's
 * address bar shows, over plain http (the server speaks nothing else). Behind a proxy that does
 * not pass Host on, Host names the proxy's upstream, which says nothing about the browser.
 */
export function openedElsewhere(
	request: ArrivingRequest,
	origin: string,
	env: Record<string, string | undefined> = process.env
): string | null {
	if (cameThroughProxy(request, env)) return null;
	const host = request.headers.get('host');
	if (!host || !HOST.test(host)) return null;
	const opened = new URL(`http://${host}`);
	return opened.host === new URL(origin).host ? null : opened.origin;
}

/**
 * Where to send someone from `path` at the wrong address; `refused` when what they sent was not
 * accepted, so the page can say it was not saved.
 */
export function wrongAddressLocation(path: string, refused: boolean): string {
	const query = new URLSearchParams({ path });
	if (refused) query.set('refused', '1');
	return `${WRONG_ADDRESS_PATH}?${query}`;
}
