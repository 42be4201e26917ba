import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { makeToken, signInRequest } from './api-tokens';
import { DatabaseWatch } from './database-watch';
import { parseCsv } from './helpers';
import { demoPlaces, type Place, type PlaceIds } from './places';
import { startServer, type RunningServer } from './server';

// A property-based test of every /api/v1 endpoint: random GETs with hostile query strings (unknown,
// repeated and missing parameters, huge and wrong-typed values, bad cursors, invalid
// percent-encoding, NUL, bidirectional overrides, lone surrogates, SQL and CSV injection, the ids
// of other organisations and services) and odd Authorization headers. Every answer must be the
// one the API documents: 401 without a valid token, 400 for a malformed query, 404 for an id the
// token cannot read, otherwise 200 with only the token's own rows, filtered as asked. An error is
// JSON ({ error: { status, message } }); a refused call writes nothing (a token's last use aside).
// The expected status is worked out here from the query as the server parses it (WHATWG URL),
// and from the endpoints' parameters as the OpenAPI document lists them.
//
// The seed is fixed, so a run is repeatable; FC_SEED and FC_RUNS choose others. A failure reports
// its seed and the request that failed, without shrinking (each try is a request to a server).

const SEED = Number(process.env.FC_SEED ?? 17_2026);
const RUNS = Number(process.env.FC_RUNS ?? 3000);

let server: RunningServer;
let db: Database.Database;
let watch: DatabaseWatch;
let places: Record<Place, PlaceIds>;

type Holder = 'organisationAdmin' | 'serviceLead';
const HOLDERS: Holder[] = ['organisationAdmin', 'serviceLead'];

/** What each holder's token may read: organisations and services (ids). */
const scope = {} as Record<Holder, { organisations: Set<string>; services: Set<string> }>;
const tokens = {} as Record<Holder, string>;
let revokedToken: string;
/** A cursor the server gave, and the request (endpoint and filters) it belongs to. */
const cursors: { cursor: string; request: string }[] = [];
let roundOrganisation: Map<string, string>;
let challengeKeys: Set<string>;

interface Parameter {
	name: string;
	kind: 'organisation' | 'service' | 'round' | 'challenge' | 'enum' | 'date';
	values?: string[];
}
/** Each endpoint's filters, read from the OpenAPI document. */
const endpoints = new Map<string, Parameter[]>();
const PAGING = ['format', 'limit', 'cursor'];

// ---- What a call is made of -------------------------------------------------------------------

/** Written into the address verbatim: broken escapes, bytes that are not UTF-8, separators. */
const RAW = [
	'%ZZ',
	'%',
	'%0',
	'%ED%A0%80',
	'%FF%FE',
	'%C0%AF',
	'%00',
	'%E2%80%AE',
	'%2e%2e%2f',
	'&',
	'=',
	'+',
	';',
	'%26',
	'%3D',
	'%23'
];

const NASTY_TEXT = [
	'',
	' ',
	'\0',
	'a\0b',
	'\u202e',
	'evil\u202etxt.exe',
	'\u2066x\u2069',
	'\ud800',
	'x\udfffy',
	'\ufeff',
	'\u{1F600}',
	"' OR '1'='1",
	"x' UNION SELECT id, password_hash, 1, 1 FROM user --",
	'1; DROP TABLE service; --',
	'%',
	'_',
	'*',
	'<script>alert(1)</script>',
	'=HYPERLINK("http://evil.example","x")',
	'@SUM(1+1)',
	'../../etc/passwd',
	'[]',
	'{}',
	'null',
	'__proto__',
	'true',
	'-1',
	'0',
	'1',
	'1000',
	'1001',
	'1e3',
	' 5',
	'0x10',
	'9999999',
	'99999999999999999999',
	'NaN',
	'json',
	'csv',
	'CSV',
	'xml',
	'open',
	'closed',
	'OPEN',
	'done',
	'2026-04-01',
	'2026-02-30',
	'2026-13-01',
	'26-04-01',
	'2026-4-1',
	'1-1-1'
];

type Piece = { raw: boolean; text: string };
type Call = {
	path: string;
	method: 'GET' | 'HEAD';
	authorization: string | null;
	parameters: [Piece, Piece][];
};

