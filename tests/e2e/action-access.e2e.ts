import { expect, test, type APIRequestContext } from '@playwright/test';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { preparePastAuditImports } from './past-audit-imports';
import { startServer, type RunningServer } from './server';
import { demoPlaces, PLACES, type Place, type PlaceIds } from './places';
import {
	ACTION_RULES,
	recordsOf,
	splitActionKey,
	type ActionAnswer,
	type ActionRule
} from '../action-rules';
import { VISITORS, type Visitor } from '../route-rules';

// Every form action × every kind of visitor × home, sibling service and another organisation, on
// the demo data. The expected answers are in tests/action-rules.ts. Every post is harmless (see
// `harmless` there): the audit trail is checked after each post, the whole database after each
// visitor, so a row that wrongly lets someone through cannot quietly change what later rows see.

let server: RunningServer;
let ids: Record<Place, PlaceIds>;
let db: Database.Database;
const requests = new Map<Visitor, APIRequestContext>();
/** The link token each token route is posted with: valid ones made in beforeAll, or none at all. */
const tokens: Record<string, string> = { setup: 'not-a-real-token' };

const visitors: Visitor[] = ['anonymous', ...(Object.keys(VISITORS) as Visitor[])];

/** Form posts as `use:enhance` sends them, so the action answers JSON saying what happened. */
async function postAction(
	request: APIRequestContext,
	target: string,
	form: Record<string, string>
) {
	const response = await request.post(target, {
		form,
		headers: {
			origin: server.baseURL,
			accept: 'application/json',
			'x-sveltekit-action': 'true'
		},
		maxRedirects: 0
	});
	const text = await response.text();
	let result: { type?: string; status?: number; location?: string; data?: string } = {};
	try {
		result = JSON.parse(text);
	} catch {
		// not an action's answer (the cross-site guard, say): reported below with its status
	}
	return { status: response.status(), result, text };
}

function answerOf({ status, result, text }: Awaited<ReturnType<typeof postAction>>): {
	answer: ActionAnswer | null;
	detail: string;
} {
	const detail = result.type
		? `${result.type} ${result.status ?? status}${result.location ? ` → ${result.location}` : ''}`
		: `${status} ${text.slice(0, 80)}`;
	if (result.type === 'redirect' && result.location?.startsWith('/sign-in?redirectTo='))
		return { answer: 'sign-in', detail };
	if (result.type === 'redirect' || result.type === 'failure' || result.type === 'success')
		return { answer: 'allowed', detail };
	if (result.type === 'error' && status === 404) return { answer: '404', detail };
	return { answer: null, detail };
}

function target(key: string, values: PlaceIds) {
	const { route, name } = splitActionKey(key);
	const path = route.replace(/\[(\w+)\]/g, (_, param: string) => values[param]);
	return server.baseURL + path + (name === 'default' ? '' : `?/${name}`);
}

function valuesFor(key: string, rule: ActionRule, place: Place): PlaceIds {
	const { route } = splitActionKey(key);
	const values = { ...ids[place] };
	if (route.includes('[token]')) values.token = tokens[route.split('/')[1]];
	if (rule.harmless?.closedRound) values.round = values.closedRound;
	return values;
}

const auditCount = () =>
	(db.prepare('SELECT count(*) AS n FROM audit_event').get() as { n: number }).n;

/** What the audit trail recorded after its first `count` events. */
// An event about an account is written once more for each of the account's organisations (see
// recordSecurityEvent): those copies are one event.
const auditedSince = (count: number) =>
	(
		db
			.prepare(
				`SELECT action FROM (SELECT rowid, * FROM audit_event ORDER BY rowid LIMIT -1 OFFSET ?)
				 GROUP BY action, entity_type, entity_id, at, user_id ORDER BY min(rowid)`
			)
			.all(count) as { action: string }[]
	).map((event) => event.action);

/** Audit events that rows say their actions write when they run; each post checks its own. */
const RECORDED = Object.values(ACTION_RULES).flatMap(recordsOf);

function rowsOf(table: string) {
	if (table !== 'audit_event') return db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all();
	return db
		.prepare(
			`SELECT * FROM audit_event WHERE action NOT IN (SELECT value FROM json_each(?)) ORDER BY rowid`
		)
		.all(JSON.stringify(RECORDED));
}

/**
 * A digest of each table but sessions, which signing in and out rightly change, leaving out the
 * audit events that rows allow.
 */
function tableDigests(): Record<string, string> {
	const tables = db
		.prepare(
			"SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'session' ORDER BY name"
		)
		.all() as { name: string }[];
	return Object.fromEntries(
		tables.map(({ name }) => [
			name,
			createHash('sha256')
				.update(JSON.stringify(rowsOf(name)))
				.digest('hex')
		])
	);
}

