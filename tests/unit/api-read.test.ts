import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { answerApiCall, requireApiToken } from '$lib/server/api/handle';
import { readScope, SERVICE_IN_SCOPE, scopeParameters } from '$lib/server/api/scope';
import { createApiToken } from '$lib/server/api/tokens';
import { tokenExpiry } from '$lib/domain/api-tokens';
import { may } from '$lib/server/access/policy';
import { agreedScores, challenges, memberships, services } from '$lib/server/db/schema';
import { createOrganisation } from '$lib/server/organisations';
import { createService } from '$lib/server/services';
import { newId } from '$lib/server/ids';
import { personFor } from '$lib/server/users';
import type { Db } from '$lib/server/db/client';
import { insertUser } from './helpers/db';
import { openedRound, trustWithService } from './helpers/world';

function world() {
	const w = trustWithService();
	const { assessment, roundId } = openedRound(w, 'Spring 2026', '2026-04-01');
	const challengeRows = w.db
		.select()
		.from(challenges)
		.where(eq(challenges.frameworkId, w.frameworkId))
		.all();
	for (const [i, c] of challengeRows.entries()) {
		w.db
			.insert(agreedScores)
			.values({
				assessmentId: assessment.id,
				challengeId: c.id,
				level: (i % 4) + 1,
				updatedAt: new Date()
			})
			.run();
	}
	const other = createOrganisation(w.db, w.person, {
		name: 'Eastgate Trust',
		odsCode: '',
		groupingLabel: 'Directorate'
	});
	const otherService = createService(w.db, w.person, other, {
		name: '=HYPERLINK("http://x")',
		type: 'Community mental health team'
	});
	if (!otherService.ok) throw new Error('no service');
	const analyst = insertUser(w.db, { name: 'Ann Analyst' });
	const membershipId = newId();
	w.db
		.insert(memberships)
		.values({
			id: membershipId,
			userId: analyst.id,
			organisationId: w.organisationId,
			role: 'viewer',
			createdAt: new Date()
		})
		.run();
	const { token } = createApiToken(w.db, {
		userId: analyst.id,
		name: 'BI',
		expiresAt: tokenExpiry(30, new Date())
	});
	return {
		...w,
		roundId,
		challengeCount: challengeRows.length,
		other,
		otherServiceId: otherService.id,
		analyst,
		membershipId,
		token
	};
}

function call(db: Db, path: string, authorization: string | null) {
	const url = new URL(`http://localhost${path}`);
	const request = new Request(url, { headers: authorization ? { authorization } : {} });
	const event = { locals: { db } as App.Locals, request, url };
	const holder = requireApiToken(event);
	if (!holder) return null;
	const name = url.pathname.split('/')[3] as Parameters<typeof answerApiCall>[2];
	return answerApiCall(event, holder, name);
}

async function json(db: Db, path: string, token: string) {
	const response = call(db, path, `Bearer ${token}`)!;
	return { status: response.status, body: await response.json() };
}

