import { describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createOrganisation } from '$lib/server/organisations';
import { createService } from '$lib/server/services';
import { createGrouping, groupingInputSchema, listGroupings } from '$lib/server/groupings';
import {
	closeRound,
	openRound,
	reopenInputSchema,
	reopenRound
} from '$lib/server/rounds/transitions';
import {
	createRound,
	roundInputSchema,
	updateRound,
	type RoundInput
} from '$lib/server/rounds/form';
import { getRound, roundServiceIds } from '$lib/server/rounds/queries';
import { roundParticipants, roundProgress } from '$lib/server/rounds/progress';
import { getAssessment } from '$lib/server/assessments/queries';
import { parseForm } from '$lib/server/forms';
import { personFor } from '$lib/server/users';
import {
	agreedScores,
	assessments,
	auditEvents,
	challenges,
	frameworks
} from '$lib/server/db/schema';
import {
	assessmentStage,
	describeRoundProgress,
	summariseRoundProgress,
	whyAssessmentIsLocked,
	whyRoundCannotChange,
	whyRoundCannotReopen
} from '$lib/domain/rounds';
import { groupServices, groupingWord } from '$lib/domain/groupings';
import { describeAction, describeChange } from '$lib/domain/audit-labels';
import { freshDb, platformAdmin } from './helpers/db';
import type { Db } from '$lib/server/db/client';
import type { ServiceType } from '$lib/domain/services';

const T0 = new Date('2026-03-02T10:00:00Z');

/** Northmoor with two directorates of services, one service in none, and another trust beside it. */
function world() {
	const db = freshDb();
	const admin = platformAdmin(db);
	const organisationId = createOrganisation(
		db,
		admin,
		{ name: 'Northmoor Trust', odsCode: '', groupingLabel: 'Directorate' },
		T0
	);
	const otherOrganisationId = createOrganisation(
		db,
		admin,
		{ name: 'Eastgate Trust', odsCode: '', groupingLabel: 'Locality' },
		T0
	);
	const person = personFor(db, { id: admin.id, email: '', name: '', isPlatformAdmin: true });

	const grouping = (orgId: string, label: string, name: string) => {
		const created = createGrouping(db, person, orgId, label, { name }, T0);
		if (!created.ok) throw new Error(created.message);
		return created.id;
	};
	const service = (
		orgId: string,
		name: string,
		type: ServiceType,
		groupingId: string | null = null
	) => {
		const created = createService(db, person, orgId, { name, type, groupingId }, T0);
		if (!created.ok) throw new Error(created.message);
		return created.id;
	};

	const adult = grouping(organisationId, 'Directorate', 'Adult community');
	const inpatient = grouping(organisationId, 'Directorate', 'Inpatient');
	const services = {
		ashford: service(organisationId, 'Ashford CMHT', 'Community mental health team', adult),
		bridgeford: service(organisationId, 'Bridgeford CMHT', 'Community mental health team', adult),
		earlyIntervention: service(
			organisationId,
			'North EIP',
			'Early intervention in psychosis',
			adult
		),
		willow: service(organisationId, 'Willow Ward', 'Acute inpatient ward', inpatient),
		oak: service(organisationId, 'Oak Ward', 'Acute inpatient ward', inpatient),
		college: service(organisationId, 'Recovery College', 'Recovery college')
	};
	const elsewhereGrouping = grouping(otherOrganisationId, 'Locality', 'East');
	const elsewhereService = service(
		otherOrganisationId,
		'Eastgate CMHT',
		'Community mental health team',
		elsewhereGrouping
	);

	const frameworkId = db.select().from(frameworks).get()!.id;
	return {
		db,
		person,
		organisationId,
		groupings: { adult, inpatient },
		services,
		elsewhere: {
			organisationId: otherOrganisationId,
			groupingId: elsewhereGrouping,
			serviceId: elsewhereService
		},
		frameworkId
	};
}

