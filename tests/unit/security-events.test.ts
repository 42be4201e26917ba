import { beforeEach, describe, expect, it, vi } from 'vitest';
import { isRedirect } from '@sveltejs/kit';
import { asc } from 'drizzle-orm';
import { hashPassword } from '$lib/server/auth/password';
import { checkPassword } from '$lib/server/auth/sign-in';
import { createFirstAdministrator } from '$lib/server/auth/setup';
import { issuePasswordReset, setAccountDisabled } from '$lib/server/accounts/administering';
import { createOrganisation } from '$lib/server/organisations';
import { createService } from '$lib/server/services';
import { emailDigest, recordSecurityEvent } from '$lib/server/audit/security';
import { auditTrail, auditTrailBatches } from '$lib/server/audit/trail';
import { auditEvents, memberships } from '$lib/server/db/schema';
import { newId } from '$lib/server/ids';
import type { Db } from '$lib/server/db/client';
import type { Person } from '$lib/server/access/policy';
import { freshDb, insertUser, platformAdmin } from './helpers/db';
import { openedRound, trustWithService } from './helpers/world';

// The throttle's answer is chosen here: a real one would make the test wait out its delays.
vi.mock('$lib/server/auth/sign-in', async (original) => {
	const actual = await original<typeof import('$lib/server/auth/sign-in')>();
	return { ...actual, checkPassword: vi.fn(actual.checkPassword) };
});

const signIn = (await import('../../src/routes/sign-in/+page.server')).actions.default;
const signOut = (await import('../../src/routes/sign-out/+page.server')).actions.default;
const orgAuditCsv = (
	await import('../../src/routes/organisations/[organisation]/audit.csv/+server')
).GET;
const orgDashboardCsv = (
	await import('../../src/routes/organisations/[organisation]/dashboard.csv/+server')
).GET;
const platformAudit = (await import('../../src/routes/admin/audit/+page.server')).load;

const PASSWORD = 'a long and unusual passphrase';

function eventFor(
	db: Db,
	path: string,
	{
		form,
		user,
		params = {}
	}: { form?: Record<string, string>; user?: Person; params?: object } = {}
) {
	const url = new URL(`http://localhost${path}`);
	const jar = new Map<string, string>();
	return {
		url,
		params,
		route: { id: path },
		request: new Request(url, form ? { method: 'POST', body: new URLSearchParams(form) } : {}),
		locals: {
			db,
			requestId: 'test',
			user: user ? { id: user.id } : null,
			session: null,
			person: user ?? null,
			mustEnrolInMfa: false
		},
		getClientAddress: () => '203.0.113.5',
		cookies: {
			get: (name: string) => jar.get(name),
			getAll: () => [],
			set: (name: string, value: string) => void jar.set(name, value),
			delete: (name: string) => void jar.delete(name),
			serialize: () => ''
		},
		setHeaders: () => {},
		isDataRequest: false,
		isSubRequest: false
	} as never;
}

async function settle(answer: () => unknown) {
	try {
		return await answer();
	} catch (thrown) {
		if (isRedirect(thrown)) return thrown;
		throw thrown;
	}
}

const events = (db: Db) => db.select().from(auditEvents).orderBy(asc(auditEvents.at)).all();

let db: Db;
beforeEach(() => {
	db = freshDb();
});

