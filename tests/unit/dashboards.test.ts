import { agreedScoreField } from '$lib/forms/field-names';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createOrganisation } from '$lib/server/organisations';
import { createService } from '$lib/server/services';
import { createRound } from '$lib/server/rounds/form';
import { openRound } from '$lib/server/rounds/transitions';
import { roundParticipants } from '$lib/server/rounds/progress';
import { getAssessment, type AssessmentRecord } from '$lib/server/assessments/queries';
import { parseAssessmentForm } from '$lib/server/assessments/form';
import { saveAssessment } from '$lib/server/assessments/save';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { addRater } from '$lib/server/ratings/raters';
import { saveRatings } from '$lib/server/ratings/answers';
import { personFor } from '$lib/server/users';
import { importPack } from '$lib/server/frameworks/import';
import { crossSitePage, crossSiteView } from '$lib/server/dashboards/cross-site';
import { periodWords, sitesToShow } from '$lib/domain/cross-site';
import { toCsv } from '$lib/format/csv';
import { organisationDashboard } from '$lib/server/dashboards/organisation';
import { serviceDashboard } from '$lib/server/dashboards/service';
import { rebuildRoundLevelCounts } from '$lib/server/assessments/level-counts';
import {
	agreedScores,
	frameworks,
	memberships,
	roundLevelCounts,
	roundLevelTotals
} from '$lib/server/db/schema';
import { completeSavedAssessment, undoCompletion } from '$lib/server/assessments/completion';
import { savedScoresFingerprint } from '$lib/domain/score-fingerprint';
import { newId } from '$lib/server/ids';
import { freshDb, insertUser, platformAdmin } from './helpers/db';
import type { Db } from '$lib/server/db/client';
import type { Person, Role } from '$lib/server/access/policy';

/** Levels per challenge position, for a service in a round: a function of position. */
type Levels = (position: number) => number;

function site(db: Db, admin: Person, name: string, services: string[]) {
	const organisationId = createOrganisation(db, admin, {
		name,
		odsCode: '',
		groupingLabel: 'Directorate'
	});
	const person = personFor(db, { id: admin.id, email: '', name: '', isPlatformAdmin: true });
	const serviceIds = services.map((serviceName) => {
		const created = createService(db, person, organisationId, {
			name: serviceName,
			type: 'Community mental health team'
		});
		if (!created.ok) throw new Error('no service');
		return created.id;
	});
	return { organisationId, person, serviceIds };
}

/** Someone holding one role, across the organisation (serviceId null) or in one service. */
function member(
	db: Db,
	organisationId: string,
	role: Role,
	serviceId: string | null,
	name = 'Test Person'
): Person {
	const user = insertUser(db, { name });
	db.insert(memberships)
		.values({
			id: newId(),
			userId: user.id,
			organisationId,
			serviceId,
			role,
			createdAt: new Date()
		})
		.run();
	return personFor(db, { id: user.id, email: user.email, name, isPlatformAdmin: false });
}

const imrocId = (db: Db) =>
	db.select().from(frameworks).where(eq(frameworks.packKey, 'imroc-2010')).get()!.id;

/**
 * Completes a round for every service, on the ImROC pack unless another framework is given;
 * `beforeAgreeing` runs on each assessment while it is open.
 */
function completedRound(
	db: Db,
	s: ReturnType<typeof site>,
	title: string,
	start: string,
	levels: Levels[],
	{
		beforeAgreeing,
		frameworkId = imrocId(db)
	}: { beforeAgreeing?: (assessment: AssessmentRecord) => void; frameworkId?: string } = {}
) {
	const round = createRound(
		db,
		s.person,
		s.organisationId,
		{
			title,
			frameworkId,
			serviceIds: s.serviceIds,
			periodStart: start,
			periodEnd: start.replace(/-\d\d$/, '-28')
		},
		new Date(`${start}T09:00:00Z`)
	);
	if (!round.ok) throw new Error(round.message);
	openRound(db, s.person, s.organisationId, round.id, new Date(`${start}T09:00:00Z`));
	const content = frameworkContent(db, frameworkId);
	roundParticipants(db, round.id).forEach((p, i) => {
		const form = new FormData();
		for (const c of content.challenges)
			form.set(agreedScoreField.level(c.id), String(levels[i](c.position)));
		const parsed = parseAssessmentForm(form, content);
		if (!parsed.ok) throw new Error('bad form');
		const assessment = getAssessment(db, s.organisationId, round.id, p.assessmentId!)!;
		beforeAgreeing?.(assessment);
		expect(
			saveAssessment(db, s.person, assessment, s.organisationId, parsed.input, { complete: true })
		).toEqual({ ok: true });
	});
	return round.id;
}