async function signedIn(request: APIRequestContext, visitor: Exclude<Visitor, 'anonymous'>) {
	const { email, password } = VISITORS[visitor];
	const response = await request.post(`${server.baseURL}/sign-in`, {
		form: { email, password },
		headers: { origin: server.baseURL, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(response.status(), `${email} signs in`).toBe(303);
	return request;
}

/** A link token from an action's success data, where the app shows the link once. */
async function linkToken(posted: ReturnType<typeof postAction>, path: string): Promise<string> {
	const { result, text } = await posted;
	expect(result.type, text).toBe('success');
	const token = result.data?.match(new RegExp(`/${path}/([a-z2-7]+)`))?.[1];
	expect(token, `a /${path}/ link in ${result.data}`).toBeTruthy();
	return token!;
}

test.beforeAll(async ({ playwright }) => {
	server = await startServer({ IMROC_DEMO: '1' });
	ids = demoPlaces(server.databasePath);
	for (const visitor of visitors) {
		const request = await playwright.request.newContext();
		requests.set(visitor, visitor === 'anonymous' ? request : await signedIn(request, visitor));
	}

	// What some rows need, made through the app's own actions before anything is compared.
	const imports = await preparePastAuditImports(
		requests.get('organisationAdmin')!,
		server.baseURL,
		ids.home
	);
	for (const place of PLACES) Object.assign(ids[place], imports);
	const setupDb = new Database(server.databasePath, { readonly: true });
	const userId = (email: string) =>
		(setupDb.prepare('SELECT id FROM user WHERE email = ?').get(email) as { id: string }).id;
	const raterId = userId(VISITORS.rater.email);
	const viewerId = userId(VISITORS.viewer.email);
	setupDb.close();

	const raters = target(
		'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/raters?/add',
		ids.home
	);
	const added = await postAction(requests.get('serviceLead')!, raters, { userId: raterId });
	expect(added.result.type, `the demo rater is invited to rate: ${added.text}`).toBe('redirect');

	tokens.invitations = await linkToken(
		postAction(
			requests.get('organisationAdmin')!,
			target('/organisations/[organisation]/people?/invite', ids.home),
			{ email: 'invited.for.action.rules@trust.example', role: 'viewer', vouched: 'yes' }
		),
		'invitations'
	);
	tokens['reset-password'] = await linkToken(
		postAction(requests.get('platformAdmin')!, target('/admin/accounts?/issueReset', ids.home), {
			accountId: viewerId
		}),
		'reset-password'
	);

	// The service lead starts a rating session, whose join code the /join/[token] rows post with.
	const session = await postAction(
		requests.get('serviceLead')!,
		target(
			'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/session?/start',
			ids.home
		),
		{ pace: 'together', order: 'rate_first' }
	);
	expect(session.result.type, `a rating session is started: ${session.text}`).toBe('redirect');

	db = new Database(server.databasePath, { readonly: true });
	tokens.join = (
		db.prepare('SELECT join_code AS code FROM rating_session WHERE closed_at IS NULL').get() as {
			code: string;
		}
	).code;
});

test.afterAll(async () => {
	db?.close();
	for (const request of requests.values()) await request.dispose();
	await server?.stop();
});

// Signing out ends the session the later rows are posted with, so it goes last.
const rows = Object.entries(ACTION_RULES).sort(
	([a], [b]) => Number(a === '/sign-out') - Number(b === '/sign-out')
);

for (const visitor of visitors) {
	test(`every form action answers the ${visitor} as the table says, and nothing changes`, async () => {
		const request = requests.get(visitor)!;
		const before = tableDigests();
		const problems: string[] = [];
		const check = async (label: string, url: string, rule: ActionRule, want: ActionAnswer) => {
			const audited = auditCount();
			const got = answerOf(await postAction(request, url, rule.harmless?.form ?? {}));
			if (got.answer !== want) problems.push(`${label}: expected ${want}, got ${got.detail}`);
			const recorded = auditedSince(audited);
			const allowed = want === 'allowed' ? recordsOf(rule) : [];
			if (recorded.some((action) => !allowed.includes(action)) || recorded.length > 1)
				problems.push(`${label}: the audit trail recorded ${recorded.join(', ')}`);
		};

		for (const [key, rule] of rows) {
			const expected = rule.answers[visitor];
			const { route } = splitActionKey(key);
			const places: Place[] = route.includes('[organisation]') ? PLACES : ['home'];
			for (const [i, place] of places.entries()) {
				const want = typeof expected === 'string' ? expected : expected[i];
				await check(`${key} (${place})`, target(key, valuesFor(key, rule, place)), rule, want);
			}
			// A made-up link is tried by the anonymous visitor only: more guesses would (rightly) be throttled.
			if (route.includes('[token]') ? visitor === 'anonymous' : route.includes('[')) {
				const madeUp = Object.fromEntries(Object.keys(ids.home).map((k) => [k, 'doesnotexist']));
				const want = visitor === 'anonymous' && !route.includes('[token]') ? 'sign-in' : '404';
				await check(`${key} (made-up ids)`, target(key, madeUp), rule, want);
			}
		}

		const after = tableDigests();
		const changed = Object.keys(before).filter((table) => before[table] !== after[table]);
		if (changed.length > 0) problems.push(`tables changed by the posts: ${changed.join(', ')}`);
		expect(problems).toEqual([]);
	});
}
