// What an organisation's administrators decide about signing in: whether everyone with a role in
// it must use two-step sign-in, and signing one of its people out everywhere.

import { asc, eq } from 'drizzle-orm';
import { mayEndSessionsOf, type Person } from '../access/policy';
import { recordAuditEvent } from '../audit/record';
import type { Db } from '../db/client';
import { memberships, organisations, users } from '../db/schema';
import { personFor } from '../users';
import { endAllSessionsOf } from './administering';

export function mfaRequiredIn(db: Db, organisationId: string): boolean {
	return (
		db
			.select({ mfaRequired: organisations.mfaRequired })
			.from(organisations)
			.where(eq(organisations.id, organisationId))
			.get()?.mfaRequired ?? false
	);
}

/** Requires (or stops requiring) two-step sign-in of everyone with a role in the organisation. */
export function setMfaRequired(
	db: Db,
	actorId: string,
	organisationId: string,
	required: boolean,
	now = new Date()
): { changed: boolean } {
	return db.transaction((tx) => {
		const before = tx
			.select({ mfaRequired: organisations.mfaRequired })
			.from(organisations)
			.where(eq(organisations.id, organisationId))
			.get();
		if (!before || before.mfaRequired === required) return { changed: false };
		tx.update(organisations)
			.set({ mfaRequired: required })
			.where(eq(organisations.id, organisationId))
			.run();
		recordAuditEvent(
			tx,
			{
				userId: actorId,
				organisationId,
				action: 'organisation.mfa_requirement_changed',
				entityType: 'organisation',
				entityId: organisationId,
				before: { mfaRequired: before.mfaRequired },
				after: { mfaRequired: required }
			},
			now
		);
		return { changed: true };
	});
}

export type EndSessionsResult = { ok: true; name: string } | { ok: false };

/** Signs one of the organisation's people out everywhere, when the policy allows it. */
export function endSessionsOfMember(
	db: Db,
	actor: Person,
	organisationId: string,
	userId: string,
	now = new Date()
): EndSessionsResult {
	const target = db
		.select({
			id: users.id,
			email: users.email,
			name: users.name,
			isPlatformAdmin: users.isPlatformAdmin
		})
		.from(users)
		.where(eq(users.id, userId))
		.get();
	if (!target || !mayEndSessionsOf(actor, personFor(db, target), organisationId))
		return { ok: false };
	const ended = endAllSessionsOf(db, actor.id, userId, organisationId, now);
	return ended.ok ? { ok: true, name: ended.name } : { ok: false };
}

/** The organisation's people whom this person may sign out everywhere, by name. */
export function peopleWhoMayBeSignedOut(db: Db, actor: Person, organisationId: string) {
	const rows = db
		.selectDistinct({
			id: users.id,
			name: users.name,
			email: users.email,
			isPlatformAdmin: users.isPlatformAdmin
		})
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(eq(memberships.organisationId, organisationId))
		.orderBy(asc(users.name), asc(users.email))
		.all();
	return rows
		.filter((row) => mayEndSessionsOf(actor, personFor(db, row), organisationId))
		.map(({ id, name, email }) => ({ id, name, email }));
}