type World = ReturnType<typeof world>;

function roundInput(w: World, overrides: Partial<RoundInput> = {}): RoundInput {
	return {
		title: 'Spring 2026 recovery audit',
		frameworkId: w.frameworkId,
		periodStart: '2026-04-01',
		periodEnd: '2026-06-30',
		serviceIds: [w.services.ashford],
		...overrides
	};
}

function draftRound(w: World, overrides: Partial<RoundInput> = {}) {
	const created = createRound(w.db, w.person, w.organisationId, roundInput(w, overrides), T0);
	if (!created.ok) throw new Error(created.message);
	return created.id;
}

const auditCount = (db: Db) => db.select({ n: count() }).from(auditEvents).get()!.n;
const eventsOf = (db: Db, action: string) =>
	db.select().from(auditEvents).where(eq(auditEvents.action, action)).all();
const names = (w: World, ids: string[]) => {
	const byId = new Map(Object.entries(w.services).map(([name, id]) => [id, name]));
	return ids.map((id) => byId.get(id)).sort();
};

function roundForm(fields: Record<string, string | string[]>) {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) {
		for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
	}
	return form;
}

const datesFields = {
	startDay: '1',
	startMonth: '4',
	startYear: '2026',
	endDay: '30',
	endMonth: '6',
	endYear: '2026'
};

/**
 * Agrees a level for the framework's first `levels` challenges, writes evidence without a level
 * for the next one, and marks the assessment complete if asked: the rows the team's saves leave.
 */
function agree(w: World, assessmentId: string, levels: number, complete = false) {
	const ordered = w.db
		.select({ id: challenges.id })
		.from(challenges)
		.where(eq(challenges.frameworkId, w.frameworkId))
		.orderBy(challenges.position)
		.all();
	ordered.slice(0, levels + 1).forEach((challenge, i) => {
		w.db
			.insert(agreedScores)
			.values({
				assessmentId,
				challengeId: challenge.id,
				level: i < levels ? 2 : null,
				evidence: 'Seen in care plans',
				updatedAt: T0
			})
			.run();
	});
	if (complete)
		w.db
			.update(assessments)
			.set({ status: 'complete', completedAt: T0 })
			.where(eq(assessments.id, assessmentId))
			.run();
}

/** Whether the team could change the assessment now, as the save checks it. */
function lockOf(w: World, roundId: string, assessmentId: string) {
	const assessment = getAssessment(w.db, w.organisationId, roundId, assessmentId)!;
	return whyAssessmentIsLocked(assessment.roundStatus, assessment.status);
}