const flat =
	(level: number): Levels =>
	() =>
		level;

describe('the organisation dashboard', () => {
	it('counts levels per round, takes medians, finds movers, on data with known answers', () => {
		const db = freshDb();
		const admin = platformAdmin(db);
		const trust = site(db, admin, 'Northmoor', ['Alpha', 'Bravo', 'Charlie']);
		completedRound(db, trust, 'Spring', '2026-01-01', [flat(1), flat(2), flat(2)]);
		// Alpha rises on every challenge, Bravo falls on the first only, Charlie stays.
		completedRound(db, trust, 'Autumn', '2026-07-01', [flat(3), (p) => (p === 1 ? 1 : 2), flat(2)]);

		const dashboard = organisationDashboard(db, trust.organisationId, {}, trust.person)!;
		expect(dashboard.tables.distribution.rows).toEqual([
			['Spring', 1, 2, 0, 0, 3, '2'],
			['Autumn', 1, 1, 1, 0, 3, '2']
		]);
		expect(dashboard.tables.medians.rows[0]).toEqual(['1. Day-to-day interactions', '2', '2']);
		expect(dashboard.tables.movers.rows).toEqual([
			['Alpha', 20, 10, 0],
			['Bravo', -1, 0, 1]
		]);
		expect(dashboard.tables.completion.rows).toContainEqual(['Complete', 3]);
		const alpha = dashboard.heatmap.rows.find((r) => r.serviceName === 'Alpha')!;
		expect(alpha.levels.every((l) => l === 3)).toBe(true);
		expect(alpha.median).toEqual({ kind: 'level', level: 3 });

		// A round range of Spring alone leaves one counted round and nothing to compare.
		const spring = dashboard.rounds[0].id;
		const narrowed = organisationDashboard(db, trust.organisationId, { to: spring }, trust.person)!;
		expect(narrowed.tables.distribution.rows).toEqual([['Spring', 1, 2, 0, 0, 3, '2']]);
		expect(narrowed.tables.movers.rows).toEqual([]);
	});

	it('summarises each service in the heatmap by its median level, not its mean', () => {
		const db = freshDb();
		const admin = platformAdmin(db);
		const trust = site(db, admin, 'Northmoor', ['Alpha', 'Bravo']);
		// Alpha: seven challenges at level 1 and three at level 4, a mean of 1.9 and a median of 1.
		// Bravo: five at 2 and five at 3, a median between the two.
		completedRound(db, trust, 'Spring', '2026-01-01', [
			(p) => (p <= 7 ? 1 : 4),
			(p) => (p <= 5 ? 2 : 3)
		]);
		const dashboard = organisationDashboard(db, trust.organisationId, {}, trust.person)!;
		expect(dashboard.tables.heatmap.rows.map((r) => [r[0], r.at(-1)])).toEqual([
			['Alpha', '1'],
			['Bravo', '2–3']
		]);
		expect(dashboard.tables.heatmap.head.at(-1)).toBe('Median');
		const alpha = dashboard.heatmap.rows.find((r) => r.serviceName === 'Alpha')!;
		expect(alpha.median).toEqual({ kind: 'level', level: 1 });
		const sorted = organisationDashboard(
			db,
			trust.organisationId,
			{ sort: 'median' },
			trust.person
		)!;
		expect(sorted.heatmap.sort).toBe('median');
		expect(sorted.heatmap.rows.map((r) => r.serviceName)).toEqual(['Bravo', 'Alpha']);
		expect(JSON.stringify(dashboard.tables)).not.toMatch(/mean|average/i);
	});

	it('needs the person looking, and shows them only the services they may see', () => {
		const db = freshDb();
		const admin = platformAdmin(db);
		const trust = site(db, admin, 'Northmoor', ['Alpha', 'Bravo', 'Charlie']);
		completedRound(db, trust, 'Spring', '2026-01-01', [flat(1), flat(2), flat(2)]);
		completedRound(db, trust, 'Autumn', '2026-07-01', [flat(3), flat(1), flat(2)]);
		const [, bravo] = trust.serviceIds;
		const bravoLead = member(db, trust.organisationId, 'service_lead', bravo);

		const everyone = organisationDashboard(db, trust.organisationId, {}, trust.person)!;
		expect(everyone.heatmap.rows.map((r) => r.serviceName).sort()).toEqual([
			'Alpha',
			'Bravo',
			'Charlie'
		]);
		const narrowed = organisationDashboard(db, trust.organisationId, {}, bravoLead)!;
		expect(narrowed.heatmap.rows.map((r) => r.serviceName)).toEqual(['Bravo']);
		expect(narrowed.tables.movers.rows.map((r) => r[0])).toEqual(['Bravo']);
		expect(narrowed.tables.completion.rows).toContainEqual(['Complete', 1]);
		expect(JSON.stringify(narrowed.tables)).not.toMatch(/Alpha|Charlie/);

		// Leaving the person out is refused by the compiler and, for a caller that gets past it, at
		// run time: it used to show every service.
		expect(() =>
			// @ts-expect-error -- the person is required
			organisationDashboard(db, trust.organisationId, {})
		).toThrow(/person/);
	});

	it('keeps the level counts equal to a recount from the agreed scores', () => {
		const db = freshDb();
		const admin = platformAdmin(db);
		const trust = site(db, admin, 'Northmoor', ['Alpha', 'Bravo']);
		completedRound(db, trust, 'Spring', '2026-01-01', [flat(1), (p) => (p % 4) + 1]);
		const kept = db.select().from(roundLevelCounts).all();
		const keptTotals = db.select().from(roundLevelTotals).all();
		rebuildRoundLevelCounts(db);
		const recounted = db.select().from(roundLevelCounts).all();
		const key = (r: (typeof kept)[number]) =>
			`${r.roundId}|${r.challengeId}|${r.level}|${r.services}`;
		expect(kept.map(key).sort()).toEqual(recounted.map(key).sort());
		expect(kept.reduce((n, r) => n + r.services, 0)).toBe(20);
		const totalKey = (r: (typeof keptTotals)[number]) => `${r.roundId}|${r.level}|${r.scores}`;
		expect(keptTotals.map(totalKey).sort()).toEqual(
			db.select().from(roundLevelTotals).all().map(totalKey).sort()
		);
		// Alpha agreed level 1 on all ten; Bravo levels 2, 3, 4, 1, 2, 3, 4, 1, 2, 3.
		expect(Object.fromEntries(keptTotals.map((t) => [t.level, t.scores]))).toEqual({
			1: 12,
			2: 3,
			3: 3,
			4: 2
		});
	});
});

