import { and, asc, count, eq, isNull } from 'drizzle-orm';
import type { Db } from './db/client';
import { memberships, services, users } from './db/schema';
import { recordAuditEvent } from './audit/record';
import type { Person } from './access/policy';
import { withdrawInvitationsSentBy } from './invitations';

/** Who holds which role in an organisation (or in one of its services), for the people pages. */
export function listMemberships(
	db: Pick<Db, 'select'>,
	organisationId: string,
	serviceId?: string
) {
	return db
		.select({
			id: memberships.id,
			role: memberships.role,
			serviceId: memberships.serviceId,
			serviceName: services.name,
			userId: users.id,
			name: users.name,
			email: users.email,
			disabled: users.disabledAt
		})
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.leftJoin(services, eq(services.id, memberships.serviceId))
		.where(
			and(
				eq(memberships.organisationId, organisationId),
				serviceId ? eq(memberships.serviceId, serviceId) : undefined
			)
		)
		.orderBy(asc(services.name), asc(users.name))
		.all()
		.map((m) => ({ ...m, disabled: m.disabled !== null }));
}

export function getMembership(db: Db, organisationId: string, membershipId: string) {
	return db
		.select()
		.from(memberships)
		.where(and(eq(memberships.id, membershipId), eq(memberships.organisationId, organisationId)))
		.get();
}

export type RoleRemoval = { ok: true } | { ok: false; status: 404 | 409; message: string };

/** Takes a role away at once: the next request the person makes is judged without it. */
export function removeRole(
	db: Db,
	person: Person,
	organisationId: string,
	membershipId: string,
	now = new Date()
): RoleRemoval {
	return db.transaction((tx) => {
		const membership = tx
			.select()
			.from(memberships)
			.where(and(eq(memberships.id, membershipId), eq(memberships.organisationId, organisationId)))
			.get();
		if (!membership)
			return { ok: false, status: 404, message: 'That role was not found.' } as const;
		if (membership.role === 'organisation_admin' && membership.serviceId === null) {
			const admins = tx
				.select({ n: count() })
				.from(memberships)
				.where(
					and(
						eq(memberships.organisationId, organisationId),
						isNull(memberships.serviceId),
						eq(memberships.role, 'organisation_admin')
					)
				)
				.get();
			if ((admins?.n ?? 0) <= 1) {
				return {
					ok: false,
					status: 409,
					message:
						'An organisation needs at least one administrator. Give the role to someone else first.'
				} as const;
			}
		}
		tx.delete(memberships).where(eq(memberships.id, membershipId)).run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				serviceId: membership.serviceId,
				action: 'membership.removed',
				entityType: 'membership',
				entityId: membershipId,
				before: {
					userId: membership.userId,
					role: membership.role,
					serviceId: membership.serviceId
				}
			},
			now
		);
		// The invitations they could send only with this role go with it.
		withdrawInvitationsSentBy(tx, membership.userId, person.id, 'inviter-lost-role', now);
		return { ok: true } as const;
	});
}
