import { describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { createOrganisation } from '$lib/server/organisations';
import { createService } from '$lib/server/services';
import {
	acceptInvitation,
	createInvitation,
	listInvitations,
	openInvitation,
	withdrawInvitation
} from '$lib/server/invitations';
import { removeRole, listMemberships } from '$lib/server/memberships';
import { INVITATION_LIFETIME_MS } from '$lib/domain/invitations';
import { personFor } from '$lib/server/users';
import { auditEvents, invitations, memberships, users } from '$lib/server/db/schema';
import { newId } from '$lib/server/ids';
import { freshDb, insertUser, platformAdmin } from './helpers/db';

const t0 = new Date('2026-11-23T10:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

function world() {
	const db = freshDb();
	const admin = platformAdmin(db);
	const organisationId = createOrganisation(
		db,
		admin,
		{ name: 'Northmoor Trust', odsCode: '', groupingLabel: 'Directorate' },
		t0
	);
	const person = personFor(db, { id: admin.id, email: '', name: '', isPlatformAdmin: true });
	const service = createService(
		db,
		person,
		organisationId,
		{ name: 'Ashford CMHT', type: 'Community mental health team' },
		t0
	);
	if (!service.ok) throw new Error('no service');
	return { db, person, organisationId, serviceId: service.id };
}

const newAccount = (name = 'Nia Rater') => ({
	id: newId(),
	name,
	email: 'ignored@invalid',
	passwordHash: 'hash',
	createdAt: t0
});

function invite(
	w: ReturnType<typeof world>,
	email = 'nia@trust.example',
	role: 'rater' | 'facilitator' = 'rater'
) {
	const result = createInvitation(
		w.db,
		w.person,
		w.organisationId,
		{ email, role, serviceId: role === 'rater' ? w.serviceId : null },
		t0
	);
	if (!result.ok) throw new Error(result.message);
	return result;
}

describe('invitations', () => {
	it('stores only a hash of the link token', () => {
		const w = world();
		const { token, id } = invite(w);
		const row = w.db.select().from(invitations).where(eq(invitations.id, id)).get()!;
		expect(row.tokenHash).not.toContain(token);
		expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
		expect(openInvitation(w.db, token, t0)).toMatchObject({
			ok: true,
			invitation: { email: 'nia@trust.example', role: 'rater' }
		});
	});

	it('creates an account with the invited email and the role, once only', () => {
		const w = world();
		const { token } = invite(w);
		const accepted = acceptInvitation(w.db, token, { newAccount: newAccount() }, later(1000));
		expect(accepted.ok).toBe(true);
		const user = w.db.select().from(users).where(eq(users.email, 'nia@trust.example')).get();
		expect(user?.name).toBe('Nia Rater');
		expect(
			listMemberships(w.db, w.organisationId, w.serviceId).map((m) => [m.email, m.role])
		).toEqual([['nia@trust.example', 'rater']]);

		expect(
			acceptInvitation(w.db, token, { newAccount: newAccount('Someone Else') }, later(2000))
		).toEqual({ ok: false, problem: 'accepted' });
		expect(
			w.db.select({ n: count() }).from(users).where(eq(users.name, 'Someone Else')).get()?.n
		).toBe(0);
	});

	it('expires after 7 days', () => {
		const w = world();
		const { token } = invite(w);
		expect(openInvitation(w.db, token, later(INVITATION_LIFETIME_MS - 1)).ok).toBe(true);
		expect(openInvitation(w.db, token, later(INVITATION_LIFETIME_MS))).toEqual({
			ok: false,
			problem: 'expired'
		});
		expect(
			acceptInvitation(w.db, token, { newAccount: newAccount() }, later(INVITATION_LIFETIME_MS + 1))
		).toEqual({ ok: false, problem: 'expired' });
		expect(
			w.db.select({ n: count() }).from(memberships).where(eq(memberships.role, 'rater')).get()?.n
		).toBe(0);
	});

	it('cannot be used once withdrawn, and a withdrawn one cannot be withdrawn again', () => {
		const w = world();
		const { token, id } = invite(w);
		expect(withdrawInvitation(w.db, w.person, w.organisationId, id, later(10))).toEqual({
			ok: true
		});
		expect(acceptInvitation(w.db, token, { newAccount: newAccount() }, later(20))).toEqual({
			ok: false,
			problem: 'withdrawn'
		});
		expect(withdrawInvitation(w.db, w.person, w.organisationId, id, later(30))).toMatchObject({
			ok: false,
			status: 409
		});
		expect(listInvitations(w.db, w.organisationId, undefined, later(40))[0].status).toBe(
			'withdrawn'
		);
	});

	it('refuses a tampered or unknown token', () => {
		const w = world();
		const { token } = invite(w);
		const tampered = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
		expect(openInvitation(w.db, tampered, t0)).toEqual({ ok: false, problem: 'unknown' });
		expect(acceptInvitation(w.db, '', { newAccount: newAccount() }, t0)).toEqual({
			ok: false,
			problem: 'unknown'
		});
	});

	it('adds the role to an existing account only when it is the invited one', () => {
		const w = world();
		const invited = insertUser(w.db, { email: 'nia@trust.example' });
		const stranger = insertUser(w.db, { email: 'someone.else@trust.example' });
		const { token } = invite(w);
		expect(acceptInvitation(w.db, token, { existingUserId: stranger.id }, t0)).toEqual({
			ok: false,
			problem: 'wrong-account'
		});
		expect(acceptInvitation(w.db, token, { newAccount: newAccount() }, t0)).toEqual({
			ok: false,
			problem: 'account-exists'
		});
		expect(acceptInvitation(w.db, token, { existingUserId: invited.id }, t0)).toMatchObject({
			ok: true,
			userId: invited.id
		});
	});

	it('refuses a second invitation for a role the person already holds', () => {
		const w = world();
		acceptInvitation(w.db, invite(w).token, { newAccount: newAccount() }, t0);
		const again = createInvitation(
			w.db,
			w.person,
			w.organisationId,
			{ email: 'nia@trust.example', role: 'rater', serviceId: w.serviceId },
			t0
		);
		expect(again).toMatchObject({ ok: false, field: 'email' });
	});

	it('refuses a service of another organisation', () => {
		const w = world();
		const other = createOrganisation(
			w.db,
			w.person,
			{ name: 'Other Trust', odsCode: '', groupingLabel: 'Locality' },
			t0
		);
		const result = createInvitation(
			w.db,
			w.person,
			other,
			{ email: 'x@trust.example', role: 'rater', serviceId: w.serviceId },
			t0
		);
		expect(result).toMatchObject({ ok: false, field: 'serviceId' });
		expect(w.db.select({ n: count() }).from(invitations).get()?.n).toBe(0);
	});

	it('records creation, acceptance and the new role in the audit trail, never the token', () => {
		const w = world();
		const { token } = invite(w);
		acceptInvitation(w.db, token, { newAccount: newAccount() }, t0);
		const events = w.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.organisationId, w.organisationId))
			.all();
		const actions = events.map((e) => e.action);
		expect(actions).toEqual(
			expect.arrayContaining(['invitation.created', 'invitation.accepted', 'membership.created'])
		);
		expect(JSON.stringify(events)).not.toContain(token);
	});
});

