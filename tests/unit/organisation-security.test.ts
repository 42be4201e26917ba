import { describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createSession, validateSessionToken } from '$lib/server/auth/session';
import {
	endSessionsOfMember,
	mfaRequiredIn,
	peopleWhoMayBeSignedOut,
	setMfaRequired
} from '$lib/server/accounts/organisation-security';
import { auditEvents, memberships, sessions } from '$lib/server/db/schema';
import { may } from '$lib/server/access/policy';
import { newId } from '$lib/server/ids';
import { personFor } from '$lib/server/users';
import { insertUser } from './helpers/db';
import { trustWithService } from './helpers/world';

const limits = { idleMs: 8 * 3600_000, maxMs: 7 * 24 * 3600_000 };

function world() {
	const w = trustWithService();
	const join = (role: 'organisation_admin' | 'viewer', organisationId = w.organisationId) => {
		const user = insertUser(w.db);
		w.db
			.insert(memberships)
			.values({
				id: newId(),
				userId: user.id,
				organisationId,
				serviceId: null,
				role,
				createdAt: new Date()
			})
			.run();
		return personFor(w.db, { ...user, isPlatformAdmin: false });
	};
	const orgAdmin = join('organisation_admin');
	const viewer = join('viewer');
	const sessionsOf = (userId: string) =>
		w.db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId)).get()!.n;
	return { ...w, join, orgAdmin, viewer, sessionsOf };
}

describe("an organisation's sign-in settings", () => {
	it('its administrators can require two-step sign-in of everyone, and the change is recorded', () => {
		const w = world();
		expect(mfaRequiredIn(w.db, w.organisationId)).toBe(false);
		expect(setMfaRequired(w.db, w.orgAdmin.id, w.organisationId, true)).toEqual({ changed: true });
		expect(mfaRequiredIn(w.db, w.organisationId)).toBe(true);
		const events = w.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'organisation.mfa_requirement_changed'))
			.all();
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({
			organisationId: w.organisationId,
			before: { mfaRequired: false },
			after: { mfaRequired: true }
		});
		expect(setMfaRequired(w.db, w.orgAdmin.id, w.organisationId, true)).toEqual({ changed: false });
	});

	it('an administrator signs one of their people out everywhere, recorded in the organisation’s trail', () => {
		const w = world();
		createSession(w.db, w.viewer.id, limits);
		createSession(w.db, w.viewer.id, limits);
		expect(endSessionsOfMember(w.db, w.orgAdmin, w.organisationId, w.viewer.id).ok).toBe(true);
		expect(w.sessionsOf(w.viewer.id)).toBe(0);
		const event = w.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'account.sessions_ended_by_administrator'))
			.get();
		expect(event).toMatchObject({ organisationId: w.organisationId, entityId: w.viewer.id });
	});

	it('refuses, changing nothing, for someone outside the organisation, a platform administrator, oneself, or a non-administrator', () => {
		const w = world();
		const outsider = insertUser(w.db);
		for (const userId of [outsider.id, w.person.id, w.orgAdmin.id, w.viewer.id]) {
			createSession(w.db, userId, limits);
		}
		expect(endSessionsOfMember(w.db, w.orgAdmin, w.organisationId, outsider.id).ok).toBe(false);
		expect(endSessionsOfMember(w.db, w.orgAdmin, w.organisationId, w.person.id).ok).toBe(false);
		expect(endSessionsOfMember(w.db, w.orgAdmin, w.organisationId, w.orgAdmin.id).ok).toBe(false);
		expect(endSessionsOfMember(w.db, w.viewer, w.organisationId, w.orgAdmin.id).ok).toBe(false);
		for (const userId of [outsider.id, w.person.id, w.orgAdmin.id, w.viewer.id])
			expect(w.sessionsOf(userId)).toBe(1);
		expect(
			w.db
				.select()
				.from(auditEvents)
				.where(eq(auditEvents.action, 'account.sessions_ended_by_administrator'))
				.all()
		).toHaveLength(0);
		expect(peopleWhoMayBeSignedOut(w.db, w.orgAdmin, w.organisationId).map((p) => p.id)).toEqual([
			w.viewer.id
		]);
	});

	it('a session whose person lost a role keeps no rights from it: roles are read afresh for every request', () => {
		const w = world();
		const { token } = createSession(w.db, w.orgAdmin.id, limits);
		const asSeen = () => {
			const valid = validateSessionToken(w.db, token, limits)!;
			return personFor(w.db, valid.user);
		};
		expect(may(asSeen(), 'organisation.manage', { organisationId: w.organisationId })).toBe(true);
		w.db.delete(memberships).where(eq(memberships.userId, w.orgAdmin.id)).run();
		expect(validateSessionToken(w.db, token, limits)).not.toBeNull();
		expect(may(asSeen(), 'organisation.manage', { organisationId: w.organisationId })).toBe(false);
	});
});