describe('the service dashboard', () => {
	it('compares the latest round with the one before and lists what moved', () => {
		const db = freshDb();
		const admin = platformAdmin(db);
		const trust = site(db, admin, 'Northmoor', ['Alpha']);
		completedRound(db, trust, 'Spring', '2026-01-01', [flat(2)]);
		completedRound(db, trust, 'Autumn', '2026-07-01', [(p) => (p === 3 ? 4 : p === 5 ? 1 : 2)]);
		const dashboard = serviceDashboard(db, trust.serviceIds[0])!;
		expect(dashboard.latest.roundTitle).toBe('Autumn');
		expect(dashboard.changes.map((c) => [c.position, c.previous, c.current, c.direction])).toEqual([
			[3, 2, 4, 'up'],
			[5, 2, 1, 'down']
		]);
		expect(dashboard.tables.trend.head).toEqual(['Challenge', 'Spring', 'Autumn']);
	});
});

describe('the perspective gap', () => {
	it('gives each perspective’s median rating and how many rated, never their mean', () => {
		const db = freshDb();
		const admin = platformAdmin(db);
		const trust = site(db, admin, 'Northmoor', ['Alpha']);
		const [alpha] = trust.serviceIds;
		const content = frameworkContent(db, imrocId(db));
		/** A rater who submits `first` for challenge 1 and level 2 for every other challenge. */
		const rate = (assessment: AssessmentRecord, perspective: string, first: number) => {
			const rater = member(db, trust.organisationId, 'rater', alpha);
			expect(addRater(db, trust.person, assessment, rater.id)).toEqual({ ok: true });
			const answers = content.challenges.map((c) => ({
				challengeId: c.id,
				choice: c.position === 1 ? first : 2,
				comment: ''
			}));
			expect(
				saveRatings(db, rater, assessment, { perspective, answers }, { submit: true })
			).toEqual({ ok: true });
		};
		completedRound(db, trust, 'Spring', '2026-01-01', [flat(2)], {
			beforeAgreeing: (assessment) => {
				// Staff rate challenge 1 at 1, 1, 1 and 4: a mean of 1.75, a median of 1.
				for (const level of [1, 1, 1, 4]) rate(assessment, 'staff', level);
				// Carers split 2 and 3: a median between them.
				for (const level of [2, 3]) rate(assessment, 'carer', level);
			}
		});

		// As the lead sees it (who agrees the levels): every perspective on its own.
		const dashboard = serviceDashboard(db, alpha, {}, { agreesLevels: true })!;
		expect(dashboard.perspectives.map((p) => p.key)).toEqual(['carer', 'staff']);
		expect(dashboard.tables.gap.rows[0]).toEqual([
			'1. Day-to-day interactions',
			2,
			'2–3',
			2,
			'1',
			4
		]);
		expect(dashboard.tables.gap.rows[1]).toEqual([
			'2. User-led education and training',
			2,
			'2',
			2,
			'2',
			4
		]);
		expect(dashboard.gap[0].medians).toEqual([
			{ kind: 'between', low: 2, high: 3 },
			{ kind: 'level', level: 1 }
		]);
		expect(dashboard.gap[0].raters).toEqual([2, 4]);
		expect(dashboard.tables.gap.head).toEqual([
			'Challenge',
			'Agreed level',
			'Carer, family member or supporter (median)',
			'Carer, family member or supporter (raters)',
			'Staff member (median)',
			'Staff member (raters)'
		]);
		expect(dashboard.tables.gap.caption).toMatch(/^Median rating by perspective/);
		expect(JSON.stringify(dashboard.tables)).not.toMatch(/mean|average/i);

		// Anyone else: the two carers are too few to show apart, so they count as other perspectives.
		const forOthers = serviceDashboard(db, alpha)!;
		expect(forOthers.perspectives).toEqual([
			{ key: 'other', label: 'Other perspectives' },
			{ key: 'staff', label: 'Staff member' }
		]);
		expect(forOthers.tables.gap.head).toEqual([
			'Challenge',
			'Agreed level',
			'Other perspectives (median)',
			'Other perspectives (raters)',
			'Staff member (median)',
			'Staff member (raters)'
		]);
		expect(forOthers.tables.gap.rows[0]).toEqual([
			'1. Day-to-day interactions',
			2,
			'2–3',
			2,
			'1',
			4
		]);
		expect(JSON.stringify(forOthers)).not.toMatch(/carer|Carer/);
	});
});

