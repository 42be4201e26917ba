import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '$lib/server/db/client';
import { loadBuiltInPacks } from '$lib/server/frameworks/loader';
import {
	LARGE_FACILITATOR_EMAIL,
	LARGE_ORGANISATION_ADMIN_EMAIL,
	seedLarge,
	type LargeSeedOptions,
	type LargeSeedSummary
} from '$lib/server/demo/large';
import { freshDb } from './helpers/db';

const SMALL: LargeSeedOptions = {
	organisations: 3,
	servicesPerOrganisation: 4,
	rounds: 3,
	seed: 7
};
const CHALLENGE_COUNT = 10;
/** Math.round(4 services × 70%) finish the open round in each organisation. */
const COMPLETE_IN_OPEN_ROUND = 3;
const COMPLETE_ASSESSMENTS = 3 * (4 * (3 - 1) + COMPLETE_IN_OPEN_ROUND);

const SEEDED_TABLES = [
	'user',
	'organisation',
	'grouping',
	'service',
	'membership',
	'round',
	'round_service',
	'assessment',
	'agreed_score',
	'priority',
	'improvement_action'
];

function scalar(db: Db, sql: string, ...params: unknown[]): number {
	return db.$client
		.prepare(sql)
		.pluck()
		.get(...params) as number;
}

function seeded(options: LargeSeedOptions): { db: Db; summary: LargeSeedSummary } {
	const db = freshDb();
	return { db, summary: seedLarge(db, options) };
}

/**
 * Every seeded table in full, in a fixed order. The framework and challenge ids come from the
 * pack loader, which makes new random ids in each database, so they are replaced by pack keys.
 */
function contents(db: Db): Record<string, unknown[][]> {
	const packIds = new Map<string, string>();
	for (const row of db.$client
		.prepare('select id, pack_key from framework')
		.raw()
		.all() as string[][]) {
		packIds.set(row[0], `framework:${row[1]}`);
	}
	for (const row of db.$client
		.prepare('select id, pack_challenge_key from challenge')
		.raw()
		.all() as string[][]) {
		packIds.set(row[0], `challenge:${row[1]}`);
	}
	return Object.fromEntries(
		SEEDED_TABLES.map((table) => {
			const rows = db.$client.prepare(`select * from "${table}"`).raw().all() as unknown[][];
			const comparable = rows.map((row) =>
				row.map((value) => (typeof value === 'string' ? (packIds.get(value) ?? value) : value))
			);
			// Sorted after the ids are replaced, since the random ids would order rows differently.
			return [table, comparable.sort((a, b) => compareRows(a, b))];
		})
	);
}

function compareRows(a: unknown[], b: unknown[]): number {
	const left = JSON.stringify(a);
	const right = JSON.stringify(b);
	return left < right ? -1 : left > right ? 1 : 0;
}

function levelsInOrder(db: Db): number[] {
	return db.$client
		.prepare(
			`select s.level from agreed_score s join challenge c on c.id = s.challenge_id
			order by s.assessment_id, c.position`
		)
		.pluck()
		.all() as number[];
}

