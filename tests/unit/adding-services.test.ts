import { describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createService, listServices } from '$lib/server/services';
import { createGrouping, listGroupings, moveServicesIntoGrouping } from '$lib/server/groupings';
import { previewServiceList, saveServiceList } from '$lib/server/service-list';
import { auditEvents, groupings, services } from '$lib/server/db/schema';
import { describeAction, describeChange } from '$lib/domain/audit-labels';
import type { Db } from '$lib/server/db/client';
import { trustWithService } from './helpers/world';

const T0 = new Date('2026-03-02T10:00:00Z');
const organisationOf = (w: { organisationId: string }) => ({
	id: w.organisationId,
	groupingLabel: 'Directorate'
});
const eventsOf = (db: Db, action: string) =>
	db.select().from(auditEvents).where(eq(auditEvents.action, action)).all();
const total = (db: Db) => ({
	services: db.select({ n: count() }).from(services).get()!.n,
	groupings: db.select({ n: count() }).from(groupings).get()!.n,
	events: db.select({ n: count() }).from(auditEvents).get()!.n
});

function world() {
	const w = trustWithService();
	const adult = createGrouping(w.db, w.person, w.organisationId, 'Directorate', {
		name: 'Adult community'
	});
	if (!adult.ok) throw new Error(adult.message);
	return { ...w, adultId: adult.id };
}

describe('adding a pasted list of services', () => {
	it('adds every service and the groupings it names in one go, each with its audit event', () => {
		const w = world();
		const lines = Array.from({ length: 30 }, (_, i) =>
			[
				`Team ${String(i + 1).padStart(2, '0')}`,
				i % 2 ? 'Community mental health team' : 'acute inpatient ward',
				i % 3 ? 'adult community' : 'Inpatient'
			].join('\t')
		);
		const text = ['Service\tType\tDirectorate', ...lines].join('\n');
		const before = total(w.db);
		expect(saveServiceList(w.db, w.person, organisationOf(w), text, T0)).toEqual({
			ok: true,
			added: 30,
			groupingsAdded: 1
		});
		expect(total(w.db)).toEqual({
			services: before.services + 30,
			groupings: before.groupings + 1,
			events: before.events + 31
		});
		const added = listServices(w.db, w.organisationId).filter((s) => s.name.startsWith('Team'));
		expect(added).toHaveLength(30);
		expect(added[0]).toMatchObject({
			name: 'Team 01',
			type: 'Acute inpatient ward',
			groupingName: 'Inpatient'
		});
		expect(added[1]).toMatchObject({
			type: 'Community mental health team',
			groupingId: w.adultId
		});
		expect(listGroupings(w.db, w.organisationId).map((g) => [g.name, g.services])).toEqual([
			['Adult community', 20],
			['Inpatient', 10]
		]);
		const created = eventsOf(w.db, 'service.created').filter(
			(e) => e.at.getTime() === T0.getTime()
		);
		expect(created).toHaveLength(30);
		expect(created.every((e) => e.userId === w.person.id && e.serviceId === e.entityId)).toBe(true);
		expect(eventsOf(w.db, 'grouping.created').at(-1)).toMatchObject({
			after: { name: 'Inpatient' }
		});
	});

	it('saves nothing while any line has a problem, and checks again at saving', () => {
		const w = world();
		const before = total(w.db);
		const refused = saveServiceList(
			w.db,
			w.person,
			organisationOf(w),
			'Willow Ward\tAcute inpatient ward\tInpatient\nOak Ward\tWard',
			T0
		);
		expect(refused.ok).toBe(false);
		expect(!refused.ok && refused.preview.lines.map((l) => l.problems)).toEqual([
			[],
			['“Ward” is not one of the types of service']
		]);
		expect(total(w.db)).toEqual(before);

		// Previewed while fine, but someone added one of its services before it was saved.
		const text = 'Willow Ward\tAcute inpatient ward\nOak Ward\tAcute inpatient ward';
		expect(
			previewServiceList(w.db, organisationOf(w), text).lines.every((l) => !l.problems.length)
		).toBe(true);
		expect(
			createService(w.db, w.person, w.organisationId, { name: 'Oak Ward', type: 'Other' }).ok
		).toBe(true);
		const late = saveServiceList(w.db, w.person, organisationOf(w), text, T0);
		expect(!late.ok && late.preview.lines[1].problems).toEqual([
			'the organisation already has a service called “Oak Ward”'
		]);
		expect(total(w.db).services).toBe(before.services + 1);
	});
});

