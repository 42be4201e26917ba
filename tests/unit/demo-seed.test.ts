import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '$lib/server/db/client';
import { loadBuiltInPacks } from '$lib/server/frameworks/loader';
import { DEMO_ACCOUNTS, seedDemo } from '$lib/server/demo/seed';
import {
	latestCompletedStrengths,
	strengthsToOffer,
	type StrengthAssessment
} from '$lib/server/assessments/strengths';

function scalar(db: Db, sql: string, ...params: unknown[]): number {
	return db.$client
		.prepare(sql)
		.pluck()
		.get(...params) as number;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function levelsInRound(db: Db, periodStart: string): number[] {
	return db.$client
		.prepare(
			`select s.level from agreed_score s
			join assessment a on a.id = s.assessment_id
			join round r on r.id = a.round_id
			where r.period_start = ? and s.level is not null`
		)
		.pluck()
		.all(periodStart) as number[];
}

function tableCounts(db: Db): Record<string, number> {
	const tables = [
		'user',
		'membership',
		'organisation',
		'grouping',
		'service',
		'round',
		'round_service',
		'assessment',
		'agreed_score'
	];
	return Object.fromEntries(
		tables.map((table) => [table, scalar(db, `select count(*) from "${table}"`)])
	);
}

async function seededDb(): Promise<{ db: Db; seeded: boolean }> {
	const db = openDatabase(':memory:');
	loadBuiltInPacks(db);
	return { db, seeded: await seedDemo(db) };
}

/** Everything but the random ids, in a fixed order. */
function scoreFingerprint(db: Db): unknown[] {
	return db.$client
		.prepare(
			`select o.name, sv.name, r.title, a.status, a.completed_at, c.position, s.level, s.evidence
			from agreed_score s
			join assessment a on a.id = s.assessment_id
			join round r on r.id = a.round_id
			join service sv on sv.id = a.service_id
			join organisation o on o.id = sv.organisation_id
			join challenge c on c.id = s.challenge_id
			order by o.name, sv.name, r.period_start, c.position`
		)
		.raw()
		.all();
}

describe('seedDemo', () => {
	let db: Db;
	let seeded: boolean;

	beforeAll(async () => {
		({ db, seeded } = await seededDb());
	});

	it('fills an empty database', () => {
		expect(seeded).toBe(true);
		expect(scalar(db, 'select count(*) from organisation')).toBeGreaterThanOrEqual(3);
		expect(scalar(db, 'select count(*) from service')).toBeGreaterThanOrEqual(30);
		expect(scalar(db, 'select count(distinct type) from service')).toBeGreaterThanOrEqual(4);
		expect(scalar(db, 'select count(*) from service where grouping_id is null')).toBe(0);
	});

	it('gives every organisation six ImROC rounds, the last one open', () => {
		const perOrganisation = db.$client
			.prepare(
				`select count(*) from organisation o left join round r on r.organisation_id = o.id
				left join framework f on f.id = r.framework_id where f.pack_key = 'imroc-2010' group by o.id`
			)
			.pluck()
			.all();
		expect(perOrganisation).toHaveLength(scalar(db, 'select count(*) from organisation'));
		expect(perOrganisation.every((count) => count === 6)).toBe(true);
		expect(
			scalar(
				db,
				"select count(distinct organisation_id) from round where status = 'open' and period_start = '2026-07-01'"
			)
		).toBe(scalar(db, 'select count(*) from organisation'));
		expect(
			scalar(
				db,
				"select count(*) from round where status = 'closed' and (opened_at is null or closed_at is null)"
			)
		).toBe(0);
	});

	it('gives Northmoor one closed round on a second framework, before its latest ImROC round', () => {
		const rows = db.$client
			.prepare(
				`select o.name, r.title, r.status, r.period_start, f.pack_key,
					(select count(*) from assessment a where a.round_id = r.id and a.status = 'complete') as complete,
					(select count(*) from service s where s.organisation_id = o.id) as services
				from round r join organisation o on o.id = r.organisation_id join framework f on f.id = r.framework_id
				where f.pack_key <> 'imroc-2010'`
			)
			.all() as { period_start: string; complete: number; services: number }[];
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({
			name: 'Northmoor Mental Health NHS Foundation Trust',
			pack_key: 'peer-support-check',
			status: 'closed'
		});
		expect(rows[0].complete).toBe(rows[0].services);
		expect(rows[0].period_start < '2026-01-01').toBe(true);
		// The kept dashboard counts include it, as completing each assessment would have made them.
		expect(
			scalar(
				db,
				`select sum(services) from round_level_count c join round r on r.id = c.round_id
				join framework f on f.id = r.framework_id where f.pack_key = 'peer-support-check'`
			)
		).toBe(rows[0].services * 4);
	});

	it('creates a user for every demo account', () => {
		for (const account of DEMO_ACCOUNTS) {
			expect(
				scalar(db, 'select count(*) from user where email = ?', account.email),
				account.email
			).toBe(1);
			expect(account.password.length).toBeGreaterThanOrEqual(12);
		}
		expect(scalar(db, 'select count(*) from user where is_platform_admin = 1')).toBe(1);
	});

	it('lets the facilitator into exactly two organisations', () => {
		const facilitator = DEMO_ACCOUNTS.find((account) => account.role === 'Facilitator')!;
		expect(
			scalar(
				db,
				'select count(distinct m.organisation_id) from membership m join user u on u.id = m.user_id where u.email = ?',
				facilitator.email
			)
		).toBe(2);
	});

	it('gives every completed assessment one agreed level per challenge, on the scale', () => {
		const completed = scalar(db, "select count(*) from assessment where status = 'complete'");
		expect(completed).toBeGreaterThan(0);
		const wellScored = scalar(
			db,
			`select count(*) from assessment a
			join round r on r.id = a.round_id
			where a.status = 'complete' and a.completed_at is not null
			and (select count(*) from agreed_score s
				join level l on l.framework_id = r.framework_id and l.value = s.level
				where s.assessment_id = a.id)
			= (select count(*) from challenge c where c.framework_id = r.framework_id)
			and (select count(*) from agreed_score s where s.assessment_id = a.id)
			= (select count(*) from challenge c where c.framework_id = r.framework_id)`
		);
		expect(wellScored).toBe(completed);
	});

	it('leaves the open round part done', () => {
		const openStates = db.$client
			.prepare(
				`select case when a.status = 'complete' then 'complete'
					when exists (select 1 from agreed_score s where s.assessment_id = a.id) then 'in_progress'
					else 'not_started' end as state
				from assessment a join round r on r.id = a.round_id where r.status = 'open'`
			)
			.pluck()
			.all();
		expect(new Set(openStates)).toEqual(new Set(['complete', 'in_progress', 'not_started']));
	});

	it('records a few strengths for Ashford, which its open assessment offers to confirm', () => {
		const ashford = db.$client
			.prepare("select id from service where name = 'Ashford Community Mental Health Team'")
			.pluck()
			.get() as string;
		const shown = latestCompletedStrengths(db, ashford);
		expect(shown?.strengths.map((s) => s.place)).toEqual([
			'Across the service',
			'3. Recovery college',
			'7. User involvement'
		]);
		const open = db.$client
			.prepare(
				`select a.id, a.service_id as serviceId, r.framework_id as frameworkId, r.period_start as periodStart
				from assessment a join round r on r.id = a.round_id where r.status = 'open' and a.service_id = ?`
			)
			.get(ashford) as StrengthAssessment;
		expect(strengthsToOffer(db, open)?.strengths).toHaveLength(3);
	});

	it('shows improvement from the first round to the last closed one', () => {
		expect(median(levelsInRound(db, '2026-01-01'))).toBeGreaterThan(
			median(levelsInRound(db, '2024-01-01'))
		);
	});

	it('comes out the same every time', async () => {
		const { db: other } = await seededDb();
		expect(scoreFingerprint(other)).toEqual(scoreFingerprint(db));
	});

	it('refuses to seed a database that already has users', async () => {
		const before = tableCounts(db);
		expect(await seedDemo(db)).toBe(false);
		expect(tableCounts(db)).toEqual(before);
	});
});
