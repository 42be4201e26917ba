import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import {
	authenticateApiToken,
	createApiToken,
	hashApiToken,
	recordApiCall,
	revokeApiToken,
	tokensInOrganisation
} from '$lib/server/api/tokens';
import { tokenExpiry, MAX_TOKEN_DAYS } from '$lib/domain/api-tokens';
import { tokenFromHeader } from '$lib/server/api/requests';
import { newTokenSchema } from '$lib/server/api/forms';
import { parseForm } from '$lib/server/forms';
import { apiTokens, apiTokenUsage, auditEvents, memberships, users } from '$lib/server/db/schema';
import { newId } from '$lib/server/ids';
import { freshDb, insertUser } from './helpers/db';

const DAY = 24 * 60 * 60 * 1000;
const start = new Date('2026-11-23T09:00:00Z');
const later = (ms: number) => new Date(start.getTime() + ms);

function setup() {
	const db = freshDb();
	const user = insertUser(db);
	const made = createApiToken(
		db,
		{
			userId: user.id,
			name: 'Power BI',
			expiresAt: tokenExpiry(90, start)
		},
		start
	);
	return { db, user, ...made };
}

describe('API tokens', () => {
	it('are shown once and stored only as a SHA-256 hash', () => {
		const { db, id, token } = setup();
		expect(token).toMatch(/^imroc_[a-z2-7]{32}$/);
		const row = db.select().from(apiTokens).where(eq(apiTokens.id, id)).get()!;
		expect(row.secretHash).toBe(hashApiToken(token));
		expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
		expect(JSON.stringify(row)).not.toContain(token.slice(6));
		const created = db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'api_token.created'))
			.all();
		expect(created).toHaveLength(1);
		expect(JSON.stringify(created[0].after)).not.toContain(token.slice(6));
	});

	it('last at most a year', () => {
		expect(tokenExpiry(30, start).getTime()).toBe(start.getTime() + 30 * DAY);
		expect(tokenExpiry(5000, start).getTime()).toBe(start.getTime() + MAX_TOKEN_DAYS * DAY);
		const { expiresAt } = setup();
		expect(expiresAt.getTime()).toBe(start.getTime() + 90 * DAY);
		const db = freshDb();
		const tooLong = createApiToken(
			db,
			{ userId: insertUser(db).id, name: 'x', expiresAt: later(400 * DAY) },
			start
		);
		expect(tooLong.expiresAt.getTime()).toBe(start.getTime() + MAX_TOKEN_DAYS * DAY);
	});

	it('may be chosen to last until a date, after today and within a year', () => {
		const form = (fields: Record<string, string>) => {
			const data = new FormData();
			for (const [k, v] of Object.entries({ name: 'BI', ...fields })) data.set(k, v);
			return parseForm(newTokenSchema(start), data);
		};
		const until = (day: string, month: string, year: string) =>
			form({ days: 'date', untilDay: day, untilMonth: month, untilYear: year });
		// 23 November 2026 is "today": the end of 31 January 2027 in London is midnight UTC (GMT).
		expect(until('31', '1', '2027')).toEqual({
			ok: true,
			data: { name: 'BI', expiresAt: new Date('2027-02-01T00:00:00Z') }
		});
		// In summer time, the end of the day in London is an hour earlier in UTC.
		expect(until('30', '6', '2027')).toMatchObject({
			data: { expiresAt: new Date('2027-06-30T23:00:00Z') }
		});
		expect(until('23', '11', '2027').ok).toBe(true);
		for (const [day, month, year] of [
			['23', '11', '2026'],
			['1', '1', '2026'],
			['24', '11', '2027'],
			['31', '2', '2027'],
			['', '', '']
		]) {
			const refused = until(day, month, year);
			expect(refused.ok, `${day}/${month}/${year}`).toBe(false);
			if (!refused.ok) expect(refused.errors.untilDay).toMatch(/after today and no later than/);
		}
		expect(form({ days: '90' })).toEqual({
			ok: true,
			data: { name: 'BI', expiresAt: tokenExpiry(90, start) }
		});
		expect(form({ days: '45' }).ok).toBe(false);
	});

	it('accept the token issued, and refuse malformed, unknown and changed ones alike', () => {
		const { db, user, token } = setup();
		expect(authenticateApiToken(db, token, later(1000))?.user.id).toBe(user.id);
		const changed = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
		for (const bad of [changed, '', 'imroc_', token + 'a', token.toUpperCase(), 'Bearer ' + token])
			expect(authenticateApiToken(db, bad, later(1000)), bad).toBeNull();
	});

	it('stop working when they expire', () => {
		const { db, token } = setup();
		expect(authenticateApiToken(db, token, later(90 * DAY - 1))).not.toBeNull();
		expect(authenticateApiToken(db, token, later(90 * DAY))).toBeNull();
	});

	it('stop working once revoked, and the revocation is recorded', () => {
		const { db, user, id, token } = setup();
		expect(revokeApiToken(db, { tokenId: id, byUserId: user.id }, later(1000))).toBe(true);
		expect(revokeApiToken(db, { tokenId: id, byUserId: user.id }, later(2000))).toBe(false);
		expect(authenticateApiToken(db, token, later(3000))).toBeNull();
		expect(
			db.select().from(auditEvents).where(eq(auditEvents.action, 'api_token.revoked')).all()
		).toHaveLength(1);
	});

	it('stop working while the account is disabled', () => {
		const { db, user, token } = setup();
		db.update(users)
			.set({ disabledAt: later(1) })
			.where(eq(users.id, user.id))
			.run();
		expect(authenticateApiToken(db, token, later(1000))).toBeNull();
	});

	it('record when they were last used, at most once a minute', () => {
		const { db, id, token } = setup();
		const lastUsed = () =>
			db.select({ at: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.id, id)).get()!.at;
		authenticateApiToken(db, token, later(1000));
		expect(lastUsed()).toEqual(later(1000));
		authenticateApiToken(db, token, later(30_000));
		expect(lastUsed()).toEqual(later(1000));
		authenticateApiToken(db, token, later(61_000));
		expect(lastUsed()).toEqual(later(61_000));
	});

	it('count calls per token, hour and request, with one trail entry for each', () => {
		const { db, token } = setup();
		const holder = authenticateApiToken(db, token, later(1000))!;
		for (let i = 0; i < 5; i++) recordApiCall(db, holder, '/api/v1/scores', later(1000 + i));
		recordApiCall(db, holder, '/api/v1/scores?round=x', later(2000));
		recordApiCall(db, holder, '/api/v1/scores', later(60 * 60 * 1000));
		const usage = db.select().from(apiTokenUsage).all();
		expect(usage.map((u) => [u.request, u.hour.toISOString(), u.calls]).sort()).toEqual(
			[
				['/api/v1/scores', '2026-11-23T09:00:00.000Z', 5],
				['/api/v1/scores?round=x', '2026-11-23T09:00:00.000Z', 1],
				['/api/v1/scores', '2026-11-23T10:00:00.000Z', 1]
			].sort()
		);
		expect(
			db.select().from(auditEvents).where(eq(auditEvents.action, 'api.calls')).all()
		).toHaveLength(3);
	});

	it('are listed for the administrators of each organisation their holder has a role in', () => {
		const { db, user, id } = setup();
		const organisationId = newId();
		db.$client
			.prepare(
				"insert into organisation (id, name, grouping_label, mfa_required, created_at) values (?, 'T', 'Directorate', 0, 0)"
			)
			.run(organisationId);
		expect(tokensInOrganisation(db, organisationId)).toEqual([]);
		db.insert(memberships)
			.values({ id: newId(), userId: user.id, organisationId, role: 'viewer', createdAt: start })
			.run();
		expect(tokensInOrganisation(db, organisationId).map((t) => t.id)).toEqual([id]);
		expect(
			db
				.select()
				.from(memberships)
				.where(and(eq(memberships.userId, user.id), eq(memberships.organisationId, organisationId)))
				.all()
		).toHaveLength(1);
	});
});

describe('reading the token from the Authorization header', () => {
	const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
	it('takes Bearer, and Basic with the token as the password and any user name', () => {
		expect(tokenFromHeader('Bearer imroc_abc')).toBe('imroc_abc');
		expect(tokenFromHeader('bearer imroc_abc')).toBe('imroc_abc');
		expect(tokenFromHeader(basic('anyone:imroc_abc'))).toBe('imroc_abc');
		expect(tokenFromHeader(basic(':imroc_abc'))).toBe('imroc_abc');
	});
	it('finds nothing in a missing or malformed header', () => {
		for (const header of [
			null,
			'',
			'Bearer',
			'Token imroc_abc',
			basic('imroc_abc'),
			'Basic %%%',
			basic('me:')
		])
			expect(tokenFromHeader(header), String(header)).toBeNull();
	});
});
