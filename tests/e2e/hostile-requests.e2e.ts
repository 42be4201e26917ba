import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { connect } from 'node:net';
import { startServer, type RunningServer } from './server';
import { VISITORS } from '../route-rules';

// Requests no browser of ours sends, each of which once answered 500: action names that are
// Object.prototype members or `default`, bodies a form never has, control characters where a
// redirect target is read, and bodies too large for the small public forms. Each must get a plain
// 4xx and change nothing.

let server: RunningServer;
let db: Database.Database;
/** The cookie of a signed-in organisation administrator; '' is someone not signed in. */
let signedIn: string;
const anonymous = '';
let organisationId: string;

const count = (table: string) =>
	(db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;

/** What a refused post must leave as it was. */
const snapshot = () => ({ audit: count('audit_event'), sessions: count('session') });

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
	db = new Database(server.databasePath, { readonly: true });
	organisationId = (
		db.prepare("SELECT id FROM organisation WHERE name LIKE 'Northmoor%'").get() as { id: string }
	).id;
	const { email, password } = VISITORS.organisationAdmin;
	const { status, response } = await post(anonymous, '/sign-in', { form: { email, password } });
	expect(status).toBe(303);
	signedIn = response.headers
		.getSetCookie()
		.map((cookie) => cookie.split(';')[0])
		.join('; ');
});

test.afterAll(async () => {
	db?.close();
	await server?.stop();
});

/** A form (sent urlencoded), or raw text with the content type given ('' for none at all). */
type Body = { form?: Record<string, string>; data?: string; contentType?: string };

/** Posts as a browser would without JavaScript, or as `use:enhance` does (`enhanced`). */
async function post(
	cookie: string,
	path: string,
	body: Body = { form: { a: 'b' } },
	enhanced = false
) {
	const headers: Record<string, string> = { origin: server.baseURL, accept: 'text/html' };
	if (cookie) headers.cookie = cookie;
	if (enhanced) {
		headers.accept = 'application/json';
		headers['x-sveltekit-action'] = 'true';
	}
	let payload: string | Blob;
	if (body.form) payload = new URLSearchParams(body.form).toString();
	// A blob of no type rather than a string, so that fetch adds no content type of its own.
	else payload = new Blob([body.data ?? '']);
	const contentType = body.form ? 'application/x-www-form-urlencoded' : body.contentType;
	if (contentType) headers['content-type'] = contentType;
	const response = await fetch(server.baseURL + path, {
		method: 'POST',
		body: payload,
		headers,
		redirect: 'manual'
	});
	return { status: response.status, text: await response.text(), response };
}

async function get(cookie: string, path: string) {
	return fetch(server.baseURL + path, {
		headers: cookie ? { cookie } : {},
		redirect: 'manual'
	});
}

const NOT_OWN = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'default'];

test('an action name that is not one of the page’s own answers 404, and changes nothing', async () => {
	const before = snapshot();
	const answers: string[] = [];
	for (const name of NOT_OWN) {
		for (const enhanced of [false, true]) {
			// /account has only named actions; /sign-in and /forgotten-password only a default one.
			for (const [request, path] of [
				[signedIn, `/account?/${name}`],
				[anonymous, `/sign-in?/${name}`],
				[anonymous, `/forgotten-password?/${name}`]
			] as const) {
				const { status, text } = await post(request, path, undefined, enhanced);
				answers.push(`${path}${enhanced ? ' (enhanced)' : ''}: ${status}`);
				if (enhanced && status === 404) expect(JSON.parse(text)).toMatchObject({ type: 'error' });
			}
		}
	}
	expect(answers.filter((answer) => !answer.endsWith(': 404'))).toEqual([]);
	// An encoded name is the same name.
	expect((await post(signedIn, '/account?/%5F%5Fproto%5F%5F')).status).toBe(404);
	expect(snapshot()).toEqual(before);
});

test('a body that is not a form answers 415 or 400 with a plain message, and changes nothing', async () => {
	const { email, password } = VISITORS.viewer;
	const cases: [Body, number, RegExp][] = [
		[{ data: `email=${email}&password=${password}`, contentType: 'text/plain' }, 415, /form/i],
		[{ data: JSON.stringify({ email, password }), contentType: 'application/json' }, 415, /form/i],
		[{ data: 'email', contentType: '' }, 415, /form/i],
		[{ data: '--x\r\nnot a part', contentType: 'multipart/form-data; boundary=x' }, 400, /read/i],
		[{ data: 'no boundary', contentType: 'multipart/form-data' }, 400, /read/i]
	];
	const before = snapshot();
	for (const [body, status, message] of cases) {
		for (const enhanced of [false, true]) {
			for (const [request, path] of [
				[anonymous, '/sign-in'],
				[signedIn, '/account?/changePassword']
			] as const) {
				const answer = await post(request, path, body, enhanced);
				const label = `${path} ${body.contentType}${enhanced ? ' (enhanced)' : ''}`;
				expect(answer.status, label).toBe(status);
				const said = enhanced ? JSON.parse(answer.text).error.message : answer.text;
				expect(said, label).toMatch(message);
			}
		}
	}
	expect(snapshot()).toEqual(before);
});