describe('round rules', () => {
	it('lets only a draft round change', () => {
		expect(whyRoundCannotChange('draft')).toBeNull();
		expect(whyRoundCannotChange('open')).toBe('Only a draft round can be changed.');
		expect(whyRoundCannotChange('closed')).toBe('Only a draft round can be changed.');
	});

	it('reopens only a closed round, and only with a reason of up to 1,000 characters', () => {
		expect(whyRoundCannotReopen('closed', 'Two wards asked for more time')).toBeNull();
		expect(whyRoundCannotReopen('open', 'Two wards asked for more time')).toEqual({
			about: 'round',
			message: 'Only a closed round can be reopened.'
		});
		expect(whyRoundCannotReopen('draft', 'A reason')).toMatchObject({ about: 'round' });
		expect(whyRoundCannotReopen('closed', '')).toEqual({
			about: 'reason',
			message: 'Enter the reason for reopening the round'
		});
		expect(whyRoundCannotReopen('closed', '   \n ')).toMatchObject({ about: 'reason' });
		expect(whyRoundCannotReopen('closed', 'x'.repeat(1000))).toBeNull();
		expect(whyRoundCannotReopen('closed', 'x'.repeat(1001))).toEqual({
			about: 'reason',
			message: 'The reason must be 1,000 characters or fewer'
		});
	});

	it('gives each assessment a stage from its status and agreed levels', () => {
		const today = '2026-05-01';
		expect(
			assessmentStage({ status: 'in_progress', agreedLevels: 0 }, '2026-06-30', today)
		).toEqual({ stage: 'not_started', late: false });
		expect(
			assessmentStage(
				{ status: 'in_progress', agreedLevels: 0, raters: 3, submittedRaters: 1 },
				'2026-06-30',
				today
			).stage
		).toBe('rating');
		expect(
			assessmentStage(
				{ status: 'in_progress', agreedLevels: 0, raters: 3, submittedRaters: 3 },
				'2026-06-30',
				today
			).stage
		).toBe('agreeing');
		expect(
			assessmentStage({ status: 'in_progress', agreedLevels: 3 }, '2026-06-30', today)
		).toEqual({ stage: 'agreeing', late: false });
		expect(assessmentStage({ status: 'complete', agreedLevels: 10 }, '2026-06-30', today)).toEqual({
			stage: 'complete',
			late: false
		});
	});

	it('counts an unfinished assessment late from the day after the period ends, never a complete one', () => {
		const unfinished = { status: 'in_progress', agreedLevels: 4 } as const;
		expect(assessmentStage(unfinished, '2026-06-30', '2026-06-30').late).toBe(false);
		expect(assessmentStage(unfinished, '2026-06-30', '2026-07-01').late).toBe(true);
		expect(
			assessmentStage({ status: 'in_progress', agreedLevels: 0 }, '2026-06-30', '2027-01-01')
		).toEqual({ stage: 'not_started', late: true });
		expect(
			assessmentStage({ status: 'complete', agreedLevels: 10 }, '2026-06-30', '2027-01-01').late
		).toBe(false);
	});

	it('sums up a round as "N of M complete, K late"', () => {
		const summary = summariseRoundProgress([
			{ stage: 'complete', late: false },
			{ stage: 'agreeing', late: true },
			{ stage: 'not_started', late: true },
			{ stage: 'agreeing', late: false }
		]);
		expect(summary).toEqual({ total: 4, complete: 1, late: 2 });
		expect(describeRoundProgress(summary)).toBe('1 of 4 complete, 2 late');
	});
});

describe('groupings', () => {
	it('reads the organisation’s word for them inside a sentence', () => {
		expect(groupingWord('Directorate')).toBe('directorate');
		expect(groupingWord('Care group')).toBe('care group');
		expect(groupingWord('ICP')).toBe('ICP');
	});

	it('are unique by name within an organisation, whatever the capitals, and recorded in the trail', () => {
		const w = world();
		const before = auditCount(w.db);
		expect(
			createGrouping(
				w.db,
				w.person,
				w.organisationId,
				'Directorate',
				{ name: 'adult COMMUNITY' },
				T0
			)
		).toEqual({
			ok: false,
			field: 'name',
			message: 'This organisation already has a directorate with that name'
		});
		expect(auditCount(w.db)).toBe(before);

		const elsewhere = createGrouping(
			w.db,
			w.person,
			w.elsewhere.organisationId,
			'Locality',
			{ name: 'Adult community' },
			T0
		);
		expect(elsewhere.ok).toBe(true);
		const [event] = eventsOf(w.db, 'grouping.created').filter(
			(e) =>
				e.organisationId === w.elsewhere.organisationId && e.entityId !== w.elsewhere.groupingId
		);
		expect(event).toMatchObject({
			userId: w.person.id,
			entityType: 'grouping',
			after: { name: 'Adult community' }
		});
		expect(describeAction('grouping.created')).toBe('Added a grouping');
		expect(describeChange({ action: 'grouping.created', before: null, after: event.after })).toBe(
			'Adult community'
		);

		expect(listGroupings(w.db, w.organisationId).map((g) => [g.name, g.services])).toEqual([
			['Adult community', 3],
			['Inpatient', 2]
		]);
	});

	it('asks for a name in the organisation’s own word', () => {
		const parsed = groupingInputSchema('Care group').safeParse({ name: '  ' });
		expect(parsed.success).toBe(false);
		expect(parsed.error?.issues[0].message).toBe('Enter the name of the care group');
	});

	it('cannot take a service from another organisation’s grouping', () => {
		const w = world();
		const result = createService(
			w.db,
			w.person,
			w.organisationId,
			{ name: 'Sneaky Team', type: 'Other', groupingId: w.elsewhere.groupingId },
			T0
		);
		expect(result).toEqual({
			ok: false,
			field: 'groupingId',
			message: 'Select a directorate from the list'
		});
	});

	it('list services under their grouping, with those in none last', () => {
		const services = [
			{ id: 'a', groupingId: 'g2' },
			{ id: 'b', groupingId: null },
			{ id: 'c', groupingId: 'g1' }
		];
		const grouped = groupServices(services, [
			{ id: 'g1', name: 'Adult' },
			{ id: 'g2', name: 'Inpatient' },
			{ id: 'g3', name: 'Empty' }
		]);
		expect(grouped.map((g) => [g.grouping?.name ?? null, g.services.map((s) => s.id)])).toEqual([
			['Adult', ['c']],
			['Inpatient', ['a']],
			[null, ['b']]
		]);
	});
});

