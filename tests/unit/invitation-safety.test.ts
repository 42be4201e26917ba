import { afterEach, describe, expect, it, vi } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { createOrganisation } from '$lib/server/organisations';
import { createService } from '$lib/server/services';
import { acceptInvitation, createInvitation, openInvitation } from '$lib/server/invitations';
import { removeRole } from '$lib/server/memberships';
import { setAccountDisabled } from '$lib/server/accounts/administering';
import { INVITATIONS_PER_DAY } from '$lib/domain/invitations';
import { personFor } from '$lib/server/users';
import { auditEvents, invitations, memberships } from '$lib/server/db/schema';
import { newId } from '$lib/server/ids';
import { invite as inviteHere, peoplePage } from '$lib/server/people';
import * as mailer from '$lib/server/mailer';
import { freshDb, insertUser, platformAdmin } from './helpers/db';

const t0 = new Date('2026-11-23T10:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

/** A trust with a service, its platform administrator, and an organisation administrator who invites. */
function world() {
	const db = freshDb();
	const admin = platformAdmin(db);
	const organisationId = createOrganisation(
		db,
		admin,
		{ name: 'Northmoor Trust', odsCode: '', groupingLabel: 'Directorate' },
		t0
	);
	const service = createService(
		db,
		admin,
		organisationId,
		{ name: 'Ashford CMHT', type: 'Community mental health team' },
		t0
	);
	if (!service.ok) throw new Error('no service');
	const inviterUser = insertUser(db, { name: 'Olu Admin', email: 'olu@trust.example' });
	const membershipId = newId();
	db.insert(memberships)
		.values({
			id: membershipId,
			userId: inviterUser.id,
			organisationId,
			serviceId: null,
			role: 'organisation_admin',
			createdAt: t0
		})
		.run();
	// A second administrator, so that the first's role can be taken away.
	const other = insertUser(db, { name: 'Second Admin' });
	db.insert(memberships)
		.values({
			id: newId(),
			userId: other.id,
			organisationId,
			serviceId: null,
			role: 'organisation_admin',
			createdAt: t0
		})
		.run();
	const inviter = personFor(db, { ...inviterUser, isPlatformAdmin: false });
	return { db, admin, organisationId, serviceId: service.id, inviter, membershipId };
}

type World = ReturnType<typeof world>;

function invite(w: World, email = 'nia@trust.example', at = t0) {
	return createInvitation(
		w.db,
		w.inviter,
		w.organisationId,
		{ email, role: 'rater', serviceId: w.serviceId, vouched: true },
		at
	);
}

const newAccount = () => ({
	id: newId(),
	name: 'Nia Rater',
	email: 'ignored@invalid',
	passwordHash: 'hash',
	createdAt: t0
});

const roleCount = (w: World) =>
	w.db.select({ n: count() }).from(memberships).where(eq(memberships.role, 'rater')).get()!.n;

describe('an invitation is only as good as its sender', () => {
	it('is refused on accepting when the inviter no longer holds the role that let them send it', () => {
		const w = world();
		const sent = invite(w);
		if (!sent.ok) throw new Error(sent.message);
		// The role goes by a way that withdraws nothing (as for invitations sent before this rule).
		w.db.delete(memberships).where(eq(memberships.id, w.membershipId)).run();

		expect(openInvitation(w.db, sent.token, later(1))).toEqual({ ok: false, problem: 'inviter' });
		expect(acceptInvitation(w.db, sent.token, { newAccount: newAccount() }, later(1))).toEqual({
			ok: false,
			problem: 'inviter'
		});
		expect(roleCount(w)).toBe(0);
		const row = w.db.select().from(invitations).where(eq(invitations.id, sent.id)).get()!;
		expect(row.acceptedAt).toBeNull();
	});

	it('is withdrawn, and audited, in the same change that takes the inviter’s role away', () => {
		const w = world();
		const sent = invite(w);
		if (!sent.ok) throw new Error(sent.message);
		expect(removeRole(w.db, w.admin, w.organisationId, w.membershipId, later(5))).toEqual({
			ok: true
		});

		const row = w.db.select().from(invitations).where(eq(invitations.id, sent.id)).get()!;
		expect(row.withdrawnAt).toEqual(later(5));
		const withdrawn = w.db
			.select()
			.from(auditEvents)
			.where(and(eq(auditEvents.action, 'invitation.withdrawn'), eq(auditEvents.entityId, sent.id)))
			.all();
		expect(withdrawn).toHaveLength(1);
		expect(withdrawn[0].userId).toBe(w.admin.id);
		expect(withdrawn[0].after).toEqual({
			status: 'withdrawn',
			reason: 'inviter-lost-role'
		});
		expect(acceptInvitation(w.db, sent.token, { newAccount: newAccount() }, later(6))).toEqual({
			ok: false,
			problem: 'withdrawn'
		});
	});

	it('is withdrawn when the inviter’s account is disabled, and a disabled inviter’s link fails', () => {
		const w = world();
		const sent = invite(w);
		if (!sent.ok) throw new Error(sent.message);
		expect(setAccountDisabled(w.db, w.admin.id, w.inviter.id, true, later(5))).toMatchObject({
			ok: true,
			changed: true
		});
		const row = w.db.select().from(invitations).where(eq(invitations.id, sent.id)).get()!;
		expect(row.withdrawnAt).toEqual(later(5));
		expect(acceptInvitation(w.db, sent.token, { newAccount: newAccount() }, later(6))).toEqual({
			ok: false,
			problem: 'withdrawn'
		});
		expect(roleCount(w)).toBe(0);
	});

	it('keeps invitations the inviter can still send when they lose another role', () => {
		const w = world();
		const sent = invite(w);
		if (!sent.ok) throw new Error(sent.message);
		const extra = newId();
		w.db
			.insert(memberships)
			.values({
				id: extra,
				userId: w.inviter.id,
				organisationId: w.organisationId,
				serviceId: w.serviceId,
				role: 'service_lead',
				createdAt: t0
			})
			.run();
		expect(removeRole(w.db, w.admin, w.organisationId, extra, later(5))).toEqual({ ok: true });
		expect(
			acceptInvitation(w.db, sent.token, { newAccount: newAccount() }, later(6))
		).toMatchObject({
			ok: true
		});
	});
});

describe('how many invitations one person may send', () => {
	it('refuses the 51st in 24 hours with a plain message, and allows one again a day after', () => {
		const w = world();
		for (let i = 0; i < INVITATIONS_PER_DAY; i++)
			expect(invite(w, `person${i}@trust.example`, later(i)).ok).toBe(true);
		const refused = invite(w, 'one-more@trust.example', later(60));
		expect(refused).toEqual({
			ok: false,
			field: 'email',
			message:
				'You have sent 50 invitations in the last 24 hours, the most anyone can. Try again tomorrow, or ask another administrator.'
		});
		expect(w.db.select({ n: count() }).from(invitations).get()!.n).toBe(INVITATIONS_PER_DAY);
		expect(invite(w, 'next-day@trust.example', later(24 * 60 + 1)).ok).toBe(true);
	});
});

describe('how the link reaches the person', () => {
	afterEach(() => vi.restoreAllMocks());
	const scope = (w: World) => ({ organisationId: w.organisationId, organisationName: 'Northmoor' });
	const from = { origin: 'http://localhost:3000', inviterName: 'Olu Admin' };

	it('without email, shows the link only once the inviter vouches for the address, and records it', async () => {
		const w = world();
		vi.spyOn(mailer, 'emailIsConfigured').mockReturnValue(false);
		const input = { email: 'nia@trust.example', role: 'rater' as const, serviceId: w.serviceId };
		const refused = await inviteHere(w.db, w.inviter, scope(w), { ...input, vouched: false }, from);
		expect(refused).toMatchObject({
			ok: false,
			status: 400,
			errors: { vouched: expect.any(String) }
		});
		expect(w.db.select({ n: count() }).from(invitations).get()!.n).toBe(0);

		const made = await inviteHere(w.db, w.inviter, scope(w), { ...input, vouched: true }, from);
		expect(made.ok && made.invited.link).toMatch(/^http:\/\/localhost:3000\/invitations\/.+/);
		const created = w.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'invitation.created'))
			.get()!;
		expect(created.after).toMatchObject({ delivery: 'link', addressVouchedFor: true });
	});

	it('with email, emails the link and never shows it; an email not sent leaves no usable link', async () => {
		const w = world();
		vi.spyOn(mailer, 'emailIsConfigured').mockReturnValue(true);
		const send = vi.spyOn(mailer, 'sendInvitationEmail').mockResolvedValue('sent');
		const input = { email: 'nia@trust.example', role: 'rater' as const, serviceId: w.serviceId };
		const made = await inviteHere(w.db, w.inviter, scope(w), input, from);
		expect(made).toMatchObject({ ok: true, invited: { link: null, email: 'nia@trust.example' } });
		expect(send).toHaveBeenCalledWith(expect.objectContaining({ to: 'nia@trust.example' }));

		send.mockResolvedValue('failed');
		const failed = await inviteHere(
			w.db,
			w.inviter,
			scope(w),
			{ ...input, email: 'sam@trust.example' },
			from
		);
		expect(failed).toMatchObject({ ok: false, status: 503 });
		const rows = w.db
			.select()
			.from(invitations)
			.where(eq(invitations.email, 'sam@trust.example'))
			.all();
		expect(rows).toHaveLength(1);
		expect(rows[0].withdrawnAt).not.toBeNull();
	});
});

describe('the people page', () => {
	it('lists an organisation’s services only to someone who may give a role in them', () => {
		const w = world();
		const scope = { organisationId: w.organisationId };
		const asAdministrator = peoplePage(w.db, w.inviter, scope);
		expect(asAdministrator.services.map((s) => s.id)).toEqual([w.serviceId]);
		// A platform administrator may give only a facilitator's role, across the organisation.
		const asPlatform = peoplePage(w.db, w.admin, scope);
		expect(asPlatform.grantable.serviceRoles).toEqual([]);
		expect(asPlatform.services).toEqual([]);
	});
});