test('control characters in redirectTo never answer 500, and the redirect stays on this site', async () => {
	const { email, password } = VISITORS.viewer;
	const targets = [
		'/%0A/evil.example',
		'/%0D%0ASet-Cookie:x=y',
		'/%00',
		'/%7F',
		'/%E2%80%AE',
		'/%C2%85',
		'/%09/evil.example'
	];
	for (const target of targets) {
		for (const enhanced of [false, true]) {
			const before = snapshot();
			const answer = await post(
				anonymous,
				`/sign-in?redirectTo=${target}`,
				{ form: { email, password } },
				enhanced
			);
			const label = `${target}${enhanced ? ' (enhanced)' : ''}`;
			expect(answer.status, label).toBeLessThan(500);
			const location = enhanced
				? JSON.parse(answer.text).location
				: answer.response.headers.get('location');
			expect(new URL(location, server.baseURL).origin, label).toBe(server.baseURL);
			// Signed in once, and only once: the answer was not an error after the session began.
			expect(snapshot().sessions, label).toBe(before.sessions + 1);
		}
		// Someone already signed in is sent on at once.
		const opened = await get(signedIn, `/sign-in?redirectTo=${target}`);
		expect(opened.status, target).toBeLessThan(500);
	}
});

/**
 * Sends the head of a request and only part of its body, and resolves with the status line the
 * server answers: an answer before the body is whole shows the server did not wait to read it.
 */
function partialPost(path: string, headers: string, firstPart: string): Promise<string> {
	const { hostname, port } = new URL(server.baseURL);
	return new Promise((resolve, reject) => {
		const socket = connect(Number(port), hostname, () => {
			socket.write(
				`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nOrigin: ${server.baseURL}\r\n` +
					`Content-Type: application/x-www-form-urlencoded\r\n${headers}\r\n${firstPart}`
			);
		});
		let answer = '';
		socket.on('data', (chunk) => {
			answer += chunk;
			if (answer.includes('\r\n')) {
				socket.destroy();
				resolve(answer.split('\r\n')[0]);
			}
		});
		socket.on('error', reject);
	});
}

test('a sign-in post over 16 KB is refused with 413 before it is read whole', async () => {
	const before = snapshot();
	const field = `email=${'a'.repeat(17 * 1024)}`;
	// Content-Length says 17 KB; only 1 KB is ever sent.
	expect(
		await partialPost('/sign-in', `Content-Length: ${field.length}\r\n`, field.slice(0, 1024))
	).toBe('HTTP/1.1 413 Payload Too Large');
	// Chunked, with no length given: counted as it arrives; the last chunk is never sent.
	const chunk = (text: string) => `${text.length.toString(16)}\r\n${text}\r\n`;
	expect(
		await partialPost(
			'/sign-in',
			'Transfer-Encoding: chunked\r\n',
			chunk(field.slice(0, 9000)) + chunk(field.slice(9000))
		)
	).toBe('HTTP/1.1 413 Payload Too Large');
	for (const path of [
		'/forgotten-password',
		'/setup/not-a-real-token',
		'/reset-password/x',
		'/invitations/x?/create'
	]) {
		const answer = await post(anonymous, path, { form: { email: 'a'.repeat(17 * 1024) } });
		expect(answer.status, path).toBe(413);
		expect(answer.text, path).toMatch(/too large/i);
	}
	// A form that is not one of the small ones still takes more.
	const large = await post(signedIn, '/account?/changePassword', {
		form: { currentPassword: 'a'.repeat(17 * 1024) }
	});
	expect(large.status).toBe(400);
	expect(snapshot()).toEqual(before);
});

test('security headers: COOP, CORP, base-uri none, and no-store where a link token is shown', async () => {
	const page = await get(anonymous, '/sign-in');
	expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
	expect(page.headers.get('cross-origin-resource-policy')).toBe('same-origin');
	expect(page.headers.get('content-security-policy')).toMatch(/base-uri 'none'/);

	// Files the app is built from are not to be embedded by other sites either.
	const script = (await page.text()).match(/\/_app\/immutable\/[^"']+\.js/)?.[0];
	expect(script).toBeTruthy();
	const asset = await get(anonymous, script!);
	expect(asset.status).toBe(200);
	expect(asset.headers.get('cross-origin-resource-policy')).toBe('same-origin');

	// Token pages, whether the token is known or not, and whoever opens them.
	for (const path of ['/setup/x', '/reset-password/x', '/invitations/x']) {
		for (const request of [anonymous, signedIn]) {
			const response = await get(request, path);
			expect(response.headers.get('cache-control'), path).toMatch(/no-store/);
		}
	}
	// A page where an administrator is shown an invitation link to pass on, and the answer to the
	// post that makes one.
	const people = `/organisations/${organisationId}/people`;
	expect((await get(signedIn, people)).headers.get('cache-control')).toMatch(/no-store/);
	const invited = await post(
		signedIn,
		`${people}?/invite`,
		{ form: { email: 'cache.test@trust.example', role: 'viewer', vouched: 'yes' } },
		true
	);
	expect(invited.text).toMatch(/\/invitations\//);
	expect(invited.response.headers.get('cache-control')).toMatch(/no-store/);
});