const asText = (piece: Piece) =>
	piece.raw ? piece.text : encodeURIComponent(toWellFormed(piece.text));
/** A lone surrogate, as a browser sends it: U+FFFD. */
const toWellFormed = (text: string) => text.replace(/\p{Surrogate}/gu, '\ufffd');

function addressOf(call: Call): string {
	const query = call.parameters.map(([n, v]) => `${asText(n)}=${asText(v)}`).join('&');
	return `${server.baseURL}${call.path}${query ? `?${query}` : ''}`;
}

const basic = (user: string, password: string) =>
	`Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function authorizations(): { header: string | null; holder: Holder | null }[] {
	const valid = HOLDERS.flatMap((holder) => [
		{ header: `Bearer ${tokens[holder]}`, holder },
		{ header: `bearer   ${tokens[holder]}`, holder },
		{ header: basic('power-bi', tokens[holder]), holder },
		{ header: basic('', tokens[holder]), holder }
	]);
	const refused = [
		null,
		'',
		'Bearer',
		'Bearer ',
		`Bearer ${revokedToken}`,
		`Bearer ${tokens.organisationAdmin.toUpperCase()}`,
		`Bearer ${tokens.organisationAdmin}x`,
		`Bearer ${tokens.organisationAdmin.slice(0, -1)}`,
		`Bearer ${tokens.organisationAdmin} ${tokens.serviceLead}`,
		`Token ${tokens.organisationAdmin}`,
		`Basic ${tokens.organisationAdmin}`,
		basic(tokens.organisationAdmin, ''),
		'Basic !!!!',
		'Basic =',
		`Basic ${Buffer.from(tokens.organisationAdmin).toString('base64')}`,
		'Bearer imroc_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
		"Bearer ' OR '1'='1",
		`Bearer ${'a'.repeat(4000)}`
	].map((header) => ({ header, holder: null }));
	return [...valid, ...refused];
}

function callArbitrary(): fc.Arbitrary<Call> {
	const ids = [
		...new Set(
			(['home', 'sibling', 'elsewhere'] as Place[]).flatMap((place) =>
				['organisation', 'service', 'round', 'closedRound', 'action', 'assessment'].map(
					(key) => places[place][key]
				)
			)
		)
	].filter(Boolean);
	const text = fc.oneof(
		{ weight: 4, arbitrary: fc.constantFrom(...NASTY_TEXT) },
		{ weight: 4, arbitrary: fc.constantFrom(...ids, 'doesnotexist', 'a'.repeat(201)) },
		{ weight: 2, arbitrary: fc.constantFrom(...[...challengeKeys].slice(0, 3)) },
		{ weight: 2, arbitrary: fc.constantFrom(...cursors.map((c) => c.cursor)) },
		{
			weight: 1,
			arbitrary: fc
				.constantFrom(...cursors.map((c) => c.cursor))
				.chain((cursor) =>
					fc
						.nat(cursor.length - 1)
						.map((i) => cursor.slice(0, i) + (cursor[i] === 'A' ? 'B' : 'A') + cursor.slice(i + 1))
				)
		},
		{ weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
		{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
		{ weight: 1, arbitrary: fc.integer().map(String) },
		{ weight: 1, arbitrary: fc.constantFrom(2_100, 4_000).map((n) => 'x'.repeat(n)) }
	);
	const value: fc.Arbitrary<Piece> = fc.oneof(
		{ weight: 9, arbitrary: text.map((t) => ({ raw: false, text: t })) },
		{ weight: 2, arbitrary: fc.constantFrom(...RAW).map((t) => ({ raw: true, text: t })) }
	);
	const everyName = [...new Set([...endpoints.values()].flat().map((p) => p.name)), ...PAGING];
	const name: fc.Arbitrary<Piece> = fc.oneof(
		{ weight: 12, arbitrary: fc.constantFrom(...everyName).map((t) => ({ raw: false, text: t })) },
		{
			weight: 2,
			arbitrary: fc
				.constantFrom('', 'Organisation', 'organisation[]', 'page', 'offset', 'sort', '__proto__')
				.map((t) => ({ raw: false, text: t }))
		},
		{ weight: 1, arbitrary: fc.constantFrom(...RAW).map((t) => ({ raw: true, text: t })) },
		{ weight: 1, arbitrary: fc.string({ maxLength: 8 }).map((t) => ({ raw: false, text: t })) }
	);
	const paths = [...endpoints.keys()];
	const oddPaths = paths.flatMap((path) => [
		`${path}%ZZ`,
		`${path}%00`,
		`${path};x`,
		path.replace('/v1/', '/v1//'),
		path.replace('/v1/', '/V1/'),
		`${path}/..%2f..%2forganisations`,
		`${path}/%ED%A0%80`
	]);
	const valid = authorizations().filter((a) => a.holder);
	const refused = authorizations().filter((a) => !a.holder);
	return fc.record({
		path: fc.oneof(
			{ weight: 12, arbitrary: fc.constantFrom(...paths) },
			{ weight: 1, arbitrary: fc.constantFrom(...oddPaths, '/api/v1', '/api/v2/scores') }
		),
		method: fc.oneof(
			{ weight: 9, arbitrary: fc.constant('GET' as const) },
			{ weight: 1, arbitrary: fc.constant('HEAD' as const) }
		),
		authorization: fc.oneof(
			{ weight: 6, arbitrary: fc.constantFrom(...valid).map((a) => a.header) },
			{ weight: 2, arbitrary: fc.constantFrom(...refused).map((a) => a.header) },
			{ weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,60}$/) }
		),
		parameters: fc.array(
			fc.oneof(
				// A parameter of this endpoint's with a fitting value, so calls get past the first check.
				{ weight: 3, arbitrary: fc.tuple(name, value) },
				{ weight: 2, arbitrary: fittingParameter() }
			),
			{ maxLength: 6 }
		)
	});
}

/** A name the endpoints take with a value of the right shape (often in scope, sometimes not). */
function fittingParameter(): fc.Arbitrary<[Piece, Piece]> {
	const all = [...new Map([...endpoints.values()].flat().map((p) => [p.name, p])).values()];
	const literal = (text: string): Piece => ({ raw: false, text });
	return fc.constantFrom(...all).chain((parameter) => {
		let values: string[];
		switch (parameter.kind) {
			case 'organisation':
				values = [places.home.organisation, places.elsewhere.organisation];
				break;
			case 'service':
				values = [places.home.service, places.sibling.service, places.elsewhere.service];
				break;
			case 'round':
				values = [places.home.round, places.home.closedRound, places.elsewhere.round];
				break;
			case 'challenge':
				values = [...challengeKeys].slice(0, 4);
				break;
			case 'enum':
				values = parameter.values!;
				break;
			case 'date':
				values = ['2020-01-01', '2026-04-01', '2030-12-31'];
				break;
		}
		return fc.constantFrom(...values).map((v) => [literal(parameter.name), literal(v)]);
	});
}

// ---- What the answer must be ------------------------------------------------------------------

function isCalendarDate(value: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const date = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * The statuses the API may answer this call with: 401 without a valid token; 400 when the query
 * is malformed; otherwise the 404 or 400 of a filter value or cursor it cannot use (any of them,
 * when there are several); otherwise 200.
 */
function expectedStatuses(url: URL, holder: Holder | null): number[] {
	const parameters = endpoints.get(url.pathname);
	if (!parameters) return [404];
	if (!holder) return [401];
	const allowed = [...parameters.map((p) => p.name), ...PAGING];
	const names = [...url.searchParams.keys()];
	if (names.some((n) => !allowed.includes(n)) || new Set(names).size !== names.length) return [400];
	const get = (name: string) => url.searchParams.get(name);
	const format = get('format') ?? 'json';
	if (format !== 'json' && format !== 'csv') return [400];
	const limit = get('limit');
	if (limit !== null && (!/^\d{1,7}$/.test(limit) || Number(limit) < 1 || Number(limit) > 1000))
		return [400];
	if (format === 'csv' && (limit !== null || get('cursor') !== null)) return [400];
	const filters: [string, string][] = [];
	for (const parameter of parameters) {
		const value = get(parameter.name);
		if (value === null) continue;
		filters.push([parameter.name, value]);
		if (parameter.kind === 'date' && !isCalendarDate(value)) return [400];
		if (parameter.kind === 'enum' && !parameter.values!.includes(value)) return [400];
		if (['organisation', 'service', 'round', 'challenge'].includes(parameter.kind))
			if (value.length === 0 || value.length > 200) return [400];
	}
	const refusals = new Set<number>();
	const { organisations, services } = scope[holder];
	for (const [name, value] of filters) {
		const kind = parameters.find((p) => p.name === name)!.kind;
		if (kind === 'organisation' && !organisations.has(value)) refusals.add(404);
		if (kind === 'service' && !services.has(value)) refusals.add(404);
		if (kind === 'round' && !organisations.has(roundOrganisation.get(value) ?? ''))
			refusals.add(404);
		if (kind === 'challenge' && !challengeKeys.has(value)) refusals.add(400);
	}
	const cursor = get('cursor');
	if (cursor !== null) {
		const request = `${url.pathname}${filters.length ? `?${new URLSearchParams(filters)}` : ''}`;
		if (!cursors.some((c) => c.cursor === cursor && c.request === request)) refusals.add(400);
	}
	return refusals.size ? [...refusals] : [200];
}

function rowsOf(contentType: string, body: string): Record<string, unknown>[] {
	if (contentType.startsWith('text/csv')) {
		const [header, ...rows] = parseCsv(body.replace(/^\uFEFF/, ''));
		return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
	}
	return (JSON.parse(body) as { data: Record<string, unknown>[] }).data;
}

/** What is wrong with a 200 answer's rows: another scope's, or not the ones its filters asked for. */
function wrongRows(url: URL, holder: Holder, rows: Record<string, unknown>[]): string[] {
	const { organisations, services } = scope[holder];
	const problems: string[] = [];
	const limit = Number(url.searchParams.get('limit') ?? 100);
	if (url.searchParams.get('format') !== 'csv' && rows.length > limit)
		problems.push(`${rows.length} rows for limit ${limit}`);
	const filtered: Record<string, string> = {
		organisation: 'organisation_id',
		service: 'service_id',
		round: 'round_id',
		status: 'status',
		challenge: 'challenge_key'
	};
	for (const row of rows) {
		if (!organisations.has(String(row.organisation_id)))
			problems.push(`another organisation's row: ${JSON.stringify(row).slice(0, 200)}`);
		if ('service_id' in row && !services.has(String(row.service_id)))
			problems.push(`another service's row: ${JSON.stringify(row).slice(0, 200)}`);
		for (const [name, column] of Object.entries(filtered)) {
			const wanted = url.searchParams.get(name);
			if (wanted !== null && column in row && String(row[column]) !== wanted)
				problems.push(`${name}=${wanted} gave a row with ${column} ${String(row[column])}`);
		}
	}
	return problems;
}