describe('the cross-site view', () => {
	it('shows medians per site and withholds a benchmark with fewer than three other sites', () => {
		const db = freshDb();
		const admin = platformAdmin(db);
		// Three services each: a site's median needs at least three completed services.
		const sites = ['A', 'B', 'C', 'D'].map((name, i) => {
			const s = site(db, admin, `Site ${name}`, ['One', 'Two', 'Three']);
			completedRound(db, s, 'Spring', '2026-01-01', [flat(i + 1), flat(i + 1), flat(i + 1)]);
			return { id: s.organisationId, name: `Site ${name}` };
		});
		const all = crossSiteView(db, sites, sites[0].id)!;
		expect(all.tables.heatmap.rows.map((r) => [r[0], r[2]])).toEqual([
			['Site A', '1'],
			['Site B', '2'],
			['Site C', '3'],
			['Site D', '4']
		]);
		expect(all.benchmarks[0].result).toEqual({
			kind: 'compared',
			site: 1,
			others: { min: 2, lowerQuartile: 2.5, median: 3, upperQuartile: 3.5, max: 4, count: 3 }
		});
		// Two services a level apart: the median lies between their levels, found in SQL.
		const split = site(db, admin, 'Site E', ['One', 'Two', 'Three', 'Four']);
		completedRound(db, split, 'Spring', '2026-01-01', [flat(1), flat(1), flat(3), flat(3)]);
		const withSplit = crossSiteView(
			db,
			[...sites, { id: split.organisationId, name: 'Site E' }],
			split.organisationId
		)!;
		expect(withSplit.heatmap.at(-1)!.medians[0]).toEqual({ kind: 'between', low: 1, high: 3 });
		expect(withSplit.tables.trend.rows.at(-1)).toEqual(['Site E', '1–3']);
		expect(withSplit.benchmarks[0].result).toMatchObject({ kind: 'compared', site: 2 });

		const three = crossSiteView(db, sites.slice(0, 3), sites[0].id)!;
		expect(three.benchmarks[0].result.kind).toBe('withheld');
		expect(three.tables.benchmark.rows[0]).toContain('Withheld: fewer than 3 other sites');
		// Nothing a person typed reaches a cross-site table.
		expect(JSON.stringify(all.tables)).not.toMatch(/One|Two|Three/);
	});
});