describe('choosing the services for a round', () => {
	it('takes every service ticked one by one, in a ticked grouping or of a ticked type, once each', () => {
		const w = world();
		const roundId = draftRound(w, {
			serviceIds: [w.services.college, w.services.willow],
			groupingIds: [w.groupings.inpatient],
			serviceTypes: ['Early intervention in psychosis']
		});
		expect(names(w, roundServiceIds(w.db, roundId))).toEqual([
			'college',
			'earlyIntervention',
			'oak',
			'willow'
		]);
		const [created] = eventsOf(w.db, 'round.created');
		expect((created.after as { serviceIds: string[] }).serviceIds).toHaveLength(4);
	});

	it('takes a whole grouping on its own', () => {
		const w = world();
		const roundId = draftRound(w, { serviceIds: [], groupingIds: [w.groupings.adult] });
		expect(names(w, roundServiceIds(w.db, roundId))).toEqual([
			'ashford',
			'bridgeford',
			'earlyIntervention'
		]);
	});

	it('reads the ticked boxes from the form and refuses a type that is not on the list', () => {
		const w = world();
		const parsed = parseForm(
			roundInputSchema,
			roundForm({
				title: 'Spring',
				frameworkId: w.frameworkId,
				...datesFields,
				groupingIds: [w.groupings.adult, w.groupings.inpatient],
				serviceTypes: 'Recovery college'
			})
		);
		expect(parsed.ok && parsed.data).toMatchObject({
			serviceIds: [],
			groupingIds: [w.groupings.adult, w.groupings.inpatient],
			serviceTypes: ['Recovery college']
		});

		const tampered = parseForm(
			roundInputSchema,
			roundForm({
				title: 'Spring',
				frameworkId: w.frameworkId,
				...datesFields,
				serviceTypes: 'Anything at all'
			})
		);
		expect(tampered.ok).toBe(false);
		if (!tampered.ok)
			expect(tampered.errors.serviceTypes).toBe('Select types of service from the list');

		const nothing = parseForm(
			roundInputSchema,
			roundForm({ title: '', frameworkId: w.frameworkId, ...datesFields })
		);
		expect(nothing.ok).toBe(false);
		if (!nothing.ok) {
			expect(nothing.errors.serviceIds).toBe('Select at least one service to take part');
			expect(nothing.errors.title).toBe('Enter a title for the round');
		}
	});

	it('refuses another organisation’s grouping or service, creating nothing', () => {
		const w = world();
		const before = auditCount(w.db);
		expect(
			createRound(
				w.db,
				w.person,
				w.organisationId,
				roundInput(w, { groupingIds: [w.elsewhere.groupingId] }),
				T0
			)
		).toEqual({
			ok: false,
			field: 'groupingIds',
			message: 'Select each directorate from this organisation’s list'
		});
		expect(
			createRound(
				w.db,
				w.person,
				w.organisationId,
				roundInput(w, { serviceIds: [w.elsewhere.serviceId] }),
				T0
			)
		).toMatchObject({
			ok: false,
			field: 'serviceIds'
		});
		expect(auditCount(w.db)).toBe(before);
	});

	it('refuses a choice that adds up to no service at all', () => {
		const w = world();
		const result = createRound(
			w.db,
			w.person,
			w.organisationId,
			roundInput(w, { serviceIds: [], serviceTypes: ['Perinatal'] }),
			T0
		);
		expect(result).toMatchObject({ ok: false, field: 'serviceIds' });
	});
});