describe('removing a role', () => {
	it('takes effect at once and is recorded', () => {
		const w = world();
		const { token } = invite(w, 'fac@sites.example', 'facilitator');
		const accepted = acceptInvitation(
			w.db,
			token,
			{ newAccount: newAccount('Fay Facilitator') },
			t0
		);
		if (!accepted.ok) throw new Error('not accepted');
		const membership = w.db
			.select()
			.from(memberships)
			.where(and(eq(memberships.userId, accepted.userId)))
			.get()!;
		expect(
			personFor(w.db, { id: accepted.userId, email: '', name: '', isPlatformAdmin: false })
				.memberships
		).toHaveLength(1);
		expect(removeRole(w.db, w.person, w.organisationId, membership.id, later(5))).toEqual({
			ok: true
		});
		expect(
			personFor(w.db, { id: accepted.userId, email: '', name: '', isPlatformAdmin: false })
				.memberships
		).toHaveLength(0);
		expect(
			w.db.select().from(auditEvents).where(eq(auditEvents.action, 'membership.removed')).all()
		).toHaveLength(1);
	});

	it('never removes the last administrator of an organisation', () => {
		const w = world();
		const only = w.db
			.select()
			.from(memberships)
			.where(eq(memberships.role, 'organisation_admin'))
			.get()!;
		expect(removeRole(w.db, w.person, w.organisationId, only.id)).toMatchObject({
			ok: false,
			status: 409
		});
		expect(
			w.db.select({ n: count() }).from(memberships).where(eq(memberships.id, only.id)).get()?.n
		).toBe(1);
	});

	it('does not find a role through another organisation', () => {
		const w = world();
		const other = createOrganisation(
			w.db,
			w.person,
			{ name: 'Other Trust', odsCode: '', groupingLabel: 'Locality' },
			t0
		);
		const membership = w.db
			.select()
			.from(memberships)
			.where(eq(memberships.organisationId, w.organisationId))
			.get()!;
		expect(removeRole(w.db, w.person, other, membership.id)).toMatchObject({
			ok: false,
			status: 404
		});
	});
});