describe('what the cross-site view withholds', () => {
	it('shows no median for a site-round with fewer than 3 completed services, in the table, chart and CSV', () => {
		const db = freshDb();
		const admin = platformAdmin(db);
		const small = site(db, admin, 'Small Trust', ['One', 'Two']);
		completedRound(db, small, 'Spring', '2026-04-01', [flat(1), flat(3)]);
		const big = site(db, admin, 'Big Trust', ['One', 'Two', 'Three']);
		completedRound(db, big, 'Spring', '2026-04-01', [flat(2), flat(2), flat(2)]);
		const view = crossSiteView(
			db,
			[
				{ id: small.organisationId, name: 'Small Trust' },
				{ id: big.organisationId, name: 'Big Trust' }
			],
			small.organisationId
		)!;

		const smallRow = view.tables.heatmap.rows.find((r) => r[0] === 'Small Trust')!;
		expect(smallRow.slice(2)).toEqual(Array(10).fill('Too few to show'));
		expect(view.tables.heatmap.rows.find((r) => r[0] === 'Big Trust')!.slice(2)).toEqual(
			Array(10).fill('2')
		);
		expect(view.tables.trend.rows).toContainEqual(['Small Trust', 'Too few to show']);
		expect(view.trend.find((t) => t.site.name === 'Small Trust')!.medians).toEqual(['too-few']);
		expect(view.heatmap[0].medians.every((m) => m === 'too-few')).toBe(true);
		// The benchmark has no figure for it either.
		expect(view.benchmarks.every((b) => b.result.site === null)).toBe(true);
		const csv = toCsv(view.tables.heatmap.head, view.tables.heatmap.rows);
		expect(csv).toContain('Too few to show');
		expect(csv).not.toMatch(/Small Trust,[^\n]*1–3/);
	});

	it('shows each round by its period, never its title', () => {
		expect(periodWords('2026-04-01', '2026-09-30')).toBe('April to September 2026');
		expect(periodWords('2025-11-01', '2026-04-30')).toBe('November 2025 to April 2026');
		expect(periodWords('2026-01-01', '2026-01-28')).toBe('January 2026');
		const db = freshDb();
		const admin = platformAdmin(db);
		const trust = site(db, admin, 'Trust', ['One', 'Two', 'Three']);
		completedRound(db, trust, 'Ward 7 audit with Dr Smith', '2026-01-01', [
			flat(1),
			flat(1),
			flat(1)
		]);
		const view = crossSiteView(db, [{ id: trust.organisationId, name: 'Trust' }], undefined)!;
		expect(view.tables.heatmap.head[1]).toBe('Round period');
		expect(view.tables.heatmap.rows[0][1]).toBe('January 2026');
		expect(JSON.stringify(view)).not.toContain('Dr Smith');
	});

	it('names only the sites the person holds a role in; others are lettered, and shown only three or more at a time', () => {
		expect(
			sitesToShow([
				{ id: 'z', name: 'Zed', named: false, hasMedian: true },
				{ id: 'm', name: 'Mine', named: true, hasMedian: true },
				{ id: 'b', name: 'Bee', named: false, hasMedian: true },
				{ id: 'c', name: 'Cee', named: false, hasMedian: false },
				{ id: 'a', name: 'Ay', named: false, hasMedian: true }
			])
		).toEqual({
			shown: [
				{ id: 'm', label: 'Mine', named: true },
				{ id: 'a', label: 'Other site A', named: false },
				{ id: 'b', label: 'Other site B', named: false },
				{ id: 'c', label: 'Other site C', named: false },
				{ id: 'z', label: 'Other site D', named: false }
			],
			hidden: 0
		});
		expect(
			sitesToShow([
				{ id: 'm', name: 'Mine', named: true, hasMedian: true },
				{ id: 'b', name: 'Bee', named: false, hasMedian: true },
				{ id: 'c', name: 'Cee', named: false, hasMedian: true }
			])
		).toEqual({ shown: [{ id: 'm', label: 'Mine', named: true }], hidden: 2 });

		const db = freshDb();
		const admin = platformAdmin(db);
		const trusts = ['Alder', 'Birch', 'Cedar', 'Damson', 'Elm'].map((name, i) => {
			const s = site(db, admin, `${name} Trust`, ['One', 'Two', 'Three']);
			completedRound(db, s, 'Spring', '2026-01-01', [
				flat(1 + (i % 4)),
				flat(1 + (i % 4)),
				flat(1 + (i % 4))
			]);
			return s;
		});
		// A platform administrator who is also an administrator of Alder sees the rest lettered.
		const alderAdmin = member(db, trusts[0].organisationId, 'organisation_admin', null);
		const asAdmin = crossSitePage(db, { ...alderAdmin, isPlatformAdmin: true }, undefined).view!;
		expect(asAdmin.tables.heatmap.rows.map((r) => r[0])).toEqual([
			'Alder Trust',
			'Other site A',
			'Other site B',
			'Other site C',
			'Other site D'
		]);
		expect(asAdmin.tables.heatmap.rows).toHaveLength(5);
		const seen = JSON.stringify(asAdmin);
		for (const t of trusts.slice(1)) expect(seen).not.toContain(t.organisationId);
		for (const name of ['Birch', 'Cedar', 'Damson', 'Elm']) expect(seen).not.toContain(name);
		expect(asAdmin.chosen?.name).toBe('Alder Trust');
		expect(asAdmin.benchmarkable.map((s) => s.name)).toEqual(['Alder Trust']);
		expect(asAdmin.benchmarks[0].result.kind).toBe('compared');

		// With only two other sites, they are left out altogether, and so is the benchmark.
		const db2 = freshDb();
		const admin2 = platformAdmin(db2);
		const three = ['Alder', 'Birch', 'Cedar'].map((name) => {
			const s = site(db2, admin2, `${name} Trust`, ['One', 'Two', 'Three']);
			completedRound(db2, s, 'Spring', '2026-01-01', [flat(1), flat(1), flat(1)]);
			return s;
		});
		const alder2 = member(db2, three[0].organisationId, 'organisation_admin', null);
		const few = crossSitePage(db2, { ...alder2, isPlatformAdmin: true }, undefined).view!;
		expect(few.tables.heatmap.rows.map((r) => r[0])).toEqual(['Alder Trust']);
		expect(few.hiddenSites).toBe(2);
		expect(few.benchmarks[0].result.kind).toBe('withheld');

		// A facilitator of two sites sees both named, and no other site at all.
		const facilitator = member(db, trusts[1].organisationId, 'facilitator', null);
		db.insert(memberships)
			.values({
				id: newId(),
				userId: facilitator.id,
				organisationId: trusts[2].organisationId,
				serviceId: null,
				role: 'facilitator',
				createdAt: new Date()
			})
			.run();
		const asFacilitator = crossSitePage(
			db,
			personFor(db, { id: facilitator.id, email: '', name: '', isPlatformAdmin: false }),
			trusts[2].organisationId
		).view!;
		expect(asFacilitator.tables.heatmap.rows.map((r) => r[0]).sort()).toEqual([
			'Birch Trust',
			'Cedar Trust'
		]);
		expect(asFacilitator.chosen?.name).toBe('Cedar Trust');
	});
});