describe('seedLarge with small sizes', () => {
	let db: Db;
	let summary: LargeSeedSummary;

	beforeAll(() => {
		({ db, summary } = seeded(SMALL));
	});

	it('writes exactly the expected number of rows', () => {
		expect(scalar(db, 'select count(*) from "user"')).toBe(2);
		expect(scalar(db, 'select count(*) from organisation')).toBe(3);
		expect(scalar(db, 'select count(*) from service')).toBe(3 * 4);
		expect(scalar(db, 'select count(*) from round')).toBe(3 * 3);
		expect(scalar(db, 'select count(*) from round_service')).toBe(3 * 4 * 3);
		expect(scalar(db, 'select count(*) from assessment')).toBe(3 * 4 * 3);
		expect(scalar(db, "select count(*) from assessment where status = 'complete'")).toBe(
			COMPLETE_ASSESSMENTS
		);
		expect(scalar(db, 'select count(*) from agreed_score')).toBe(
			COMPLETE_ASSESSMENTS * CHALLENGE_COUNT
		);
		expect(scalar(db, 'select count(*) from priority')).toBe(COMPLETE_ASSESSMENTS * 3);
		expect(scalar(db, 'select count(*) from membership')).toBe(3 + 1);
		const groupings = scalar(db, 'select count(*) from "grouping"');
		expect(groupings).toBeGreaterThanOrEqual(3 * 3);
		expect(groupings).toBeLessThanOrEqual(3 * 6);
	});

	it('reports the counts it wrote', () => {
		expect(summary.rows).toEqual({
			users: scalar(db, 'select count(*) from "user"'),
			organisations: scalar(db, 'select count(*) from organisation'),
			groupings: scalar(db, 'select count(*) from "grouping"'),
			services: scalar(db, 'select count(*) from service'),
			memberships: scalar(db, 'select count(*) from membership'),
			rounds: scalar(db, 'select count(*) from round'),
			roundServices: scalar(db, 'select count(*) from round_service'),
			assessments: scalar(db, 'select count(*) from assessment'),
			agreedScores: scalar(db, 'select count(*) from agreed_score'),
			priorities: scalar(db, 'select count(*) from priority'),
			improvementActions: scalar(db, 'select count(*) from improvement_action')
		});
		expect(summary.totalRows).toBe(
			Object.values(summary.rows).reduce((sum, count) => sum + count, 0)
		);
		expect(summary.elapsedMs).toBeGreaterThanOrEqual(0);
	});

	it('scores every challenge of every complete assessment on the scale, and nothing else', () => {
		expect(
			scalar(
				db,
				`select count(*) from assessment a where a.status = 'complete'
				and (select count(*) from agreed_score s where s.assessment_id = a.id) != ${CHALLENGE_COUNT}`
			)
		).toBe(0);
		expect(
			scalar(
				db,
				"select count(*) from agreed_score s join assessment a on a.id = s.assessment_id where a.status != 'complete'"
			)
		).toBe(0);
		const offScale = scalar(
			db,
			`select count(*) from agreed_score s
			join assessment a on a.id = s.assessment_id
			join round r on r.id = a.round_id
			left join level l on l.framework_id = r.framework_id and l.value = s.level
			where l.value is null`
		);
		expect(offScale).toBe(0);
		expect(scalar(db, 'select min(level) from agreed_score')).toBeGreaterThanOrEqual(1);
		expect(scalar(db, 'select max(level) from agreed_score')).toBeLessThanOrEqual(4);
	});

	it('opens only the latest round, six months after the one before, and closes the rest', () => {
		const rounds = db.$client
			.prepare(
				"select period_start, period_end, status, closed_at is not null as closed from round where organisation_id = 'lg-o0001' order by period_start"
			)
			.raw()
			.all();
		expect(rounds).toEqual([
			['2025-04-01', '2025-09-30', 'closed', 1],
			['2025-10-01', '2026-03-31', 'closed', 1],
			['2026-04-01', '2026-09-30', 'open', 0]
		]);
		expect(
			scalar(db, "select count(*) from round where status = 'open' and period_start = '2026-04-01'")
		).toBe(3);
		expect(scalar(db, "select count(*) from round where status = 'closed'")).toBe(3 * 2);
	});

	it('leaves about 30% of the open round in progress and every closed round complete', () => {
		const completeByOrganisation = db.$client
			.prepare(
				`select count(*) from assessment a join round r on r.id = a.round_id
				where r.status = 'open' and a.status = 'complete' group by r.organisation_id`
			)
			.pluck()
			.all();
		expect(completeByOrganisation).toEqual([
			COMPLETE_IN_OPEN_ROUND,
			COMPLETE_IN_OPEN_ROUND,
			COMPLETE_IN_OPEN_ROUND
		]);
		expect(
			scalar(
				db,
				"select count(*) from assessment a join round r on r.id = a.round_id where r.status = 'closed' and a.status != 'complete'"
			)
		).toBe(0);
		expect(
			scalar(
				db,
				"select count(*) from assessment where status = 'complete' and completed_at is null"
			)
		).toBe(0);
	});

	it('makes the facilitator a facilitator everywhere and the organisation admin an admin of the first', () => {
		const roles = db.$client
			.prepare(
				`select u.email, m.role, m.organisation_id, m.service_id from membership m join "user" u on u.id = m.user_id
				order by u.email, m.organisation_id`
			)
			.raw()
			.all();
		expect(roles).toEqual([
			[LARGE_FACILITATOR_EMAIL, 'facilitator', 'lg-o0001', null],
			[LARGE_FACILITATOR_EMAIL, 'facilitator', 'lg-o0002', null],
			[LARGE_FACILITATOR_EMAIL, 'facilitator', 'lg-o0003', null],
			[LARGE_ORGANISATION_ADMIN_EMAIL, 'organisation_admin', 'lg-o0001', null]
		]);
		expect(
			scalar(
				db,
				'select count(*) from "user" where id = ? and email = ?',
				summary.facilitatorUserId,
				LARGE_FACILITATOR_EMAIL
			)
		).toBe(1);
		expect(
			scalar(
				db,
				'select count(*) from "user" where id = ? and email = ?',
				summary.organisationAdminUserId,
				LARGE_ORGANISATION_ADMIN_EMAIL
			)
		).toBe(1);
	});

	it('leaves no foreign key dangling', () => {
		expect(db.$client.pragma('foreign_key_check')).toEqual([]);
	});

	it('picks three distinct priorities among the lowest-scored challenges', () => {
		expect(
			scalar(
				db,
				'select count(*) from (select assessment_id from priority group by assessment_id having count(distinct challenge_id) != 3)'
			)
		).toBe(0);
		const outranked = scalar(
			db,
			`select count(*) from priority p
			join agreed_score chosen on chosen.assessment_id = p.assessment_id and chosen.challenge_id = p.challenge_id
			where exists (
				select 1 from agreed_score other
				where other.assessment_id = p.assessment_id and other.level < chosen.level
				and other.challenge_id not in (select challenge_id from priority where assessment_id = p.assessment_id)
			)`
		);
		expect(outranked).toBe(0);
	});

	it('adds at most two improvement actions per service, about its latest priorities', () => {
		expect(scalar(db, 'select count(*) from improvement_action')).toBeGreaterThan(0);
		expect(
			scalar(
				db,
				'select max(n) from (select count(*) as n from improvement_action group by service_id)'
			)
		).toBeLessThanOrEqual(2);
		const unprompted = scalar(
			db,
			`select count(*) from improvement_action i
			where not exists (select 1 from priority p where p.assessment_id = i.assessment_id and p.challenge_id = i.challenge_id)
			or due_date < start_date`
		);
		expect(unprompted).toBe(0);
	});

	it('refuses to seed a database that already has organisations, changing nothing', () => {
		const before = contents(db);
		expect(() => seedLarge(db, SMALL)).toThrow(/already has 3 organisation/);
		expect(contents(db)).toEqual(before);
	});
});