describe('changing a draft round', () => {
	it('changes title, period, framework and services together, recording before and after', () => {
		const w = world();
		const roundId = draftRound(w);
		const T1 = new Date('2026-03-03T09:00:00Z');
		const result = updateRound(
			w.db,
			w.person,
			w.organisationId,
			roundId,
			roundInput(w, {
				title: 'Spring 2026 (adult community)',
				periodEnd: '2026-07-31',
				serviceIds: [],
				groupingIds: [w.groupings.adult]
			}),
			T1
		);
		expect(result).toEqual({ ok: true });
		expect(getRound(w.db, w.organisationId, roundId)).toMatchObject({
			title: 'Spring 2026 (adult community)',
			periodEnd: '2026-07-31',
			status: 'draft'
		});
		expect(names(w, roundServiceIds(w.db, roundId))).toEqual([
			'ashford',
			'bridgeford',
			'earlyIntervention'
		]);

		const [event] = eventsOf(w.db, 'round.updated');
		expect(event).toMatchObject({
			entityId: roundId,
			at: T1,
			before: {
				title: 'Spring 2026 recovery audit',
				periodEnd: '2026-06-30',
				serviceIds: [w.services.ashford]
			}
		});
		expect(event.after).toMatchObject({
			title: 'Spring 2026 (adult community)',
			periodEnd: '2026-07-31'
		});
		expect(describeAction('round.updated')).toBe('Changed a draft round');
		expect(
			describeChange(
				{ action: 'round.updated', before: event.before, after: event.after },
				{ roundTitle: 'Spring 2026 (adult community)' }
			)
		).toBe(
			'Spring 2026 (adult community): title Spring 2026 recovery audit → Spring 2026 (adult community), period 1 April 2026 to 31 July 2026, 1 service → 3 services'
		);
	});

	it('records nothing when nothing changed', () => {
		const w = world();
		const roundId = draftRound(w);
		const before = auditCount(w.db);
		expect(updateRound(w.db, w.person, w.organisationId, roundId, roundInput(w), T0)).toEqual({
			ok: true
		});
		expect(auditCount(w.db)).toBe(before);
	});

	it('refuses an open or closed round, changing nothing and recording nothing', () => {
		const w = world();
		const roundId = draftRound(w);
		expect(openRound(w.db, w.person, w.organisationId, roundId, T0)).toEqual({ ok: true });
		for (const status of ['open', 'closed'] as const) {
			if (status === 'closed')
				expect(closeRound(w.db, w.person, w.organisationId, roundId, T0)).toEqual({ ok: true });
			const before = auditCount(w.db);
			const result = updateRound(
				w.db,
				w.person,
				w.organisationId,
				roundId,
				roundInput(w, { title: 'Changed', groupingIds: [w.groupings.inpatient] }),
				T0
			);
			expect(result).toEqual({
				ok: false,
				status: 409,
				message: 'Only a draft round can be changed.'
			});
			expect(getRound(w.db, w.organisationId, roundId)).toMatchObject({
				title: 'Spring 2026 recovery audit',
				status
			});
			expect(roundServiceIds(w.db, roundId)).toEqual([w.services.ashford]);
			expect(auditCount(w.db)).toBe(before);
		}
	});

	it('does not find a round through another organisation, or take its services', () => {
		const w = world();
		const roundId = draftRound(w);
		expect(
			updateRound(w.db, w.person, w.elsewhere.organisationId, roundId, roundInput(w), T0)
		).toMatchObject({ ok: false, status: 404 });
		expect(
			updateRound(
				w.db,
				w.person,
				w.organisationId,
				roundId,
				roundInput(w, { serviceIds: [w.elsewhere.serviceId] }),
				T0
			)
		).toMatchObject({
			ok: false,
			status: 400,
			field: 'serviceIds'
		});
		expect(roundServiceIds(w.db, roundId)).toEqual([w.services.ashford]);
	});
});