/** Imports the test pack (five challenges, levels 0 to 2), or a changed copy of it as a new version. */
function importTestPack(db: Db, admin: Person, change?: (pack: TestPack) => void) {
	const pack = JSON.parse(readFileSync('tests/fixtures/packs/small-three-level.json', 'utf8'));
	change?.(pack);
	const imported = importPack(db, admin, JSON.stringify(pack));
	if (!imported.ok) throw new Error(imported.problems.join('\n'));
	return imported.frameworkId;
}
type TestPack = {
	challenges: { key: string; name: string; shortLabel: string }[];
};

const IMROC_LABEL = 'ImROC organisational challenges (2010), version 1';
const TEST_PACK_LABEL = 'Team culture check (test pack), version 1';

describe('dashboards once a round uses a second framework', () => {
	/** Northmoor: two ImROC rounds in which Alpha rises everywhere and Bravo falls on one challenge. */
	function twoImrocRounds() {
		const db = freshDb();
		const admin = platformAdmin(db);
		const trust = site(db, admin, 'Northmoor', ['Alpha', 'Bravo', 'Charlie']);
		completedRound(db, trust, 'Spring', '2026-01-01', [flat(1), flat(2), flat(2)]);
		completedRound(db, trust, 'Autumn', '2026-07-01', [flat(3), (p) => (p === 1 ? 1 : 2), flat(2)]);
		return { db, admin, trust };
	}

	it('the organisation dashboard shows the latest round’s framework, and ImROC unchanged when chosen', () => {
		const { db, admin, trust } = twoImrocRounds();
		const before = organisationDashboard(db, trust.organisationId, {}, trust.person)!;
		expect(before.framework.shown.label).toBe(IMROC_LABEL);
		expect(before.framework.choices).toHaveLength(1);

		const culture = importTestPack(db, admin);
		completedRound(db, trust, 'Culture check', '2027-01-01', [flat(2), flat(0), flat(1)], {
			frameworkId: culture
		});

		const latest = organisationDashboard(db, trust.organisationId, {}, trust.person)!;
		expect(latest.framework.shown).toEqual({
			packKey: 'team-culture-check',
			label: TEST_PACK_LABEL
		});
		expect(latest.framework.choices.map((c) => c.text)).toEqual([IMROC_LABEL, TEST_PACK_LABEL]);
		expect(latest.challenges.map((c) => c.shortLabel)).toEqual([
			'Welcome',
			'Hope',
			'Choice',
			'Peer roles',
			'Community'
		]);
		expect(latest.rounds.map((r) => r.title)).toEqual(['Culture check']);
		expect(latest.tables.distribution.rows).toEqual([['Culture check', 1, 1, 1, 3, '1']]);
		expect(latest.tables.medians.head).toEqual(['Challenge', 'Culture check']);
		expect(latest.movers.later).toBeNull();
		expect(latest.tables.movers.rows).toEqual([]);
		expect(latest.completion.round.title).toBe('Culture check');

		const imroc = organisationDashboard(
			db,
			trust.organisationId,
			{ framework: 'imroc-2010' },
			trust.person
		)!;
		expect(imroc.framework.shown.label).toBe(IMROC_LABEL);
		expect(imroc.tables).toEqual(before.tables);
		expect(imroc.tables.movers.rows).toEqual([
			['Alpha', 20, 10, 0],
			['Bravo', -1, 0, 1]
		]);
		expect(imroc.rounds.map((r) => r.title)).toEqual(['Spring', 'Autumn']);

		// A round of the other framework named in the address is not this framework's round.
		const mixed = organisationDashboard(
			db,
			trust.organisationId,
			{ framework: 'imroc-2010', round: latest.rounds[0].id, to: latest.rounds[0].id },
			trust.person
		)!;
		expect(mixed.heatmap.round.title).toBe('Autumn');
		expect(mixed.tables.medians.head).toEqual(['Challenge', 'Spring', 'Autumn']);
		// An unknown framework falls back to the default.
		expect(
			organisationDashboard(db, trust.organisationId, { framework: 'nope' }, trust.person)!
				.framework.shown.packKey
		).toBe('team-culture-check');
	});

	it('compares versions of one pack by challenge key, and says which versions it shows', () => {
		const db = freshDb();
		const admin = platformAdmin(db);
		const trust = site(db, admin, 'Northmoor', ['Alpha', 'Bravo']);
		const first = importTestPack(db, admin);
		completedRound(db, trust, 'First', '2026-01-01', [flat(0), flat(1)], { frameworkId: first });
		// Version 2 renames "Hope" and puts a new challenge first: positions shift, keys do not.
		const second = importTestPack(db, admin, (pack) => {
			pack.challenges[1].shortLabel = 'Hope and strengths';
			pack.challenges.unshift({ key: 'safety', name: 'People feel safe', shortLabel: 'Safety' });
		});
		completedRound(db, trust, 'Second', '2026-07-01', [flat(2), flat(1)], {
			frameworkId: second
		});
		completedRound(db, trust, 'ImROC', '2025-01-01', [flat(4), flat(4)]);

		const dashboard = organisationDashboard(db, trust.organisationId, {}, trust.person)!;
		expect(dashboard.framework.shown.label).toBe(
			'Team culture check (test pack), versions 1 and 2'
		);
		expect(dashboard.rounds.map((r) => r.title)).toEqual(['First', 'Second']);
		expect(dashboard.challenges.map((c) => c.shortLabel)).toEqual([
			'Safety',
			'Welcome',
			'Hope and strengths',
			'Choice',
			'Peer roles',
			'Community'
		]);
		// Hope: Alpha 0 → 2 and Bravo 1 → 1, matched by key across the two versions.
		expect(dashboard.tables.medians.rows[2]).toEqual(['3. Hope and strengths', '0–1', '1–2']);
		expect(dashboard.tables.medians.rows[0]).toEqual(['1. Safety', '–', '1–2']);
		// Alpha rose by two on each of the five challenges both versions have.
		expect(dashboard.tables.movers.rows).toEqual([['Alpha', 10, 5, 0]]);
	});

	it('the service dashboard compares only rounds of one framework, the latest’s by default', () => {
		const { db, admin, trust } = twoImrocRounds();
		const [alpha] = trust.serviceIds;
		const before = serviceDashboard(db, alpha)!;
		expect(before.changes).toHaveLength(10);

		const culture = importTestPack(db, admin);
		completedRound(db, trust, 'Culture check', '2027-01-01', [flat(2), flat(0), flat(1)], {
			frameworkId: culture
		});

		const latest = serviceDashboard(db, alpha)!;
		expect(latest.framework.shown.label).toBe(TEST_PACK_LABEL);
		expect(latest.latest.roundTitle).toBe('Culture check');
		// The first round on this framework: nothing before it to compare with.
		expect(latest.previous).toBeNull();
		expect(latest.comparison.map((c) => c.current)).toEqual([2, 2, 2, 2, 2]);
		expect(latest.trend?.frameworkName).toBe('Team culture check (test pack)');
		expect(latest.tables.trend.head).toEqual(['Challenge', 'Culture check']);

		const imroc = serviceDashboard(db, alpha, { framework: 'imroc-2010' })!;
		expect(imroc.framework.shown.label).toBe(IMROC_LABEL);
		expect(imroc.framework.choices).toHaveLength(2);
		expect(imroc.tables).toEqual(before.tables);
		expect(imroc.changes).toHaveLength(10);
		expect(imroc.tables.trend.head).toEqual(['Challenge', 'Spring', 'Autumn']);
	});

	it('the cross-site view compares one framework, the latest counted round’s by default', () => {
		const db = freshDb();
		const admin = platformAdmin(db);
		const sites = ['A', 'B', 'C', 'D'].map((name, i) => {
			const s = site(db, admin, `Site ${name}`, ['One', 'Two', 'Three']);
			completedRound(db, s, 'Spring', '2026-01-01', [flat(i + 1), flat(i + 1), flat(i + 1)]);
			return { s, site: { id: s.organisationId, name: `Site ${name}` } };
		});
		const all = sites.map((x) => x.site);
		const before = crossSiteView(db, all, all[0].id)!;
		expect(before.framework.shown.label).toBe(IMROC_LABEL);

		const culture = importTestPack(db, admin);
		completedRound(db, sites[1].s, 'Culture', '2026-07-01', [flat(2), flat(2), flat(2)], {
			frameworkId: culture
		});

		const latest = crossSiteView(db, all, all[0].id)!;
		expect(latest.framework.shown.label).toBe(TEST_PACK_LABEL);
		expect(latest.challenges).toHaveLength(5);
		expect(latest.tables.trend.rows).toEqual([
			['Site A', '–'],
			['Site B', '2'],
			['Site C', '–'],
			['Site D', '–']
		]);

		const imroc = crossSiteView(db, all, all[0].id, 'imroc-2010')!;
		expect(imroc.framework.choices.map((c) => c.text)).toEqual([IMROC_LABEL, TEST_PACK_LABEL]);
		expect(imroc.tables).toEqual(before.tables);
	});
});