describe('signing in and out', () => {
	async function account(email = 'sam.jones@trust.example') {
		return insertUser(db, { email, passwordHash: await hashPassword(PASSWORD) });
	}

	it('records a sign-in that succeeded, with how', async () => {
		const user = await account();
		const answer = await settle(() =>
			signIn(eventFor(db, '/sign-in', { form: { email: user.email, password: PASSWORD } }))
		);
		expect(isRedirect(answer)).toBe(true);
		expect(events(db)).toEqual([
			expect.objectContaining({
				action: 'sign_in.succeeded',
				userId: user.id,
				organisationId: null,
				entityId: user.id,
				after: { method: 'password' }
			})
		]);
	});

	it('records a failed sign-in by the digest of the address, never the address', async () => {
		const typed = 'Someone.Else@Trust.example';
		await account();
		await settle(() =>
			signIn(eventFor(db, '/sign-in', { form: { email: typed, password: 'wrong password' } }))
		);
		const [event] = events(db);
		expect(event).toMatchObject({
			action: 'sign_in.failed',
			userId: null,
			organisationId: null,
			entityType: 'sign_in',
			entityId: emailDigest(typed),
			after: { emailSha256: emailDigest(typed), step: 'password' }
		});
		expect(emailDigest(typed)).toMatch(/^[0-9a-f]{64}$/);
		expect(JSON.stringify(events(db)).toLowerCase()).not.toContain('someone.else');
		expect(events(db)).toHaveLength(1);
	});

	it('records a sign-in the throttle refused', async () => {
		const user = await account();
		vi.mocked(checkPassword).mockResolvedValueOnce({
			ok: false,
			problem: 'busy',
			retryAfterSeconds: 4
		});
		const answer = await signIn(
			eventFor(db, '/sign-in', { form: { email: user.email, password: PASSWORD } })
		);
		expect(answer).toMatchObject({ status: 429 });
		expect(events(db)).toEqual([
			expect.objectContaining({
				action: 'sign_in.throttled',
				entityId: emailDigest(user.email),
				userId: null
			})
		]);
	});

	it('records signing out, and nothing for a visitor who was not signed in', async () => {
		const user = await account();
		const person: Person = { id: user.id, isPlatformAdmin: false, memberships: [] };
		await settle(() => signOut(eventFor(db, '/sign-out', { form: {} })));
		expect(events(db)).toEqual([]);
		await settle(() => signOut(eventFor(db, '/sign-out', { form: {}, user: person })));
		expect(events(db)).toEqual([
			expect.objectContaining({ action: 'sign_out', userId: user.id, organisationId: null })
		]);
	});
});

it('records the first-run setup in the same transaction as the first administrator', () => {
	const id = newId();
	const row = {
		id,
		email: 'first@trust.example',
		name: 'First Admin',
		passwordHash: 'x',
		createdAt: new Date('2026-01-01T00:00:00Z')
	};
	expect(createFirstAdministrator(db, row).created).toBe(true);
	expect(createFirstAdministrator(db, { ...row, id: newId(), email: 'b@x.example' }).created).toBe(
		false
	);
	expect(events(db)).toEqual([
		expect.objectContaining({ action: 'setup.completed', userId: id, entityId: id })
	]);
});

/** An organisation with an administrator, and a platform administrator from outside it. */
function organisationWithAdministrator() {
	const admin = insertUser(db, { name: 'Priya Shah', email: 'priya@trust.example' });
	const person: Person = { id: admin.id, isPlatformAdmin: false, memberships: [] };
	const organisationId = createOrganisation(db, platformAdmin(db), {
		name: 'Northmoor Trust',
		odsCode: 'RX1',
		groupingLabel: 'Directorate'
	});
	db.insert(memberships)
		.values({
			id: newId(),
			userId: admin.id,
			organisationId,
			serviceId: null,
			role: 'organisation_admin',
			createdAt: new Date()
		})
		.run();
	person.memberships.push({ organisationId, serviceId: null, role: 'organisation_admin' });
	const operator = insertUser(db, { name: 'Pat Operator', isPlatformAdmin: true });
	return { admin, person, organisationId, operator };
}

describe('account events, seen by the organisations of the people they touch', () => {
	it('shows a platform administrator resetting an organisation administrator’s password in that organisation’s trail', () => {
		const { admin, organisationId, operator } = organisationWithAdministrator();
		const other = createOrganisation(db, platformAdmin(db), {
			name: 'Eastgate Trust',
			odsCode: 'RX2',
			groupingLabel: 'Directorate'
		});
		expect(issuePasswordReset(db, operator.id, admin.id).ok).toBe(true);

		const { events: seen } = auditTrail(db, organisationId);
		expect(seen[0]).toMatchObject({
			action: 'account.password_reset_issued',
			person: 'Pat Operator',
			description: 'Issued a link to set a new password',
			details: 'Priya Shah'
		});
		// On the platform's page too, once; not in an organisation the person has no part in.
		const platform = auditTrail(db, null).events.filter((e) => e.action.startsWith('account.'));
		expect(platform).toHaveLength(1);
		expect(auditTrail(db, other).events.some((e) => e.action.startsWith('account.'))).toBe(false);
	});

	it('writes nothing extra for an account in no organisation', () => {
		const lone = insertUser(db);
		const operator = insertUser(db, { isPlatformAdmin: true });
		expect(setAccountDisabled(db, operator.id, lone.id, true).ok).toBe(true);
		expect(events(db).filter((e) => e.action === 'account.disabled')).toHaveLength(1);
	});

	it('records the organisation of an event that has one once, not twice', () => {
		const { admin, organisationId, operator } = organisationWithAdministrator();
		recordSecurityEvent(db, {
			action: 'account.sessions_ended_by_administrator',
			actorId: operator.id,
			organisationId,
			account: admin.id,
			entityType: 'user',
			entityId: admin.id
		});
		const recorded = events(db).filter(
			(e) => e.action === 'account.sessions_ended_by_administrator'
		);
		expect(recorded.map((e) => e.organisationId)).toEqual([organisationId]);
	});
});

