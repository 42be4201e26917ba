import { and, count, desc, eq, gt, gte, isNull } from 'drizzle-orm';
import { z } from 'zod';
import {
	INVITATION_DAY_MS,
	INVITATION_LIFETIME_MS,
	INVITATIONS_PER_DAY,
	invitationStatus,
	type InvitationDelivery,
	type WithdrawalReason
} from '$lib/domain/invitations';
import type { Db, Tx } from './db/client';
import { invitations, memberships, organisations, services, users } from './db/schema';
import { newId } from './ids';
import { recordAuditEvent } from './audit/record';
import { hashLinkToken, newLinkToken } from './auth/tokens';
import { emailSchema } from './users';
import { ROLES, type Role } from '$lib/domain/roles';
import { mayGrant, type Membership, type Person } from './access/policy';

export const invitationInputSchema = z.object({
	email: emailSchema,
	role: z.enum(ROLES, { error: 'Select a role' }),
	serviceId: z
		.string()
		.max(64)
		.default('')
		.transform((v) => v || null),
	/** Ticked when the link is passed on by hand: the inviter vouches for the address. */
	vouched: z
		.string()
		.optional()
		.transform((v) => v === 'yes')
});

export type InvitationInput = Omit<z.infer<typeof invitationInputSchema>, 'vouched'> & {
	vouched?: boolean;
};

export type CreateInvitationResult =
	| { ok: true; id: string; token: string; expiresAt: Date }
	| { ok: false; field: string; message: string };

/** Why this invitation cannot be made, or null when it can. */
function whyNotInvite(
	tx: Tx,
	person: Person,
	organisationId: string,
	input: InvitationInput,
	now: Date
): { ok: false; field: string; message: string } | null {
	const sentToday = tx
		.select({ n: count() })
		.from(invitations)
		.where(
			and(
				eq(invitations.invitedBy, person.id),
				gt(invitations.createdAt, new Date(now.getTime() - INVITATION_DAY_MS))
			)
		)
		.get();
	if ((sentToday?.n ?? 0) >= INVITATIONS_PER_DAY)
		return {
			ok: false,
			field: 'email',
			message: `You have sent ${INVITATIONS_PER_DAY} invitations in the last 24 hours, the most anyone can. Try again tomorrow, or ask another administrator.`
		};
	if (input.serviceId) {
		const service = tx
			.select({ id: services.id })
			.from(services)
			.where(and(eq(services.id, input.serviceId), eq(services.organisationId, organisationId)))
			.get();
		if (!service)
			return { ok: false, field: 'serviceId', message: 'Select a service from the list' };
	}
	const existing = tx
		.select({ id: memberships.id })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(
			and(eq(users.email, input.email), holdsRole(organisationId, input.serviceId, input.role))
		)
		.get();
	if (existing)
		return { ok: false, field: 'email', message: 'This person already has that role here' };
	return null;
}

/** Memberships of exactly this role in exactly this place. */
const holdsRole = (organisationId: string, serviceId: string | null, role: Role) =>
	and(
		eq(memberships.organisationId, organisationId),
		serviceId ? eq(memberships.serviceId, serviceId) : isNull(memberships.serviceId),
		eq(memberships.role, role)
	);

/**
 * Records an invitation and returns the one-time token for the link; only its hash is kept. The
 * audit event says how the link goes to the person, and, when the inviter passes it on by hand,
 * that they vouched for the address.
 */
export function createInvitation(
	db: Db,
	person: Person,
	organisationId: string,
	input: InvitationInput,
	now = new Date(),
	delivery: InvitationDelivery = 'link'
): CreateInvitationResult {
	return db.transaction((tx): CreateInvitationResult => {
		const refusal = whyNotInvite(tx, person, organisationId, input, now);
		if (refusal) return refusal;
		const token = newLinkToken();
		const row = {
			id: newId(),
			tokenHash: hashLinkToken(token),
			email: input.email,
			organisationId,
			serviceId: input.serviceId,
			role: input.role,
			invitedBy: person.id,
			createdAt: now,
			expiresAt: new Date(now.getTime() + INVITATION_LIFETIME_MS)
		};
		tx.insert(invitations).values(row).run();
		const { email, role, serviceId, expiresAt } = row;
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				serviceId: input.serviceId,
				action: 'invitation.created',
				entityType: 'invitation',
				entityId: row.id,
				after: {
					email,
					role,
					serviceId,
					expiresAt,
					delivery,
					...(delivery === 'link' ? { addressVouchedFor: input.vouched === true } : {})
				}
			},
			now
		);
		return { ok: true, id: row.id, token, expiresAt: row.expiresAt };
	});
}