describe('reopening a closed round', () => {
	function closedRound(w: World) {
		const roundId = draftRound(w, { serviceIds: [w.services.ashford, w.services.willow] });
		openRound(w.db, w.person, w.organisationId, roundId, T0);
		const assessmentIds = new Map(
			roundParticipants(w.db, roundId).map((p) => [p.serviceId, p.assessmentId!])
		);
		return { roundId, assessmentIds };
	}

	it('refuses a round that is not closed, and a missing reason', () => {
		const w = world();
		const { roundId } = closedRound(w);
		const before = auditCount(w.db);
		expect(reopenRound(w.db, w.person, w.organisationId, roundId, 'More time', T0)).toEqual({
			ok: false,
			status: 409,
			message: 'Only a closed round can be reopened.'
		});
		closeRound(w.db, w.person, w.organisationId, roundId, T0);
		expect(reopenRound(w.db, w.person, w.organisationId, roundId, '  ', T0)).toEqual({
			ok: false,
			status: 400,
			field: 'reason',
			message: 'Enter the reason for reopening the round'
		});
		expect(
			reopenRound(w.db, w.person, w.elsewhere.organisationId, roundId, 'More time', T0)
		).toMatchObject({ ok: false, status: 404 });
		expect(getRound(w.db, w.organisationId, roundId)?.status).toBe('closed');
		expect(eventsOf(w.db, 'round.reopened')).toHaveLength(0);
		expect(auditCount(w.db)).toBe(before + 1);
	});

	it('checks the reason typed in the form: required, at most 1,000 characters', () => {
		expect(parseForm(reopenInputSchema, roundForm({ reason: ' ' }))).toMatchObject({
			ok: false,
			errors: { reason: 'Enter the reason for reopening the round' }
		});
		expect(parseForm(reopenInputSchema, roundForm({ reason: 'x'.repeat(1001) }))).toMatchObject({
			ok: false,
			errors: { reason: 'The reason must be 1,000 characters or fewer' }
		});
		expect(
			parseForm(reopenInputSchema, roundForm({ reason: ' Ward staff were on leave ' }))
		).toEqual({ ok: true, data: { reason: 'Ward staff were on leave' } });
	});

	it('reopens with the reason in the trail; unfinished assessments can change again, complete ones cannot', () => {
		const w = world();
		const { roundId, assessmentIds } = closedRound(w);
		const ashford = assessmentIds.get(w.services.ashford)!;
		const willow = assessmentIds.get(w.services.willow)!;
		agree(w, willow, 10, true);
		closeRound(w.db, w.person, w.organisationId, roundId, T0);
		expect(lockOf(w, roundId, ashford)).toBe(
			'This round is closed, so its scores can no longer change.'
		);

		const T1 = new Date('2026-07-02T08:00:00Z');
		expect(
			reopenRound(
				w.db,
				w.person,
				w.organisationId,
				roundId,
				'Ashford’s team meeting moved to July',
				T1
			)
		).toEqual({ ok: true });
		expect(getRound(w.db, w.organisationId, roundId)).toMatchObject({
			status: 'open',
			closedAt: null
		});

		const [event] = eventsOf(w.db, 'round.reopened');
		expect(event).toMatchObject({
			userId: w.person.id,
			organisationId: w.organisationId,
			entityType: 'round',
			entityId: roundId,
			at: T1,
			before: { status: 'closed' },
			after: { status: 'open', reason: 'Ashford’s team meeting moved to July' }
		});
		expect(describeAction('round.reopened')).toBe('Reopened a round');
		expect(
			describeChange(
				{ action: 'round.reopened', before: event.before, after: event.after },
				{ roundTitle: 'Spring 2026' }
			)
		).toBe('Spring 2026: Closed → Open, reason: Ashford’s team meeting moved to July');

		expect(lockOf(w, roundId, ashford)).toBeNull();
		expect(lockOf(w, roundId, willow)).toBe('This assessment has been marked complete.');
	});
});