describe('seedLarge determinism', () => {
	it('writes the same rows, ids included, for the same options', () => {
		const first = contents(seeded(SMALL).db);
		const second = contents(seeded(SMALL).db);
		expect(first.agreed_score).toHaveLength(COMPLETE_ASSESSMENTS * CHALLENGE_COUNT);
		expect(second).toEqual(first);
	});

	it('gives different levels for a different seed', () => {
		const one = levelsInOrder(seeded(SMALL).db);
		const other = levelsInOrder(seeded({ ...SMALL, seed: 8 }).db);
		expect(other).toHaveLength(one.length);
		expect(other).not.toEqual(one);
	});
});

describe('seedLarge over a longer history', () => {
	it('shows scores rising from the first round to the last closed one', () => {
		const { db } = seeded({ organisations: 4, servicesPerOrganisation: 25, rounds: 8, seed: 1 });
		const averageIn = (periodStart: string) =>
			scalar(
				db,
				'select avg(s.level) from agreed_score s join assessment a on a.id = s.assessment_id join round r on r.id = a.round_id where r.period_start = ?',
				periodStart
			);
		expect(averageIn('2025-10-01')).toBeGreaterThan(averageIn('2022-10-01') + 0.5);
		// Not every service improves, so the dashboards have fallers as well as risers.
		const fallers = scalar(
			db,
			`with average as (
				select a.service_id, r.period_start, avg(s.level) as level from agreed_score s
				join assessment a on a.id = s.assessment_id join round r on r.id = a.round_id group by 1, 2)
			select count(*) from average first join average last on last.service_id = first.service_id
			where first.period_start = '2022-10-01' and last.period_start = '2025-10-01' and last.level < first.level`
		);
		expect(fallers).toBeGreaterThan(0);
	});
});

describe('seedLarge settings and refusals', () => {
	let directory: string;

	beforeAll(() => {
		directory = mkdtempSync(join(tmpdir(), 'seed-large-'));
	});

	afterAll(() => {
		rmSync(directory, { recursive: true, force: true });
	});

	it('puts the journal and sync settings back and leaves the planner statistics', () => {
		const db = openDatabase(join(directory, 'settings.sqlite'));
		loadBuiltInPacks(db);
		const before = ['journal_mode', 'synchronous', 'cache_size'].map((name) =>
			db.$client.pragma(name, { simple: true })
		);
		seedLarge(db, SMALL);
		const after = ['journal_mode', 'synchronous', 'cache_size'].map((name) =>
			db.$client.pragma(name, { simple: true })
		);
		expect(before[0]).toBe('wal');
		expect(after).toEqual(before);
		expect(
			scalar(db, "select count(*) from sqlite_stat1 where tbl = 'agreed_score'")
		).toBeGreaterThan(0);
		db.$client.close();
	});

	it('needs the ImROC pack loaded first', () => {
		const db = openDatabase(':memory:');
		expect(() => seedLarge(db, SMALL)).toThrow(/framework pack must be loaded/);
		expect(scalar(db, 'select count(*) from "user"')).toBe(0);
	});

	it('rejects sizes below one', () => {
		const db = freshDb();
		expect(() => seedLarge(db, { ...SMALL, rounds: 0 })).toThrow(/rounds must be a whole number/);
		expect(() => seedLarge(db, { ...SMALL, servicesPerOrganisation: 2.5 })).toThrow(
			/servicesPerOrganisation/
		);
		expect(scalar(db, 'select count(*) from organisation')).toBe(0);
	});
});