/** Invitations of an organisation (or of one service), newest first, with their status. */
export function listInvitations(
	db: Db,
	organisationId: string,
	serviceId?: string,
	now = new Date()
) {
	return db
		.select({
			id: invitations.id,
			email: invitations.email,
			role: invitations.role,
			serviceId: invitations.serviceId,
			serviceName: services.name,
			createdAt: invitations.createdAt,
			expiresAt: invitations.expiresAt,
			acceptedAt: invitations.acceptedAt,
			withdrawnAt: invitations.withdrawnAt
		})
		.from(invitations)
		.leftJoin(services, eq(services.id, invitations.serviceId))
		.where(
			and(
				eq(invitations.organisationId, organisationId),
				serviceId ? eq(invitations.serviceId, serviceId) : undefined
			)
		)
		.orderBy(desc(invitations.createdAt))
		.all()
		.map((i) => ({ ...i, status: invitationStatus(i, now) }));
}

export function getInvitation(db: Tx, organisationId: string, invitationId: string) {
	return db
		.select()
		.from(invitations)
		.where(and(eq(invitations.id, invitationId), eq(invitations.organisationId, organisationId)))
		.get();
}

/** Withdraws an invitation that is still waiting, so its link no longer works. */
export function withdrawInvitation(
	db: Db,
	person: Person,
	organisationId: string,
	invitationId: string,
	now = new Date(),
	reason?: WithdrawalReason
): { ok: true } | { ok: false; status: 404 | 409; message: string } {
	return db.transaction((tx) => {
		const invitation = getInvitation(tx, organisationId, invitationId);
		if (!invitation) return { ok: false, status: 404, message: 'Invitation not found' } as const;
		if (invitationStatus(invitation, now) !== 'pending') {
			return {
				ok: false,
				status: 409,
				message: 'Only an invitation that is still waiting can be withdrawn.'
			} as const;
		}
		tx.update(invitations).set({ withdrawnAt: now }).where(eq(invitations.id, invitationId)).run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				serviceId: invitation.serviceId,
				action: 'invitation.withdrawn',
				entityType: 'invitation',
				entityId: invitationId,
				before: { status: 'pending' },
				after: reason ? { status: 'withdrawn', reason } : { status: 'withdrawn' }
			},
			now
		);
		return { ok: true } as const;
	});
}

export type LinkProblem = 'unknown' | 'expired' | 'accepted' | 'withdrawn' | 'inviter';

export const LINK_PROBLEM_MESSAGES: Record<LinkProblem, string> = {
	unknown:
		'This invitation link is not valid. Check you copied the whole link, or ask for a new invitation.',
	expired:
		'This invitation has expired. Invitations last 7 days: ask the person who invited you for a new one.',
	accepted: 'This invitation has already been used. Sign in to reach the organisation.',
	withdrawn:
		'This invitation has been withdrawn. Ask the person who invited you if you think this is a mistake.',
	inviter:
		'This invitation can no longer be used: the person who sent it can no longer give this role. Ask an administrator of the organisation for a new invitation.'
};

/**
 * The inviter as they are now: their current roles, or null when the account is gone or disabled.
 * An invitation is only as good as its sender's right to give the role today.
 */
function inviterNow(tx: Tx, inviterId: string | null): Person | null {
	if (!inviterId) return null;
	const user = tx
		.select({ isPlatformAdmin: users.isPlatformAdmin, disabledAt: users.disabledAt })
		.from(users)
		.where(eq(users.id, inviterId))
		.get();
	if (!user || user.disabledAt) return null;
	const held: Membership[] = tx
		.select({
			organisationId: memberships.organisationId,
			serviceId: memberships.serviceId,
			role: memberships.role
		})
		.from(memberships)
		.where(eq(memberships.userId, inviterId))
		.all();
	return { id: inviterId, isPlatformAdmin: user.isPlatformAdmin, memberships: held };
}

const inviterMayStillGrant = (
	tx: Tx,
	invitation: {
		invitedBy: string | null;
		role: Role;
		organisationId: string;
		serviceId: string | null;
	}
) =>
	mayGrant(inviterNow(tx, invitation.invitedBy), invitation.role, {
		organisationId: invitation.organisationId,
		serviceId: invitation.serviceId ?? undefined
	});

/**
 * Withdraws the waiting invitations this person sent that they may no longer give (all of them
 * once their account is disabled). Called in the same transaction as the change that took the
 * right away; each withdrawal is audited with its reason, by `actorId`, who made that change.
 */
export function withdrawInvitationsSentBy(
	tx: Tx,
	inviterId: string,
	actorId: string,
	reason: Extract<WithdrawalReason, 'inviter-disabled' | 'inviter-lost-role'>,
	now: Date
): number {
	const waiting = tx
		.select()
		.from(invitations)
		.where(
			and(
				eq(invitations.invitedBy, inviterId),
				isNull(invitations.acceptedAt),
				isNull(invitations.withdrawnAt),
				gte(invitations.expiresAt, now)
			)
		)
		.all()
		.filter((i) => invitationStatus(i, now) === 'pending' && !inviterMayStillGrant(tx, i));
	for (const invitation of waiting) {
		tx.update(invitations).set({ withdrawnAt: now }).where(eq(invitations.id, invitation.id)).run();
		recordAuditEvent(
			tx,
			{
				userId: actorId,
				organisationId: invitation.organisationId,
				serviceId: invitation.serviceId,
				action: 'invitation.withdrawn',
				entityType: 'invitation',
				entityId: invitation.id,
				before: { status: 'pending' },
				after: { status: 'withdrawn', reason }
			},
			now
		);
	}
	return waiting.length;
}

