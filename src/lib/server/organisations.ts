import { asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from './db/client';
import { memberships, organisations } from './db/schema';
import { newId } from './ids';
import { recordAuditEvent } from './audit/record';
import { requiredText } from './forms';
import type { Person } from './access/policy';

export const organisationInputSchema = z.object({
	name: requiredText('the organisation name', 200),
	odsCode: z
		.string()
		.trim()
		.toUpperCase()
		.max(10, 'ODS code must be 10 characters or fewer')
		.regex(/^[A-Z0-9]*$/, 'ODS code must contain only letters and numbers, like RV3')
		.default(''),
	groupingLabel: requiredText('what your organisation calls its groups of services', 40)
});

export type OrganisationInput = z.infer<typeof organisationInputSchema>;

/** Organisations the person belongs to; platform administrators see every organisation's name. */
export function listOrganisationsFor(db: Db, person: Person) {
	const query = db
		.select({ id: organisations.id, name: organisations.name, odsCode: organisations.odsCode })
		.from(organisations)
		.orderBy(asc(organisations.name));
	if (person.isPlatformAdmin) return query.all();
	const ids = [...new Set(person.memberships.map((m) => m.organisationId))];
	if (ids.length === 0) return [];
	return query.where(inArray(organisations.id, ids)).all();
}

export function getOrganisation(db: Db, organisationId: string) {
	return db.select().from(organisations).where(eq(organisations.id, organisationId)).get();
}

/** Creates an organisation and makes its creator its first administrator. */
export function createOrganisation(
	db: Db,
	person: Person,
	input: OrganisationInput,
	now = new Date()
) {
	const id = newId();
	const row = {
		id,
		name: input.name,
		odsCode: input.odsCode || null,
		groupingLabel: input.groupingLabel,
		createdAt: now
	};
	db.transaction((tx) => {
		tx.insert(organisations).values(row).run();
		const membership: typeof memberships.$inferInsert = {
			id: newId(),
			userId: person.id,
			organisationId: id,
			serviceId: null,
			role: 'organisation_admin',
			createdAt: now
		};
		tx.insert(memberships).values(membership).run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId: id,
				action: 'organisation.created',
				entityType: 'organisation',
				entityId: id,
				after: row
			},
			now
		);
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId: id,
				action: 'membership.created',
				entityType: 'membership',
				entityId: membership.id,
				after: membership
			},
			now
		);
	});
	return id;
}