async function send(call: Call) {
	const headers: Record<string, string> = {};
	if (call.authorization !== null) headers.authorization = call.authorization;
	const response = await fetch(addressOf(call), {
		method: call.method,
		headers,
		redirect: 'manual'
	});
	return { response, body: await response.text() };
}

function describe(call: Call, holder: Holder | null, status: number, body: string) {
	const auth = call.authorization === null ? 'no Authorization' : `${holder ?? 'refused'} auth`;
	const address = addressOf(call).replace(server.baseURL, '');
	return `${call.method} ${address.length > 300 ? `${address.slice(0, 300)}…` : address} (${auth}) → ${status} ${body.slice(0, 160)}`;
}

// ---- The tests --------------------------------------------------------------------------------

test.beforeAll(async ({ playwright }) => {
	server = await startServer({ IMROC_DEMO: '1' });
	places = demoPlaces(server.databasePath);

	const document = (await (await fetch(`${server.baseURL}/api/v1/openapi.json`)).json()) as {
		paths: Record<
			string,
			{ get: { parameters?: { name?: string; schema?: { enum?: string[]; format?: string } }[] } }
		>;
	};
	for (const [path, item] of Object.entries(document.paths)) {
		const parameters: Parameter[] = (item.get.parameters ?? [])
			.filter((p) => p.name)
			.map(({ name, schema }) => ({
				name: name!,
				kind: schema?.enum
					? 'enum'
					: schema?.format === 'date'
						? 'date'
						: (name as 'organisation' | 'service' | 'round' | 'challenge'),
				values: schema?.enum
			}));
		expect(
			parameters.every((p) =>
				['organisation', 'service', 'round', 'challenge', 'enum', 'date'].includes(p.kind)
			),
			`${path}'s parameters are ones this test knows: ${JSON.stringify(parameters)}`
		).toBe(true);
		endpoints.set(path, parameters);
	}
	expect([...endpoints.keys()].sort()).toEqual(
		['actions', 'organisations', 'rounds', 'scores', 'services'].map((n) => `/api/v1/${n}`)
	);

	for (const holder of HOLDERS) {
		const browser = await playwright.request.newContext();
		await signInRequest(browser, server.baseURL, holder);
		tokens[holder] = await makeToken(browser, server.baseURL, `Property test (${holder})`);
		if (holder === 'organisationAdmin') {
			revokedToken = await makeToken(browser, server.baseURL, 'Revoked at once');
			const setupDb = new Database(server.databasePath, { readonly: true });
			const { id } = setupDb
				.prepare("SELECT id FROM api_token WHERE name = 'Revoked at once'")
				.get() as { id: string };
			setupDb.close();
			const revoked = await browser.post(`${server.baseURL}/account/tokens?/revoke`, {
				form: { tokenId: id },
				headers: { origin: server.baseURL, accept: 'text/html' },
				maxRedirects: 0
			});
			expect(revoked.status()).toBe(303);
		}
		await browser.dispose();
	}

	db = new Database(server.databasePath, { readonly: true });
	const servicesOf = (organisation: string) =>
		new Set(
			(
				db.prepare('SELECT id FROM service WHERE organisation_id = ?').all(organisation) as {
					id: string;
				}[]
			).map((r) => r.id)
		);
	// Northmoor's administrator reads all of Northmoor; Ashford's lead only Ashford.
	scope.organisationAdmin = {
		organisations: new Set([places.home.organisation]),
		services: servicesOf(places.home.organisation)
	};
	scope.serviceLead = {
		organisations: new Set([places.home.organisation]),
		services: new Set([places.home.service])
	};
	roundOrganisation = new Map(
		(
			db.prepare('SELECT id, organisation_id FROM round').all() as {
				id: string;
				organisation_id: string;
			}[]
		).map((r) => [r.id, r.organisation_id])
	);
	challengeKeys = new Set(
		(
			db.prepare('SELECT DISTINCT pack_challenge_key AS k FROM challenge').all() as { k: string }[]
		).map((r) => r.k)
	);

	// Real cursors, each for the request it was given for: every endpoint, unfiltered and filtered.
	for (const holder of HOLDERS) {
		for (const path of endpoints.keys()) {
			for (const filter of ['', `organisation=${places.home.organisation}&`]) {
				if (filter && !endpoints.get(path)!.some((p) => p.name === 'organisation')) continue;
				const response = await fetch(`${server.baseURL}${path}?${filter}limit=1`, {
					headers: { authorization: `Bearer ${tokens[holder]}` }
				});
				expect(response.status).toBe(200);
				const { next_cursor } = (await response.json()) as { next_cursor: string | null };
				const request = `${path}${filter ? `?${filter.slice(0, -1)}` : ''}`;
				if (next_cursor) cursors.push({ cursor: next_cursor, request });
			}
		}
	}
	expect(cursors.length, 'real cursors to try').toBeGreaterThan(4);

	// A token's last use is written at most once a minute, whatever the call's answer.
	watch = new DatabaseWatch(db, { columns: { api_token: ['last_used_at'] } });
});

