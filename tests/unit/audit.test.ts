import { describe, expect, it, vi } from 'vitest';
import { isHttpError, isRedirect } from '@sveltejs/kit';
import { count, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { createOrganisation } from '$lib/server/organisations';
import { createService } from '$lib/server/services';
import { closeRound, openRound } from '$lib/server/rounds/transitions';
import { createRound } from '$lib/server/rounds/form';
import { roundParticipants } from '$lib/server/rounds/progress';
import { getAssessment } from '$lib/server/assessments/queries';
import { saveAssessment } from '$lib/server/assessments/save';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { AUDIT_CSV_HEADER, auditCsvRecord } from '$lib/server/audit/csv';
import {
	auditFilterChoiceErrors,
	auditFilterQuery,
	parseAuditFilters,
	type AuditFilters
} from '$lib/server/audit/filters';
import { recordAuditEvent } from '$lib/server/audit/record';
import {
	auditTrail,
	auditTrailBatches,
	auditTrailPeople,
	auditTrailServices
} from '$lib/server/audit/trail';
import { describeAction, describeChange } from '$lib/domain/audit-labels';
import { auditEvents, frameworks, services } from '$lib/server/db/schema';
import * as schema from '$lib/server/db/schema';
import type { Db } from '$lib/server/db/client';
import type { Person } from '$lib/server/access/policy';
import { freshDb, insertUser } from './helpers/db';

const shared = { db: undefined as unknown as Db };

const { load } = await import('../../src/routes/organisations/[organisation]/audit/+page.server');
const { GET } = await import('../../src/routes/organisations/[organisation]/audit.csv/+server');

const at = (iso: string) => new Date(iso);
const T0 = at('2026-01-05T09:00:00Z');

function personWith(db: Db, name: string, memberships: Person['memberships'] = []): Person {
	const user = insertUser(db, {
		name,
		email: `${name.toLowerCase().replace(/\W+/g, '.')}@trust.example`
	});
	return { id: user.id, isPlatformAdmin: false, memberships };
}

/** Two organisations, each with an administrator, and a service in the first. */
function world() {
	const db = freshDb();
	const admin = personWith(db, 'Priya Shah');
	const organisationId = createOrganisation(
		db,
		admin,
		{ name: 'Northmoor Trust', odsCode: 'RX1', groupingLabel: 'Directorate' },
		T0
	);
	admin.memberships.push({ organisationId, serviceId: null, role: 'organisation_admin' });
	const colleague = personWith(db, 'Tom Whitfield', [
		{ organisationId, serviceId: null, role: 'organisation_admin' }
	]);
	const service = createService(
		db,
		admin,
		organisationId,
		{ name: 'Ashford CMHT', type: 'Community mental health team' },
		T0
	);
	if (!service.ok) throw new Error('service not created');

	const outsider = personWith(db, 'Grace Okafor');
	const otherOrganisationId = createOrganisation(
		db,
		outsider,
		{ name: 'Eastgate Trust', odsCode: '', groupingLabel: 'Locality' },
		T0
	);
	const otherService = createService(
		db,
		outsider,
		otherOrganisationId,
		{ name: 'Eastgate CMHT', type: 'Community mental health team' },
		T0
	);
	if (!otherService.ok) throw new Error('service not created');

	const frameworkId = db.select().from(frameworks).get()!.id;
	shared.db = db;
	return {
		db,
		admin,
		colleague,
		outsider,
		organisationId,
		serviceId: service.id,
		otherOrganisationId,
		otherServiceId: otherService.id,
		frameworkId
	};
}

type World = ReturnType<typeof world>;

const eventCount = (db: Db) => db.select({ n: count() }).from(auditEvents).get()!.n;

function addService(
	w: World,
	person: Person,
	name: string,
	now: Date,
	organisationId = w.organisationId
) {
	const created = createService(
		w.db,
		person,
		organisationId,
		{ name, type: 'Peer support service' },
		now
	);
	if (!created.ok) throw new Error(created.message);
	return created.id;
}

function draftRound(w: World, now = T0) {
	const round = createRound(
		w.db,
		w.admin,
		w.organisationId,
		{
			title: 'Spring 2026 recovery audit',
			frameworkId: w.frameworkId,
			serviceIds: [w.serviceId],
			periodStart: '2026-01-01',
			periodEnd: '2026-06-30'
		},
		now
	);
	if (!round.ok) throw new Error(round.message);
	return round.id;
}

const names = (w: World, filters: AuditFilters = {}) =>
	auditTrail(w.db, w.organisationId, filters, { limit: 1000 }).events.map(
		(e) => `${e.action} ${e.details}`
	);

describe('audit events are written with their change, in its transaction', () => {
	it('writes exactly the events of a successful change, with who, when, what, before and after', () => {
		const w = world();
		const before = eventCount(w.db);
		const when = at('2026-02-02T10:15:00Z');
		const serviceId = addService(w, w.colleague, 'Moorside Peer Support', when);
		const events = w.db.select().from(auditEvents).all().slice(before);
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({
			userId: w.colleague.id,
			organisationId: w.organisationId,
			serviceId,
			action: 'service.created',
			entityType: 'service',
			entityId: serviceId,
			at: when,
			before: null
		});
		expect(events[0].after).toMatchObject({
			name: 'Moorside Peer Support',
			type: 'Peer support service'
		});

		const roundId = draftRound(w);
		const opened = eventCount(w.db);
		expect(openRound(w.db, w.admin, w.organisationId, roundId, when)).toEqual({ ok: true });
		const [openedEvent, ...more] = w.db.select().from(auditEvents).all().slice(opened);
		expect(more).toEqual([]);
		expect(openedEvent).toMatchObject({
			action: 'round.opened',
			before: { status: 'draft' },
			after: { status: 'open' }
		});
	});

	it('leaves no event when the transaction it was written in fails', () => {
		const w = world();
		const before = eventCount(w.db);
		expect(() =>
			w.db.transaction((tx) => {
				tx.insert(services)
					.values({
						id: 'doomed',
						organisationId: w.organisationId,
						name: 'Doomed',
						type: 'Other',
						createdAt: T0
					})
					.run();
				recordAuditEvent(tx, {
					userId: w.admin.id,
					organisationId: w.organisationId,
					serviceId: 'doomed',
					action: 'service.created',
					entityType: 'service',
					entityId: 'doomed'
				});
				throw new Error('boom');
			})
		).toThrow('boom');
		expect(eventCount(w.db)).toBe(before);
		expect(w.db.select().from(services).where(eq(services.id, 'doomed')).get()).toBeUndefined();
	});

	it('writes nothing when a real change is refused', () => {
		const w = world();
		const roundId = draftRound(w);
		const before = eventCount(w.db);

		expect(
			createService(w.db, w.admin, w.organisationId, { name: 'Ashford CMHT', type: 'Other' })
		).toMatchObject({ ok: false });
		expect(closeRound(w.db, w.admin, w.organisationId, roundId)).toMatchObject({
			ok: false,
			status: 409
		});
		expect(openRound(w.db, w.admin, w.organisationId, roundId)).toEqual({ ok: true });
		const afterOpening = eventCount(w.db);
		expect(afterOpening).toBe(before + 1);
		expect(openRound(w.db, w.admin, w.organisationId, roundId)).toMatchObject({
			ok: false,
			status: 409
		});
		expect(eventCount(w.db)).toBe(afterOpening);
	});
});

describe('reading the trail', () => {
	it('shows newest first, with names, services and plain descriptions', () => {
		const w = world();
		const roundId = draftRound(w, at('2026-02-01T09:00:00Z'));
		openRound(w.db, w.admin, w.organisationId, roundId, at('2026-02-01T09:30:00Z'));
		const assessmentId = roundParticipants(w.db, roundId)[0].assessmentId!;
		const assessment = getAssessment(w.db, w.organisationId, roundId, assessmentId)!;
		const [first] = frameworkContent(w.db, w.frameworkId).challenges;
		const save = (level: number, evidence: string, revision: number, now: Date) =>
			saveAssessment(
				w.db,
				w.colleague,
				assessment,
				w.organisationId,
				{
					scores: [
						{
							challengeId: first.id,
							level,
							evidence,
							rationale: '',
							evidenceSources: [],
							nextStep: '',
							revision,
							original: ''
						}
					],
					teamResources: '',
					priorities: []
				},
				{ now }
			);
		expect(save(2, 'Seen in care plans', 0, at('2026-02-02T09:00:00Z'))).toEqual({ ok: true });
		expect(save(3, 'Seen in care plans', 1, at('2026-02-03T09:00:00Z'))).toEqual({ ok: true });

		const { events, total } = auditTrail(w.db, w.organisationId);
		expect(total).toBe(events.length);
		expect(events.map((e) => e.action)).toEqual([
			'agreed_score.updated',
			'agreed_score.created',
			'round.opened',
			'round.created',
			'service.created',
			'membership.created',
			'organisation.created'
		]);
		const [updated, created, opened, roundCreated, serviceCreated, membership, organisation] =
			events;
		expect(updated).toMatchObject({
			person: 'Tom Whitfield',
			personEmail: 'tom.whitfield@trust.example',
			serviceName: 'Ashford CMHT',
			description: 'Changed an agreed score',
			details: 'Spring 2026 recovery audit · Day-to-day interactions: level 2 → 3'
		});
		expect(created.details).toBe(
			'Spring 2026 recovery audit · Day-to-day interactions: level 2, evidence added'
		);
		expect(opened).toMatchObject({
			description: 'Opened a round',
			details: 'Spring 2026 recovery audit: Draft → Open',
			serviceName: null
		});
		expect(roundCreated.details).toBe(
			'Spring 2026 recovery audit, 1 January 2026 to 30 June 2026, 1 service'
		);
		expect(serviceCreated).toMatchObject({
			description: 'Added a service',
			details: 'Ashford CMHT (Community mental health team)'
		});
		expect(membership).toMatchObject({
			description: 'Gave a role',
			details: 'Priya Shah: Organisation administrator'
		});
		expect(organisation).toMatchObject({
			person: 'Priya Shah',
			description: 'Created the organisation',
			details: 'Northmoor Trust (RX1)'
		});
	});

	it('names the app itself as System', () => {
		const w = world();
		recordAuditEvent(
			w.db,
			{
				userId: null,
				organisationId: w.organisationId,
				action: 'framework.loaded',
				entityType: 'framework',
				entityId: w.frameworkId
			},
			at('2026-03-01T00:00:00Z')
		);
		const [event] = auditTrail(w.db, w.organisationId).events;
		expect(event).toMatchObject({
			person: 'System',
			personEmail: null,
			description: 'framework.loaded'
		});
	});

	it('filters by person and by service', () => {
		const w = world();
		const moorside = addService(
			w,
			w.colleague,
			'Moorside Peer Support',
			at('2026-02-01T10:00:00Z')
		);
		addService(w, w.admin, 'Willow Ward', at('2026-02-02T10:00:00Z'));

		expect(names(w, { person: w.colleague.id })).toEqual([
			'service.created Moorside Peer Support (Peer support service)'
		]);
		expect(names(w, { person: w.admin.id })).toEqual([
			'service.created Willow Ward (Peer support service)',
			'service.created Ashford CMHT (Community mental health team)',
			'membership.created Priya Shah: Organisation administrator',
			'organisation.created Northmoor Trust (RX1)'
		]);
		expect(names(w, { service: moorside })).toEqual([
			'service.created Moorside Peer Support (Peer support service)'
		]);
		expect(names(w, { service: moorside, person: w.admin.id })).toEqual([]);
	});

	it('filters by London calendar day, across the spring clock change', () => {
		const w = world();
		addService(w, w.admin, 'Sat 23:30 GMT', at('2026-03-28T23:30:00Z'));
		addService(w, w.admin, 'Sun 00:30 GMT', at('2026-03-29T00:30:00Z'));
		addService(w, w.admin, 'Sun 23:30 BST', at('2026-03-29T22:30:00Z'));
		addService(w, w.admin, 'Mon 00:30 BST', at('2026-03-29T23:30:00Z'));
		const day = (filters: AuditFilters) =>
			names(w, filters).map((n) => n.replace(/^service\.created | \(.*$/g, ''));

		expect(day({ from: '2026-03-29', to: '2026-03-29' })).toEqual([
			'Sun 23:30 BST',
			'Sun 00:30 GMT'
		]);
		expect(day({ from: '2026-03-29' })).toEqual([
			'Mon 00:30 BST',
			'Sun 23:30 BST',
			'Sun 00:30 GMT'
		]);
		expect(day({ from: '2026-03-28', to: '2026-03-28' })).toEqual(['Sat 23:30 GMT']);
	});

	it('filters by London calendar day, across the autumn clock change', () => {
		const w = world();
		addService(w, w.admin, 'Sat 23:30 BST', at('2026-10-24T22:30:00Z'));
		addService(w, w.admin, 'Sun 00:30 BST', at('2026-10-24T23:30:00Z'));
		addService(w, w.admin, 'Sun 23:30 GMT', at('2026-10-25T23:30:00Z'));
		addService(w, w.admin, 'Mon 00:30 GMT', at('2026-10-26T00:30:00Z'));
		const day = (filters: AuditFilters) =>
			names(w, filters).map((n) => n.replace(/^service\.created | \(.*$/g, ''));

		expect(day({ from: '2026-10-25', to: '2026-10-25' })).toEqual([
			'Sun 23:30 GMT',
			'Sun 00:30 BST'
		]);
		expect(day({ from: '2026-10-24', to: '2026-10-24' })).toEqual(['Sat 23:30 BST']);
		expect(day({ from: '2026-10-26', to: '2026-10-26' })).toEqual(['Mon 00:30 GMT']);
	});

	it('never shows another organisation’s events, whatever the filters', () => {
		const w = world();
		addService(
			w,
			w.admin,
			'Eastgate Day Service',
			at('2026-02-01T10:00:00Z'),
			w.otherOrganisationId
		);
		const ours = auditTrail(w.db, w.organisationId, {}, { limit: 1000 }).events;
		expect(ours.map((e) => e.details).join(' ')).not.toMatch(/Eastgate/);
		expect(auditTrail(w.db, w.organisationId, { person: w.outsider.id }).total).toBe(0);
		expect(auditTrail(w.db, w.organisationId, { service: w.otherServiceId }).total).toBe(0);
		expect(auditTrailPeople(w.db, w.organisationId).map((p) => p.name)).toEqual(['Priya Shah']);
		expect(auditTrailServices(w.db, w.organisationId).map((s) => s.name)).toEqual(['Ashford CMHT']);
		expect(
			auditFilterChoiceErrors(w.db, w.organisationId, {
				person: w.outsider.id,
				service: w.otherServiceId
			})
		).toEqual({
			person: 'Select a person from the list',
			service: 'Select a service from the list'
		});
		expect(
			auditFilterChoiceErrors(w.db, w.organisationId, { person: w.admin.id, service: w.serviceId })
		).toEqual({});
	});

	it('pages through the trail with a total, and downloads it in batches without gaps or repeats', () => {
		const w = world();
		// Several events in one instant, as one transaction writes them, straddle the batch edges.
		for (let i = 1; i <= 7; i++)
			addService(w, w.colleague, `Service ${i}`, at(`2026-02-0${Math.ceil(i / 3)}T10:00:00Z`));
		const all = auditTrail(w.db, w.organisationId, {}, { limit: 1000 });
		expect(all.total).toBe(10);

		const pages = [0, 4, 8].map((offset) =>
			auditTrail(w.db, w.organisationId, {}, { limit: 4, offset })
		);
		expect(pages.map((p) => p.total)).toEqual([10, 10, 10]);
		expect(pages.map((p) => p.events.length)).toEqual([4, 4, 2]);
		expect(pages.flatMap((p) => p.events.map((e) => e.id))).toEqual(all.events.map((e) => e.id));
		expect(all.events.slice(0, 3).map((e) => e.details.split(' (')[0])).toEqual([
			'Service 7',
			'Service 6',
			'Service 5'
		]);

		const filtered = auditTrail(
			w.db,
			w.organisationId,
			{ person: w.colleague.id },
			{ limit: 2, offset: 2 }
		);
		expect(filtered.total).toBe(7);
		expect(filtered.events.map((e) => e.details.split(' (')[0])).toEqual([
			'Service 5',
			'Service 4'
		]);

		for (const size of [1, 2, 3, 10, 11]) {
			const batched = [...auditTrailBatches(w.db, w.organisationId, {}, size)].flat();
			expect(
				batched.map((e) => e.id),
				`batches of ${size}`
			).toEqual(all.events.map((e) => e.id));
		}
		expect([...auditTrailBatches(w.db, w.organisationId, { person: w.outsider.id })]).toEqual([]);
	});

	it('filters, sorts and pages in SQL on the trail’s indexes', () => {
		const w = world();
		const queries: { sql: string; params: unknown[] }[] = [];
		const logged = drizzle(w.db.$client, {
			schema,
			logger: { logQuery: (sql, params) => queries.push({ sql, params }) }
		}) as unknown as Db;
		const filterSets: AuditFilters[] = [
			{},
			{ person: w.admin.id },
			{ service: w.serviceId },
			{ from: '2026-01-01', to: '2026-01-31' },
			{ person: w.admin.id, service: w.serviceId, from: '2026-01-01' }
		];
		for (const filters of filterSets) {
			queries.length = 0;
			auditTrail(logged, w.organisationId, filters, { limit: 50, offset: 0 });
			Array.from(auditTrailBatches(logged, w.organisationId, filters, 2));
			expect(queries.length).toBeGreaterThan(2);
			for (const query of queries) {
				const plan = (
					w.db.$client.prepare(`explain query plan ${query.sql}`).all(...query.params) as {
						detail: string;
					}[]
				)
					.map((row) => row.detail)
					.join('\n');
				expect(plan, `${JSON.stringify(filters)}\n${query.sql}`).toMatch(
					/(SEARCH|SCAN) (audit_event|"audit_event") USING (COVERING )?INDEX audit_event_(organisation|user|service)_at_idx/
				);
				expect(plan).not.toMatch(/TEMP B-TREE/);
				expect(plan).not.toMatch(/SCAN (?!audit_event)/);
			}
		}
	});
});

describe('describing events', () => {
	it('has a plain description for each action, and shows an unknown one as recorded', () => {
		expect(describeAction('agreed_score.updated')).toBe('Changed an agreed score');
		expect(describeAction('round.opened')).toBe('Opened a round');
		expect(describeAction('membership.created')).toBe('Gave a role');
		expect(describeAction('invitation.created')).toBe('Sent an invitation');
		for (const action of [
			'invitation.withdrawn',
			'invitation.accepted',
			'membership.removed',
			'organisation.created',
			'service.created',
			'round.created',
			'round.closed',
			'assessment.completed',
			'agreed_score.created'
		]) {
			expect(describeAction(action)).not.toBe(action);
		}
		expect(describeAction('user.disabled')).toBe('user.disabled');
		expect(describeAction('toString')).toBe('toString');
	});

	it('reads events recorded under the old word "revoked" as the events that replaced them', () => {
		const names = { memberName: 'Jo Bloggs', roleLabels: { rater: 'Rater' } };
		for (const [old, now] of [
			['membership.revoked', 'membership.removed'],
			['invitation.revoked', 'invitation.withdrawn']
		]) {
			expect(describeAction(old)).toBe(describeAction(now));
			const change = { before: { userId: 'u1', role: 'rater' }, after: { status: 'withdrawn' } };
			expect(describeChange({ action: old, ...change }, names)).toBe(
				describeChange({ action: now, ...change }, names)
			);
		}
		expect(describeAction('membership.removed')).toBe('Removed a role');
		expect(describeAction('invitation.withdrawn')).toBe('Withdrew an invitation');
	});

	it('summarises changes briefly and never shows anything that looks like a secret', () => {
		const roleLabels = { service_lead: 'Service lead' };
		expect(
			describeChange({
				action: 'agreed_score.updated',
				before: { level: 2, evidence: 'a' },
				after: { level: null, evidence: 'a' }
			})
		).toBe('level 2 → no level');
		expect(
			describeChange(
				{
					action: 'invitation.created',
					before: null,
					after: { email: 'jo@trust.example', role: 'service_lead' }
				},
				{ roleLabels }
			)
		).toBe('jo@trust.example as Service lead');
		expect(
			describeChange(
				{ action: 'invitation.accepted', before: null, after: null },
				{ invitationEmail: 'jo@trust.example', invitationRole: 'service_lead', roleLabels }
			)
		).toBe('jo@trust.example as Service lead');
		expect(
			describeChange(
				{
					action: 'membership.removed',
					before: { userId: 'u1', role: 'service_lead' },
					after: null
				},
				{ memberName: 'Jo Bloggs', roleLabels }
			)
		).toBe('Jo Bloggs: Service lead');
		expect(
			describeChange(
				{
					action: 'assessment.completed',
					before: { status: 'in_progress' },
					after: { status: 'complete' }
				},
				{ roundTitle: 'Spring' }
			)
		).toBe('Spring: Agreeing → Complete');
		const generic = describeChange({
			action: 'user.renamed',
			before: { name: 'Jo', passwordHash: 'x', tokenHash: 'y' },
			after: { name: 'Joanna', userId: 'u1' }
		});
		expect(generic).toBe('Jo → Joanna');
		expect(
			describeChange({ action: 'x', before: null, after: { note: 'n'.repeat(500) } }).length
		).toBeLessThanOrEqual(160);
		const action = {
			title: 'Forum',
			status: 'in_progress',
			dueDate: '2026-09-30',
			ownerName: 'Jo',
			outcome: ''
		};
		expect(describeChange({ action: 'action.created', before: null, after: action })).toBe(
			'Forum, due 30 September 2026'
		);
		expect(
			describeChange({
				action: 'action.updated',
				before: action,
				after: { ...action, status: 'done', outcome: 'Met monthly' }
			})
		).toBe('Forum: In progress → Done; changed outcome');
		expect(
			describeChange({
				action: 'action.updated',
				before: action,
				after: { ...action, ownerName: 'Sam' }
			})
		).toBe('Forum: changed owner');
		expect(
			describeChange({
				action: 'action.reviewed',
				before: null,
				after: { decision: 'carried_forward', note: '' }
			})
		).toBe('Carry forward');
	});

	it('writes one CSV record per event, with both times and the full before and after', () => {
		const w = world();
		const [event] = auditTrail(w.db, w.organisationId, { person: w.admin.id }, { limit: 1 }).events;
		const record = auditCsvRecord(event);
		expect(record).toHaveLength(AUDIT_CSV_HEADER.length);
		expect(record.slice(0, 9)).toEqual([
			'2026-01-05T09:00:00.000Z',
			'05/01/2026 09:00:00',
			'Priya Shah',
			'priya.shah@trust.example',
			'Ashford CMHT',
			'service.created',
			'Added a service',
			'service',
			w.serviceId
		]);
		expect(record[9]).toBe('');
		expect(JSON.parse(String(record[10]))).toMatchObject({
			name: 'Ashford CMHT',
			type: 'Community mental health team'
		});
	});
});

describe('the trail’s URL filters', () => {
	const parse = (query: string) => parseAuditFilters(new URLSearchParams(query));

	it('reads ISO dates from a link and day, month and year from the form', () => {
		expect(parse('')).toEqual({
			ok: true,
			filters: { person: undefined, service: undefined, from: undefined, to: undefined },
			page: 1
		});
		expect(parse('person=abc&service=def&from=2026-03-29&to=2026-10-25&page=3')).toMatchObject({
			ok: true,
			filters: { person: 'abc', service: 'def', from: '2026-03-29', to: '2026-10-25' },
			page: 3
		});
		expect(
			parse('person=&service=&fromDay=1&fromMonth=4&fromYear=2026&toDay=&toMonth=&toYear=')
		).toMatchObject({
			ok: true,
			filters: { from: '2026-04-01', to: undefined }
		});
	});

	it('explains what is wrong with each filter', () => {
		expect(parse('fromDay=31&fromMonth=2&fromYear=2026')).toMatchObject({
			ok: false,
			errors: { fromDay: 'Enter the from date as a real date, like 1 4 2026' }
		});
		expect(parse('toMonth=ab')).toMatchObject({
			ok: false,
			errors: { toDay: 'Enter the to date as a real date, like 30 4 2026' }
		});
		expect(parse('from=2026-02-30')).toMatchObject({
			ok: false,
			errors: { fromDay: 'Enter the from date as a real date, like 1 4 2026' }
		});
		expect(parse('from=2026-05-01&to=2026-04-30')).toMatchObject({
			ok: false,
			errors: { toDay: 'The to date must be the same as or after the from date' }
		});
		expect(parse('person=%27%20or%201%3D1')).toMatchObject({
			ok: false,
			errors: { person: 'Select a person from the list' }
		});
		expect(parse(`service=${'x'.repeat(65)}`)).toMatchObject({
			ok: false,
			errors: { service: 'Select a service from the list' }
		});
		expect(parse('page=0')).toMatchObject({
			ok: false,
			errors: { form: 'The page number must be a whole number, like 2' }
		});
		expect(parse('page=two')).toMatchObject({
			ok: false,
			errors: { form: 'The page number must be a whole number, like 2' }
		});
	});

	it('writes the filters back in one short, stable form', () => {
		expect(auditFilterQuery({})).toBe('');
		expect(auditFilterQuery({ to: '2026-04-30', person: 'abc' }, 2)).toBe(
			'?person=abc&to=2026-04-30&page=2'
		);
		const parsed = parse('fromDay=1&fromMonth=4&fromYear=2026&person=abc&service=');
		expect(parsed.ok && auditFilterQuery(parsed.filters, parsed.page)).toBe(
			'?person=abc&from=2026-04-01'
		);
	});
});

describe('the audit trail page and its CSV download', () => {
	function requestFor(person: Person | null, organisationId: string, path: string) {
		const url = new URL(`http://localhost/organisations/${organisationId}/${path}`);
		return {
			params: { organisation: organisationId },
			url,
			locals: { person, db: shared.db },
			request: new Request(url)
		};
	}
	type LoadEvent = Parameters<typeof load>[0];
	type GetEvent = Parameters<typeof GET>[0];
	const visit = (person: Person | null, organisationId: string, query = '') =>
		load(requestFor(person, organisationId, `audit${query}`) as unknown as LoadEvent);
	const download = (person: Person | null, organisationId: string, query = '') =>
		GET(requestFor(person, organisationId, `audit.csv${query}`) as unknown as GetEvent);
	const thrown = (run: () => unknown) => {
		try {
			run();
		} catch (e) {
			return e;
		}
		throw new Error('expected the request to end');
	};

	it('lets organisation administrators in, sends others to sign in or a 404', async () => {
		const w = world();
		const lead = personWith(w.db, 'Dan Evans', [
			{ organisationId: w.organisationId, serviceId: w.serviceId, role: 'service_lead' }
		]);
		const facilitator = personWith(w.db, 'Aisha Rahman', [
			{ organisationId: w.organisationId, serviceId: null, role: 'facilitator' }
		]);
		vi.spyOn(console, 'warn').mockImplementation(() => {});

		const page = visit(w.admin, w.organisationId);
		expect(page?.organisation.name).toBe('Northmoor Trust');
		expect(page?.trail?.total).toBe(3);
		expect((await download(w.admin, w.organisationId)).status).toBe(200);

		for (const person of [lead, facilitator, w.outsider]) {
			for (const run of [
				() => visit(person, w.organisationId),
				() => download(person, w.organisationId)
			]) {
				const refusal = thrown(run);
				expect(isHttpError(refusal) && refusal.status).toBe(404);
			}
		}
		for (const run of [
			() => visit(null, w.organisationId),
			() => download(null, w.organisationId)
		]) {
			const refusal = thrown(run);
			expect(isRedirect(refusal) && refusal.location).toMatch(/^\/sign-in\?redirectTo=/);
		}
		vi.restoreAllMocks();
	});

	it('answers the filter form with the short address of the same view, and pages with filters kept', () => {
		const w = world();
		for (let i = 1; i <= 60; i++)
			addService(w, w.colleague, `Service ${i}`, at('2026-04-02T10:00:00Z'));
		const redirected = thrown(() =>
			visit(
				w.admin,
				w.organisationId,
				`?person=${w.colleague.id}&service=&fromDay=1&fromMonth=4&fromYear=2026&toDay=&toMonth=&toYear=`
			)
		);
		expect(isRedirect(redirected) && redirected.location).toBe(
			`/organisations/${w.organisationId}/audit?person=${w.colleague.id}&from=2026-04-01`
		);

		const page = visit(w.admin, w.organisationId, `?person=${w.colleague.id}&from=2026-04-01`)!;
		expect(page.values).toMatchObject({
			person: w.colleague.id,
			fromDay: '1',
			fromMonth: '4',
			fromYear: '2026',
			toDay: ''
		});
		expect(page.trail).toMatchObject({
			total: 60,
			page: 1,
			pages: 2,
			first: 1,
			last: 50,
			filtered: true,
			previousHref: null
		});
		expect(page.trail?.events).toHaveLength(50);
		expect(page.trail?.events[0]).toMatchObject({
			person: 'Tom Whitfield',
			when: '2 April 2026 at 11:00',
			description: 'Added a service'
		});
		expect(page.trail?.nextHref).toBe(
			`/organisations/${w.organisationId}/audit?person=${w.colleague.id}&from=2026-04-01&page=2`
		);
		expect(page.trail?.csvHref).toBe(
			`/organisations/${w.organisationId}/audit.csv?person=${w.colleague.id}&from=2026-04-01`
		);

		const second = visit(
			w.admin,
			w.organisationId,
			`?person=${w.colleague.id}&from=2026-04-01&page=2`
		)!;
		expect(second.trail).toMatchObject({ first: 51, last: 60, nextHref: null });
		expect(second.trail?.previousHref).toBe(
			`/organisations/${w.organisationId}/audit?person=${w.colleague.id}&from=2026-04-01`
		);
	});

	it('shows what is wrong with the filters instead of results, keeping what was typed', () => {
		const w = world();
		const page = visit(
			w.admin,
			w.organisationId,
			'?fromDay=31&fromMonth=2&fromYear=2026&person=nobody'
		)!;
		expect(page.trail).toBeNull();
		expect(page.errors).toEqual({ fromDay: 'Enter the from date as a real date, like 1 4 2026' });
		expect(page.values).toMatchObject({
			fromDay: '31',
			fromMonth: '2',
			fromYear: '2026',
			person: 'nobody'
		});

		const unknownPerson = visit(w.admin, w.organisationId, '?person=nobody')!;
		expect(unknownPerson.errors).toEqual({ person: 'Select a person from the list' });
	});

	it('downloads every matching event as CSV, refusing bad filters with a plain 400', async () => {
		const w = world();
		addService(w, w.colleague, '=HYPERLINK("http://evil.example")', at('2026-04-02T10:00:00Z'));
		const response = await download(w.admin, w.organisationId);
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(response.headers.get('content-disposition')).toMatch(
			/^attachment; filename="audit-trail-northmoor-trust-\d{4}-\d{2}-\d{2}\.csv"$/
		);
		const text = await response.text();
		const lines = text.replace(/^\uFEFF/, '').split('\r\n');
		expect(lines[0]).toBe(AUDIT_CSV_HEADER.join(','));
		expect(lines).toHaveLength(1 + 4 + 1);
		expect(lines.at(-1)).toBe('');
		expect(lines[1]).toMatch(
			/^2026-04-02T10:00:00\.000Z,02\/04\/2026 11:00:00,Tom Whitfield,tom\.whitfield@trust\.example,"'=HYPERLINK\(""http:\/\/evil\.example""\)",service\.created,Added a service,/
		);

		const filtered = await (
			await download(w.admin, w.organisationId, `?person=${w.colleague.id}`)
		).text();
		expect(filtered.split('\r\n')).toHaveLength(1 + 1 + 1);

		const refused = await download(w.admin, w.organisationId, '?from=yesterday');
		expect(refused.status).toBe(400);
		expect(refused.headers.get('content-type')).toMatch(/^text\/plain/);
		expect(await refused.text()).toMatch(/Enter the from date as a real date/);
		expect((await download(w.admin, w.organisationId, `?service=${w.otherServiceId}`)).status).toBe(
			400
		);
	});
});