describe('progress through a round', () => {
	it('counts agreed levels per assessment in SQL and marks late services from the day after the period ends, in London', () => {
		const w = world();
		const roundId = draftRound(w, {
			serviceIds: [w.services.ashford, w.services.willow, w.services.oak]
		});
		const draft = getRound(w.db, w.organisationId, roundId)!;
		expect(roundProgress(w.db, draft, { now: T0 }).summary).toBeNull();
		expect(
			roundProgress(w.db, draft, { now: T0 }).participants.every((p) => p.standing === null)
		).toBe(true);

		openRound(w.db, w.person, w.organisationId, roundId, T0);
		const ids = new Map(
			roundParticipants(w.db, roundId).map((p) => [p.serviceId, p.assessmentId!])
		);
		agree(w, ids.get(w.services.ashford)!, 3);
		agree(w, ids.get(w.services.willow)!, 10, true);
		const round = getRound(w.db, w.organisationId, roundId)!;

		// 30 June 2026, 23:30 in London (British Summer Time): still the period's last day.
		const lastEvening = roundProgress(w.db, round, { now: new Date('2026-06-30T22:30:00Z') });
		const stages = (progress: typeof lastEvening) =>
			Object.fromEntries(
				progress.participants.map((p) => [
					names(w, [p.serviceId])[0],
					[p.standing?.stage, p.standing?.late, p.agreedLevels]
				])
			);
		expect(stages(lastEvening)).toEqual({
			ashford: ['agreeing', false, 3],
			oak: ['not_started', false, 0],
			willow: ['complete', false, 10]
		});
		expect(describeRoundProgress(lastEvening.summary!)).toBe('1 of 3 complete, 0 late');

		// An hour later it is 1 July in London, though still 30 June in UTC.
		const nextMorning = roundProgress(w.db, round, { now: new Date('2026-06-30T23:30:00Z') });
		expect(stages(nextMorning)).toEqual({
			ashford: ['agreeing', true, 3],
			oak: ['not_started', true, 0],
			willow: ['complete', false, 10]
		});
		expect(describeRoundProgress(nextMorning.summary!)).toBe('1 of 3 complete, 2 late');
	});

	it('sums up only the services the person may see', () => {
		const w = world();
		const roundId = draftRound(w, { serviceIds: [w.services.ashford, w.services.willow] });
		openRound(w.db, w.person, w.organisationId, roundId, T0);
		const round = getRound(w.db, w.organisationId, roundId)!;
		const progress = roundProgress(w.db, round, {
			now: T0,
			shows: (serviceId) => serviceId === w.services.ashford
		});
		expect(progress.participants.map((p) => p.serviceId)).toEqual([w.services.ashford]);
		expect(progress.summary).toEqual({ total: 1, complete: 0, late: 0 });
	});
});