describe('choosing the grouping of one new service', () => {
	it('finds a grouping by the name typed, in any capitals, or creates it with the service', () => {
		const w = world();
		const named = createService(w.db, w.person, w.organisationId, {
			name: 'Bridgeford CMHT',
			type: 'Community mental health team',
			groupingName: 'ADULT community'
		});
		expect(
			named.ok && listServices(w.db, w.organisationId).find((s) => s.id === named.id)
		).toMatchObject({
			groupingId: w.adultId
		});

		const before = total(w.db);
		const fresh = createService(w.db, w.person, w.organisationId, {
			name: 'Willow Ward',
			type: 'Acute inpatient ward',
			groupingName: 'Inpatient'
		});
		expect(fresh.ok).toBe(true);
		expect(total(w.db)).toEqual({
			services: before.services + 1,
			groupings: before.groupings + 1,
			events: before.events + 2
		});
		expect(
			fresh.ok && listServices(w.db, w.organisationId).find((s) => s.id === fresh.id)?.groupingName
		).toBe('Inpatient');
	});

	it('refuses a grouping both chosen and typed, creating nothing', () => {
		const w = world();
		const before = total(w.db);
		expect(
			createService(w.db, w.person, w.organisationId, {
				name: 'Willow Ward',
				type: 'Acute inpatient ward',
				groupingId: w.adultId,
				groupingName: 'Inpatient'
			})
		).toEqual({
			ok: false,
			field: 'groupingName',
			message: 'Choose a directorate from the list, or type the name of a new one, not both'
		});
		expect(total(w.db)).toEqual(before);
	});
});

describe('putting services in a grouping', () => {
	it('moves the services chosen into it, recording each that moves', () => {
		const w = world();
		const willow = createService(w.db, w.person, w.organisationId, {
			name: 'Willow Ward',
			type: 'Acute inpatient ward',
			groupingName: 'Inpatient'
		});
		if (!willow.ok) throw new Error(willow.message);
		expect(
			moveServicesIntoGrouping(
				w.db,
				w.person,
				w.organisationId,
				w.adultId,
				[w.serviceId, willow.id, w.serviceId],
				T0
			)
		).toEqual({ ok: true, moved: 2 });
		expect(listGroupings(w.db, w.organisationId).map((g) => [g.name, g.services])).toEqual([
			['Adult community', 2],
			['Inpatient', 0]
		]);
		const first = eventsOf(w.db, 'service.grouping_changed').find(
			(e) => e.serviceId === w.serviceId
		)!;
		expect(first).toMatchObject({
			serviceId: w.serviceId,
			before: { name: 'Ashford CMHT', groupingId: null },
			after: { name: 'Ashford CMHT', groupingId: w.adultId, groupingName: 'Adult community' }
		});
		expect(describeAction(first.action)).toBe('Put a service in a grouping');
		expect(describeChange(first)).toBe('Ashford CMHT → Adult community');

		// Already there: nothing to record.
		expect(
			moveServicesIntoGrouping(w.db, w.person, w.organisationId, w.adultId, [w.serviceId], T0)
		).toEqual({ ok: true, moved: 0 });
		expect(eventsOf(w.db, 'service.grouping_changed')).toHaveLength(2);
	});

	it('refuses a service that is not the organisation’s, moving none', () => {
		const w = world();
		const before = total(w.db);
		expect(
			moveServicesIntoGrouping(w.db, w.person, w.organisationId, w.adultId, [
				w.serviceId,
				'not-ours'
			])
		).toEqual({ ok: false, field: 'serviceIds', message: 'Select services from the list' });
		expect(total(w.db)).toEqual(before);
		expect(listServices(w.db, w.organisationId)[0].groupingId).toBeNull();
	});
});
