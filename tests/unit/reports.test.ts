import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '$lib/server/db/client';
import { loadBuiltInPacks } from '$lib/server/frameworks/loader';
import { seedDemo } from '$lib/server/demo/seed';
import { auditEvents, organisations, rounds, services, users } from '$lib/server/db/schema';
import { personFor } from '$lib/server/users';
import { organisationDashboard } from '$lib/server/dashboards/organisation';
import { serviceDashboard } from '$lib/server/dashboards/service';
import { boardReport } from '$lib/server/reports/board';
import { serviceReport } from '$lib/server/reports/service';
import { isPrefetch, recordReportView } from '$lib/server/reports/record';
import { MIN_PEOPLE_PER_PERSPECTIVE } from '$lib/domain/ratings';
import { formatMedian } from '$lib/domain/dashboards';
import type { Person } from '$lib/server/access/policy';

// The reports on the demo data: every figure they share with a dashboard is the dashboard's.

let db: Db;
let viewer: Person;
let organisation: { id: string; name: string };
const now = new Date('2026-12-02T10:00:00Z');

const roundTitled = (title: string) =>
	db
		.select()
		.from(rounds)
		.where(and(eq(rounds.organisationId, organisation.id), eq(rounds.title, title)))
		.get()!;

beforeAll(async () => {
	db = openDatabase(':memory:');
	loadBuiltInPacks(db);
	await seedDemo(db, now);
	organisation = db
		.select({ id: organisations.id, name: organisations.name })
		.from(organisations)
		.where(eq(organisations.name, 'Northmoor Mental Health NHS Foundation Trust'))
		.get()!;
	const user = db.select().from(users).where(eq(users.email, 'viewer@demo.example')).get()!;
	viewer = personFor(db, {
		id: user.id,
		email: user.email,
		name: user.name,
		isPlatformAdmin: false
	});
});

describe('the board report', () => {
	it('has the dashboard’s completed count and medians for the open round, and is a draft', () => {
		const round = roundTitled('Autumn 2026 recovery audit');
		expect(round.status).toBe('open');
		const report = boardReport(db, organisation, round, viewer, now);
		const dashboard = organisationDashboard(db, organisation.id, {}, viewer, now)!;
		const complete = dashboard.tables.completion.rows.find((r) => r[0] === 'Complete')![1];
		expect(report.completed).toBe(complete);
		expect(report.completed).toBeGreaterThan(0);
		expect(report.takingPart).toBe(
			dashboard.tables.completion.rows.reduce((n, r) => n + Number(r[1]), 0)
		);
		expect(report.medians.map((m) => [m.label, formatMedian(m.current)])).toEqual(
			dashboard.tables.medians.rows.map((r) => [r[0], r.at(-1)])
		);
		expect(report.medians.map((m) => formatMedian(m.previous))).toEqual(
			dashboard.tables.medians.rows.map((r) => r.at(-2))
		);
		expect(report.previousRound?.title).toBe('Spring 2026 recovery audit');
		expect(report.draft).toBe(true);
		expect(report.headline[0]).toBe(
			`${report.completed} of ${report.takingPart} services have completed their assessment so far in Autumn 2026 recovery audit.`
		);
		expect(report.heatmap.rows.map((r) => r.serviceName)).toEqual(
			dashboard.heatmap.rows.map((r) => r.serviceName)
		);
	});

	it('reports a closed round as it was, against the round before, and not as a draft', () => {
		const round = roundTitled('Spring 2026 recovery audit');
		const report = boardReport(db, organisation, round, viewer, now);
		expect(report.draft).toBe(false);
		expect(report.previousRound?.title).toBe('Autumn 2025 recovery audit');
		expect(report.heatmap.round.id).toBe(round.id);
		expect(report.overTime.rounds.at(-1)).toBe('Spring 2026 recovery audit');
		expect(report.overTime.rounds.length).toBeLessThanOrEqual(4);
		const dashboard = organisationDashboard(db, organisation.id, { to: round.id }, viewer, now)!;
		expect(report.medians.map((m) => formatMedian(m.current))).toEqual(
			dashboard.tables.medians.rows.map((r) => r.at(-1))
		);
		// Each challenge's counts over time add up to the services that completed that round.
		for (const c of report.overTime.challenges)
			expect(c.rounds.at(-1)!.total).toBeLessThanOrEqual(report.completed);
	});

	it('never prints a perspective with fewer than the smallest number shown', () => {
		for (const title of ['Spring 2026 recovery audit', 'Autumn 2026 recovery audit']) {
			const report = boardReport(db, organisation, roundTitled(title), viewer, now);
			for (const p of report.perspectives)
				if (p.people !== null) expect(p.people).toBeGreaterThanOrEqual(MIN_PEOPLE_PER_PERSPECTIVE);
		}
	});

	it('gives every action a board status, or counts it as dropped', () => {
		const report = boardReport(db, organisation, roundTitled('Spring 2026 recovery audit'), viewer);
		expect(report.actions.length).toBeGreaterThan(0);
		const { counts, dropped } = report.actionCounts;
		expect(Object.values(counts).reduce((a, b) => a + b, 0) + dropped).toBe(report.actions.length);
	});
});