describe('figures kept between requests', () => {
	it('are used again until the database changes: a completion undone, then done again, shows at once', () => {
		const db = freshDb();
		const admin = platformAdmin(db);
		const trust = site(db, admin, 'Northmoor', ['Alpha', 'Bravo']);
		const roundId = completedRound(db, trust, 'Spring', '2026-01-01', [flat(3), flat(2)]);
		const show = () => organisationDashboard(db, trust.organisationId, {}, trust.person)!;

		const first = show();
		expect(show().heatmap, 'kept, not worked out again').toBe(first.heatmap);
		expect(first.tables.distribution.rows).toEqual([['Spring', 0, 1, 1, 0, 2, '2–3']]);

		const alphaRow = first.heatmap.rows.find((r) => r.serviceName === 'Alpha')!;
		const alpha = getAssessment(db, trust.organisationId, roundId, alphaRow.assessmentId!)!;
		expect(
			undoCompletion(db, trust.person, alpha, trust.organisationId, 'The levels need another look')
		).toMatchObject({ ok: true });
		const reopened = show();
		expect(reopened.heatmap.rows.find((r) => r.serviceName === 'Alpha')!.complete).toBe(false);
		expect(reopened.tables.distribution.rows).toEqual([['Spring', 0, 1, 0, 0, 1, '2']]);

		const revisions = db
			.select({ challengeId: agreedScores.challengeId, revision: agreedScores.revision })
			.from(agreedScores)
			.where(eq(agreedScores.assessmentId, alpha.id))
			.all();
		expect(
			completeSavedAssessment(
				db,
				trust.person,
				alpha,
				trust.organisationId,
				savedScoresFingerprint(revisions)
			)
		).toMatchObject({ ok: true });
		const completed = show();
		expect(completed.heatmap.rows.find((r) => r.serviceName === 'Alpha')!.levels).toEqual(
			Array(10).fill(3)
		);
		expect(completed.tables.distribution.rows).toEqual([['Spring', 0, 1, 1, 0, 2, '2–3']]);
	});
});