test.afterAll(async () => {
	db?.close();
	await server?.stop();
});

test('random calls to every /api/v1 endpoint answer as documented, with only the token’s own rows', async () => {
	test.setTimeout(240_000);
	const holders = new Map(authorizations().map((a) => [a.header, a.holder]));
	const problems: string[] = [];
	const seen = new Map<number, number>();
	try {
		await fc.assert(
			fc.asyncProperty(callArbitrary(), async (call) => {
				watch.changedTables();
				const holder = holders.get(call.authorization) ?? null;
				const url = new URL(addressOf(call));
				const expected = expectedStatuses(url, holder);
				const { response, body } = await send(call);
				const status = response.status;
				seen.set(status, (seen.get(status) ?? 0) + 1);
				const fail = (why: string) => {
					problems.push(`${describe(call, holder, status, body)}: ${why}`);
					return false;
				};
				if (!expected.includes(status)) return fail(`expected ${expected.join(' or ')}`);
				const contentType = response.headers.get('content-type') ?? '';
				if (status === 200) {
					if (call.method === 'GET') {
						const wrong = wrongRows(url, holder!, rowsOf(contentType, body));
						if (wrong.length) return fail(wrong.slice(0, 3).join('; '));
					}
					return true;
				}
				if (!contentType.startsWith('application/json')) return fail('an error not in JSON');
				if (call.method === 'GET') {
					const error = (JSON.parse(body) as { error?: { status?: number; message?: string } })
						.error;
					if (error?.status !== status || !error.message) return fail('no JSON error and message');
				}
				if (status === 401 && !response.headers.get('www-authenticate'))
					return fail('401 without WWW-Authenticate');
				const changed = watch.changedTables();
				if (changed.length) return fail(`a refused call changed ${changed.join(', ')}`);
				return true;
			}),
			{ seed: SEED, numRuns: RUNS, endOnFailure: true }
		);
	} catch (error) {
		throw new Error(
			`Failed with seed ${SEED} (FC_SEED=${SEED} FC_RUNS=${RUNS} to repeat it):\n${problems.join('\n')}\n\n${(error as Error).message}`,
			{ cause: error }
		);
	}
	console.log(`Seed ${SEED}, ${RUNS} calls; answers: ${JSON.stringify(Object.fromEntries(seen))}`);
	expect(problems).toEqual([]);
	// Each kind of answer was reached often enough for the property to mean something.
	for (const status of [200, 400, 401, 404])
		expect(seen.get(status) ?? 0, `${status}s`).toBeGreaterThan(RUNS / 50);
});