describe('the service report', () => {
	const ashford = () =>
		db
			.select()
			.from(services)
			.where(eq(services.name, 'Ashford Community Mental Health Team'))
			.get()!;

	it('shows the latest completed round by default, with the dashboard’s levels', () => {
		const service = ashford();
		const report = serviceReport(db, service.id, null, { agreesLevels: false }, now)!;
		const dashboard = serviceDashboard(db, service.id)!;
		expect(report.round.title).toBe(dashboard.latest.roundTitle);
		expect(report.dashboard!.comparison.map((c) => [c.current, c.previous])).toEqual(
			dashboard.comparison.map((c) => [c.current, c.previous])
		);
	});

	it('shows the round asked for, and falls back on the default for a round it did not take part in', () => {
		const service = ashford();
		const autumn2025 = roundTitled('Autumn 2025 recovery audit');
		const asked = serviceReport(db, service.id, autumn2025.id, { agreesLevels: false }, now)!;
		expect(asked.round.title).toBe('Autumn 2025 recovery audit');
		expect(asked.draft).toBe(false);
		expect(asked.dashboard!.previous?.roundTitle).toBe('Spring 2025 recovery audit');
		const unknown = serviceReport(db, service.id, 'not-a-round', { agreesLevels: false }, now)!;
		expect(unknown.round.id).toBe(
			serviceReport(db, service.id, null, { agreesLevels: false }, now)!.round.id
		);
	});

	it('has no levels for a round whose assessment is not complete, and is a draft while it is open', () => {
		const service = ashford();
		const open = roundTitled('Autumn 2026 recovery audit');
		const report = serviceReport(db, service.id, open.id, { agreesLevels: false }, now)!;
		expect(report.draft).toBe(true);
		expect(report.dashboard).toBeNull();
	});
});

describe('recording a report view', () => {
	const request = (headers: Record<string, string> = {}) => ({
		request: new Request('http://localhost/report', { headers })
	});

	it('writes export.report with the round, but not for a browser’s prefetch', () => {
		const round = roundTitled('Spring 2026 recovery audit');
		const before = db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'export.report'))
			.all();
		recordReportView(db, request(), {
			userId: viewer.id,
			organisationId: organisation.id,
			report: 'board',
			round
		});
		recordReportView(db, request({ 'sec-purpose': 'prefetch' }), {
			userId: viewer.id,
			organisationId: organisation.id,
			report: 'board',
			round
		});
		const after = db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'export.report'))
			.all();
		expect(after.length - before.length).toBe(1);
		const event = after.at(-1)!;
		expect(event).toMatchObject({ userId: viewer.id, entityType: 'round', entityId: round.id });
		expect(event.after).toEqual({ report: 'board', roundId: round.id, round: round.title });
		expect(isPrefetch(new Request('http://x', { headers: { purpose: 'prefetch' } }))).toBe(true);
	});
});