describe('downloads', () => {
	it('records an audit trail CSV with its filters, and the download does not list itself', async () => {
		const { person, organisationId } = organisationWithAdministrator();
		const response = await orgAuditCsv(
			eventFor(db, `/organisations/${organisationId}/audit.csv?from=2026-01-01`, {
				user: person,
				params: { organisation: organisationId }
			})
		);
		const text = await response.text();
		expect(response.status).toBe(200);
		expect(text).not.toContain('audit-trail');
		const download = events(db).filter((e) => e.action === 'download');
		expect(download).toEqual([
			expect.objectContaining({
				userId: person.id,
				organisationId,
				entityId: 'audit-trail',
				after: { table: 'audit-trail', filters: { from: '2026-01-01' } }
			})
		]);
		const [shown] = auditTrail(db, organisationId).events;
		expect(shown.description).toBe('Downloaded data');
		expect(shown.details).toBe('audit-trail, filters: from 2026-01-01');
	});

	it('records a dashboard CSV with its table and filters, and not a download refused', async () => {
		const { person, organisationId } = organisationWithAdministrator();
		createService(db, person, organisationId, {
			name: 'Ashford CMHT',
			type: 'Community mental health team'
		});
		const path = `/organisations/${organisationId}/dashboard.csv`;
		const params = { organisation: organisationId };
		const refused = await orgDashboardCsv(
			eventFor(db, `${path}?table=nonsense`, { user: person, params })
		);
		expect(refused.status).toBe(400);
		expect(events(db).filter((e) => e.action === 'download')).toEqual([]);
	});

	it('records a dashboard CSV served, with its table and filters', async () => {
		const w = trustWithService();
		const { roundId } = openedRound(w, 'Spring 2026', '2026-03-01');
		const path = `/organisations/${w.organisationId}/dashboard.csv`;
		const refused = await orgDashboardCsv(
			eventFor(w.db, `${path}?table=nonsense&round=${roundId}`, {
				user: w.person,
				params: { organisation: w.organisationId }
			})
		);
		const table = (await refused.text()).match(/: (\w[\w-]*)/)![1];
		const served = await orgDashboardCsv(
			eventFor(w.db, `${path}?table=${table}&round=${roundId}`, {
				user: w.person,
				params: { organisation: w.organisationId }
			})
		);
		expect(served.status).toBe(200);
		expect(events(w.db).filter((e) => e.action === 'download')).toEqual([
			expect.objectContaining({
				userId: w.person.id,
				organisationId: w.organisationId,
				entityId: `organisation-dashboard/${table}`,
				after: {
					table: `organisation-dashboard/${table}`,
					filters: expect.objectContaining({ round: roundId })
				}
			})
		]);
	});
});

describe('the platform audit page', () => {
	it('lists the events of no organisation, with the people in them, and only for platform administrators', async () => {
		const { admin, person, organisationId, operator } = organisationWithAdministrator();
		issuePasswordReset(db, operator.id, admin.id);
		const operatorPerson: Person = { id: operator.id, isPlatformAdmin: true, memberships: [] };
		const data = (await platformAudit(
			eventFor(db, '/admin/audit', { user: operatorPerson }) as never
		)) as { trail: { events: { description: string; details: string }[] }; people: unknown[] };
		expect(data.trail.events.map((e) => e.description)).toContain(
			'Issued a link to set a new password'
		);
		expect(data.trail.events.map((e) => e.description)).not.toContain('Created the organisation');
		expect(data.people).toEqual([expect.objectContaining({ name: 'Pat Operator' })]);
		await expect(
			settle(() => platformAudit(eventFor(db, '/admin/audit', { user: person }) as never))
		).rejects.toMatchObject({ status: 404 });
		expect(organisationId).toBeTruthy();
		expect([...auditTrailBatches(db, null)].flat().length).toBe(data.trail.events.length);
	});
});