/** What a person opening an invitation link sees: who invited them to what, or why it cannot be used. */
export function openInvitation(db: Tx, token: string, now = new Date()) {
	const row = db
		.select({
			id: invitations.id,
			email: invitations.email,
			role: invitations.role,
			organisationId: invitations.organisationId,
			organisationName: organisations.name,
			serviceId: invitations.serviceId,
			serviceName: services.name,
			expiresAt: invitations.expiresAt,
			acceptedAt: invitations.acceptedAt,
			withdrawnAt: invitations.withdrawnAt,
			invitedBy: invitations.invitedBy
		})
		.from(invitations)
		.innerJoin(organisations, eq(organisations.id, invitations.organisationId))
		.leftJoin(services, eq(services.id, invitations.serviceId))
		.where(eq(invitations.tokenHash, hashLinkToken(token)))
		.get();
	if (!row) return { ok: false, problem: 'unknown' } as const;
	const status = invitationStatus(row, now);
	if (status !== 'pending') return { ok: false, problem: status } as const;
	if (!inviterMayStillGrant(db, row)) return { ok: false, problem: 'inviter' } as const;
	return { ok: true, invitation: row } as const;
}

export type AcceptResult =
	| { ok: true; organisationId: string; userId: string }
	| { ok: false; problem: LinkProblem | 'wrong-account' | 'account-exists' };

type OpenedInvitation = Extract<ReturnType<typeof openInvitation>, { ok: true }>['invitation'];

/** The account that accepts: the signed-in person's if the email matches, or a new one. */
function acceptingUser(
	tx: Tx,
	invitation: OpenedInvitation,
	who: { existingUserId: string } | { newAccount: typeof users.$inferInsert }
): { userId: string } | { problem: 'wrong-account' | 'account-exists' } {
	if ('existingUserId' in who) {
		const user = tx.select().from(users).where(eq(users.id, who.existingUserId)).get();
		if (!user || user.email !== invitation.email) return { problem: 'wrong-account' };
		return { userId: user.id };
	}
	if (tx.select({ id: users.id }).from(users).where(eq(users.email, invitation.email)).get())
		return { problem: 'account-exists' };
	tx.insert(users)
		.values({
			id: who.newAccount.id,
			name: who.newAccount.name,
			passwordHash: who.newAccount.passwordHash,
			createdAt: who.newAccount.createdAt,
			email: invitation.email,
			isPlatformAdmin: false
		})
		.run();
	return { userId: who.newAccount.id };
}

/** Gives the invited role, unless the person already holds it there. */
function grantInvitedRole(tx: Tx, userId: string, invitation: OpenedInvitation, now: Date) {
	const { organisationId, serviceId, role } = invitation;
	const duplicate = tx
		.select({ id: memberships.id })
		.from(memberships)
		.where(and(eq(memberships.userId, userId), holdsRole(organisationId, serviceId, role)))
		.get();
	if (duplicate) return;
	const membership = { id: newId(), userId, organisationId, serviceId, role, createdAt: now };
	tx.insert(memberships).values(membership).run();
	recordAuditEvent(
		tx,
		{
			userId,
			organisationId,
			serviceId,
			action: 'membership.created',
			entityType: 'membership',
			entityId: membership.id,
			after: { userId, role, serviceId, viaInvitation: invitation.id }
		},
		now
	);
}

/**
 * Accepts an invitation for an existing account (the signed-in person, whose email must match)
 * or for a new account created from `newAccount`. The link's validity is checked again inside
 * the transaction, so two tabs cannot both use it.
 */
export function acceptInvitation(
	db: Db,
	token: string,
	who: { existingUserId: string } | { newAccount: typeof users.$inferInsert },
	now = new Date()
): AcceptResult {
	return db.transaction((tx): AcceptResult => {
		const opened = openInvitation(tx, token, now);
		if (!opened.ok) return { ok: false, problem: opened.problem };
		const invitation = opened.invitation;
		const accepting = acceptingUser(tx, invitation, who);
		if ('problem' in accepting) return { ok: false, problem: accepting.problem };
		const { userId } = accepting;

		tx.update(invitations)
			.set({ acceptedAt: now, acceptedBy: userId })
			.where(eq(invitations.id, invitation.id))
			.run();
		recordAuditEvent(
			tx,
			{
				userId,
				organisationId: invitation.organisationId,
				serviceId: invitation.serviceId,
				action: 'invitation.accepted',
				entityType: 'invitation',
				entityId: invitation.id
			},
			now
		);
		grantInvitedRole(tx, userId, invitation, now);
		return { ok: true, organisationId: invitation.organisationId, userId };
	});
}