describe('the read API', () => {
	it('reads the scores of the services its holder can see, and only those', async () => {
		const w = world();
		const { status, body } = await json(w.db, '/api/v1/scores?limit=1000', w.token);
		expect(status).toBe(200);
		expect(body.data).toHaveLength(w.challengeCount);
		expect(new Set(body.data.map((r: { service: string }) => r.service))).toEqual(
			new Set(['Ashford CMHT'])
		);
		expect(body.data[0]).toMatchObject({
			organisation: 'Northmoor Trust',
			round: 'Spring 2026',
			assessment_complete: false
		});
		expect(body.next_cursor).toBeNull();
	});

	it('follows the holder’s roles at each call: a removed role takes the data away at once', async () => {
		const w = world();
		expect((await json(w.db, '/api/v1/organisations', w.token)).body.data).toHaveLength(1);
		w.db.delete(memberships).where(eq(memberships.id, w.membershipId)).run();
		expect((await json(w.db, '/api/v1/organisations', w.token)).body.data).toEqual([]);
		expect((await json(w.db, '/api/v1/scores', w.token)).body.data).toEqual([]);
		const refused = await json(w.db, `/api/v1/scores?organisation=${w.organisationId}`, w.token);
		expect(refused.status).toBe(404);
	});

	it('reaches exactly the services the policy lets the holder view', () => {
		const w = world();
		// A service-level role in the other organisation, beside the organisation-wide one at home.
		w.db
			.insert(memberships)
			.values({
				id: newId(),
				userId: w.analyst.id,
				organisationId: w.other,
				serviceId: w.otherServiceId,
				role: 'service_lead',
				createdAt: new Date()
			})
			.run();
		const extra = createService(w.db, w.person, w.other, {
			name: 'Hidden',
			type: 'Community mental health team'
		});
		expect(extra.ok).toBe(true);
		const person = personFor(w.db, { ...w.analyst, isPlatformAdmin: false });
		const params = scopeParameters(readScope(person));
		for (const s of w.db.select().from(services).all()) {
			const reached = !!w.db.$client
				.prepare(`select 1 from service s where s.id = :id and ${SERVICE_IN_SCOPE}`)
				.get({
					id: s.id,
					scopeWholeOrganisations: params.scopeWholeOrganisations,
					scopeServices: params.scopeServices
				});
			expect(reached, s.name).toBe(
				may(person, 'service.view', { organisationId: s.organisationId, serviceId: s.id })
			);
		}
	});

	it('pages with a cursor, and refuses a changed cursor or one used with other filters', async () => {
		const w = world();
		const seen: string[] = [];
		let path: string | null = '/api/v1/scores?limit=3';
		let pages = 0;
		while (path) {
			const { status, body } = await json(w.db, path, w.token);
			expect(status).toBe(200);
			seen.push(...body.data.map((r: { challenge_key: string }) => r.challenge_key));
			path = body.next;
			pages++;
		}
		expect(pages).toBe(Math.ceil(w.challengeCount / 3));
		expect(new Set(seen).size).toBe(w.challengeCount);

		const first = (await json(w.db, '/api/v1/scores?limit=3', w.token)).body.next_cursor as string;
		const [payload, signature] = first.split('.');
		const forged = Buffer.from(JSON.stringify({ a: ['', ''], r: 'x' })).toString('base64url');
		for (const cursor of [
			`${payload}x.${signature}`,
			`${forged}.${signature}`,
			'nonsense',
			`${payload}.${signature.slice(0, 5)}${signature[5] === 'A' ? 'B' : 'A'}${signature.slice(6)}`
		]) {
			const answer = await json(
				w.db,
				`/api/v1/scores?limit=3&cursor=${encodeURIComponent(cursor)}`,
				w.token
			);
			expect(answer.status, cursor).toBe(400);
		}
		const otherFilters = await json(
			w.db,
			`/api/v1/scores?limit=3&round=${w.roundId}&cursor=${encodeURIComponent(first)}`,
			w.token
		);
		expect(otherFilters.status).toBe(400);
	});

	it('answers bad input with a JSON 4xx that says what to do', async () => {
		const w = world();
		const cases: [string, number][] = [
			['/api/v1/scores?format=xml', 400],
			['/api/v1/scores?limit=1001', 400],
			['/api/v1/scores?limit=0', 400],
			['/api/v1/scores?limit=ten', 400],
			['/api/v1/scores?colour=red', 400],
			['/api/v1/scores?round=a&round=b', 400],
			['/api/v1/scores?from=2026-02-30', 400],
			['/api/v1/scores?challenge=no-such-challenge', 400],
			['/api/v1/rounds?status=finished', 400],
			['/api/v1/scores?format=csv&limit=10', 400],
			[`/api/v1/scores?organisation=${'x'.repeat(10)}`, 404],
			['/api/v1/scores?round=doesnotexist', 404]
		];
		for (const [path, status] of cases) {
			const answer = await json(w.db, path, w.token);
			expect(answer.status, path).toBe(status);
			expect(answer.body.error.message, path).toMatch(/\w/);
		}
	});

	it('answers 404 for another organisation’s ids, exactly as for made-up ones', async () => {
		const w = world();
		const theirs = await json(w.db, `/api/v1/services?organisation=${w.other}`, w.token);
		const madeUp = await json(w.db, `/api/v1/services?organisation=doesnotexist`, w.token);
		expect(theirs.status).toBe(404);
		expect(madeUp.status).toBe(404);
		const service = await json(w.db, `/api/v1/actions?service=${w.otherServiceId}`, w.token);
		expect(service.status).toBe(404);
	});

	it('answers a call without a good token with the same 401', async () => {
		const w = world();
		for (const authorization of [null, 'Bearer nonsense', 'Basic Og==', `Bearer ${w.token}x`])
			expect(call(w.db, '/api/v1/scores', authorization), String(authorization)).toBeNull();
	});

	it('filters scores by round, service, challenge and dates', async () => {
		const w = world();
		const all = (await json(w.db, `/api/v1/scores?limit=1000`, w.token)).body.data;
		const key = all[0].challenge_key;
		const one = await json(
			w.db,
			`/api/v1/scores?challenge=${key}&service=${w.serviceId}&round=${w.roundId}`,
			w.token
		);
		expect(one.body.data).toHaveLength(1);
		expect((await json(w.db, `/api/v1/scores?from=2026-05-01`, w.token)).body.data).toEqual([]);
		expect((await json(w.db, `/api/v1/scores?to=2026-03-31`, w.token)).body.data).toEqual([]);
		expect(
			(await json(w.db, `/api/v1/scores?from=2026-04-15&to=2026-04-15&limit=1000`, w.token)).body
				.data
		).toHaveLength(all.length);
	});

	it('writes CSV with a byte-order mark, text that cannot run as a formula, and every row', async () => {
		const w = world();
		w.db
			.insert(memberships)
			.values({
				id: newId(),
				userId: w.analyst.id,
				organisationId: w.other,
				role: 'viewer',
				createdAt: new Date()
			})
			.run();
		const response = call(w.db, '/api/v1/services?format=csv', `Bearer ${w.token}`)!;
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		const bytes = new Uint8Array(await response.arrayBuffer());
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const text = new TextDecoder().decode(bytes);
		expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
		expect(text.trim().split('\r\n')).toHaveLength(3);
		const scores = call(w.db, '/api/v1/scores?format=csv', `Bearer ${w.token}`)!;
		expect((await scores.text()).trim().split('\r\n')).toHaveLength(w.challengeCount + 1);
		expect(
			w.db
				.select()
				.from(memberships)
				.where(and(eq(memberships.userId, w.analyst.id)))
				.all()
		).toHaveLength(2);
	});
});