test('the read API answers every other method with a JSON 405, wherever the request comes from', async () => {
	const paths = [...endpoints.keys(), '/api/v1/openapi.json'];
	const problems: string[] = [];
	await fc.assert(
		fc.asyncProperty(
			fc.constantFrom(...paths, '/api/v1/nothing', '/api/v1/scores%ZZ'),
			fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
			fc.constantFrom(null, server.baseURL, 'https://evil.example'),
			fc.constantFrom(null, `Bearer ${tokens.organisationAdmin}`, 'Bearer nonsense'),
			fc.constantFrom(
				null,
				['application/json', '{"name":"x"}'],
				['application/x-www-form-urlencoded', 'a=%ZZ&a=b'],
				['text/plain', "'; DROP TABLE service; --"]
			),
			async (path, method, origin, authorization, body) => {
				watch.changedTables();
				const headers: Record<string, string> = {};
				if (origin) headers.origin = origin;
				if (authorization) headers.authorization = authorization;
				if (body) headers['content-type'] = body[0];
				const response = await fetch(server.baseURL + path, {
					method,
					headers,
					body: body?.[1],
					redirect: 'manual'
				});
				const text = await response.text();
				const known = endpoints.has(path) || path === '/api/v1/openapi.json';
				const want = known ? 405 : 404;
				const label = `${method} ${path} (origin ${origin}, ${authorization ?? 'no token'}) → ${response.status} ${text.slice(0, 120)}`;
				let json: { error?: { status?: number; message?: string } } = {};
				try {
					json = JSON.parse(text);
				} catch {
					// judged below
				}
				if (
					response.status !== want ||
					json.error?.status !== want ||
					!json.error.message ||
					(known && response.headers.get('allow') !== 'GET, HEAD') ||
					watch.changedTables().length > 0
				)
					problems.push(label);
				return true;
			}
		),
		{ seed: SEED, numRuns: 200 }
	);
	expect(problems).toEqual([]);
});
