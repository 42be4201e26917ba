import { describe, expect, it } from 'vitest';
import { firstRunChecklist, type FirstRunFacts } from '$lib/domain/first-run';
import { firstRunFacts } from '$lib/server/first-run';
import { createService } from '$lib/server/services';
import { createGrouping } from '$lib/server/groupings';
import { createInvitation, withdrawInvitation } from '$lib/server/invitations';
import { memberships } from '$lib/server/db/schema';
import { newId } from '$lib/server/ids';
import { insertUser } from './helpers/db';
import { openedRound, trustWithService } from './helpers/world';

const none: FirstRunFacts = { services: 0, groupedServices: 0, ledServices: 0, rounds: 0 };

describe('the first-run checklist', () => {
	it('starts with nothing done', () => {
		expect(firstRunChecklist(none, 'directorate')).toEqual([
			{ step: 'services', done: false, progress: null },
			{ step: 'groupings', done: false, progress: null },
			{ step: 'leads', done: false, progress: null },
			{ step: 'round', done: false, progress: null }
		]);
	});

	it('ticks a step over the services once it is done for every one of them, saying how far it has got', () => {
		const partly = firstRunChecklist(
			{ services: 30, groupedServices: 12, ledServices: 1, rounds: 0 },
			'care group'
		);
		expect(partly).toEqual([
			{ step: 'services', done: true, progress: '30 services added' },
			{ step: 'groupings', done: false, progress: '12 of 30 services in a care group' },
			{ step: 'leads', done: false, progress: '1 of 30 services with a lead or a lead invited' },
			{ step: 'round', done: false, progress: null }
		]);
		const all = firstRunChecklist(
			{ services: 1, groupedServices: 1, ledServices: 1, rounds: 0 },
			'directorate'
		);
		expect(all?.map((i) => [i.step, i.done])).toEqual([
			['services', true],
			['groupings', true],
			['leads', true],
			['round', false]
		]);
		expect(all?.[0].progress).toBe('1 service added');
	});

	it('is gone once the organisation has a round', () => {
		expect(firstRunChecklist({ ...none, services: 3, rounds: 1 }, 'directorate')).toBeNull();
	});
});

describe('what the checklist is ticked from', () => {
	it('counts services, those in a grouping, those with a lead or a lead invited, and rounds', () => {
		const w = trustWithService();
		const now = new Date('2026-03-02T10:00:00Z');
		expect(firstRunFacts(w.db, w.organisationId, now)).toEqual({
			services: 1,
			groupedServices: 0,
			ledServices: 0,
			rounds: 0
		});

		const grouping = createGrouping(w.db, w.person, w.organisationId, 'Directorate', {
			name: 'Inpatient'
		});
		if (!grouping.ok) throw new Error(grouping.message);
		const ids = ['Willow Ward', 'Oak Ward', 'Elm Ward'].map((name) => {
			const created = createService(w.db, w.person, w.organisationId, {
				name,
				type: 'Acute inpatient ward',
				groupingId: grouping.id
			});
			if (!created.ok) throw new Error(created.message);
			return created.id;
		});
		const [willow, oak, elm] = ids;

		// Willow has a lead; Oak a lead invited; Elm's invitation was withdrawn; a rater is no lead.
		const lead = insertUser(w.db);
		w.db
			.insert(memberships)
			.values({
				id: newId(),
				userId: lead.id,
				organisationId: w.organisationId,
				serviceId: willow,
				role: 'service_lead',
				createdAt: now
			})
			.run();
		const invite = (serviceId: string, role: 'service_lead' | 'rater', email: string) => {
			const made = createInvitation(
				w.db,
				w.person,
				w.organisationId,
				{ email, role, serviceId },
				now
			);
			if (!made.ok) throw new Error('not invited');
			return made.id;
		};
		invite(oak, 'service_lead', 'oak.lead@trust.example');
		const withdrawn = invite(elm, 'service_lead', 'elm.lead@trust.example');
		expect(withdrawInvitation(w.db, w.person, w.organisationId, withdrawn, now)).toEqual({
			ok: true
		});
		invite(elm, 'rater', 'elm.rater@trust.example');

		expect(firstRunFacts(w.db, w.organisationId, now)).toEqual({
			services: 4,
			groupedServices: 3,
			ledServices: 2,
			rounds: 0
		});
		// An invitation nobody answered in time no longer counts.
		const later = new Date(now.getTime() + 8 * 24 * 60 * 60 * 1000);
		expect(firstRunFacts(w.db, w.organisationId, later).ledServices).toBe(1);

		openedRound(w, 'Spring 2026', '2026-03-01', now);
		expect(firstRunFacts(w.db, w.organisationId, now).rounds).toBe(1);
	});
});
