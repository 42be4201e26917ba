import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '$lib/server/db/client';
import {
	agreedScores,
	assessmentComments,
	assessments,
	auditEvents,
	auditImports,
	groupings,
	priorities,
	roundServices,
	rounds,
	services
} from '$lib/server/db/schema';
import { createRound } from '$lib/server/rounds/form';
import { openRound } from '$lib/server/rounds/transitions';
import {
	importPastAudits,
	importProvenance,
	listImports,
	previewPastAudits,
	undoImport,
	type PastAuditsInput
} from '$lib/server/import/past-audits';
import { organisationDashboard } from '$lib/server/dashboards/organisation';
import { createOrganisation } from '$lib/server/organisations';
import { createService } from '$lib/server/services';
import { describeAction, describeChange } from '$lib/domain/audit-labels';
import { newId } from '$lib/server/ids';
import { openedRound, trustWithService, type TrustWithService } from './helpers/world';

const HEADINGS = [
	'Round title',
	'Round start',
	'Round end',
	'Service',
	'Grouping',
	'Type of service',
	'Challenge',
	'Agreed level',
	'Evidence',
	'Why this level',
	'Next step',
	'Priority rank'
];

const ROUNDS = [
	{ title: 'Spring 2024', start: '01/04/2024', end: '30/06/2024', levels: [1, 2] },
	{ title: 'Spring 2025', start: '01/04/2025', end: '30/06/2025', levels: [3, 2] }
];

const quoted = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/**
 * A CSV of two rounds of two services on all ten challenges: Ashford CMHT (the trust's own
 * service, named as `ashfordAs`) and Brenton Crisis Team (new, in the North grouping).
 */
function auditCsv({ ashfordAs = 'Ashford CMHT', extraRows = [] as string[][] } = {}): Uint8Array {
	const lines: string[][] = [HEADINGS];
	for (const round of ROUNDS) {
		const named = [
			[ashfordAs, '', '', round.levels[0]],
			['Brenton Crisis Team', 'North', 'Crisis resolution and home treatment', round.levels[1]]
		] as const;
		for (const [service, grouping, type, level] of named)
			for (let challenge = 1; challenge <= 10; challenge += 1)
				lines.push([
					round.title,
					round.start,
					round.end,
					service,
					grouping,
					type,
					String(challenge),
					String(level),
					`Evidence for ${service}, challenge ${challenge}`,
					'Why, in a sentence',
					'Next step, in a sentence',
					challenge <= 3 ? String(challenge) : ''
				]);
	}
	lines.push(...extraRows);
	return new TextEncoder().encode(lines.map((l) => l.map(quoted).join(',')).join('\r\n'));
}

function input(w: TrustWithService, bytes: Uint8Array, more: Partial<PastAuditsInput> = {}) {
	return {
		organisationId: w.organisationId,
		frameworkId: w.frameworkId,
		fileName: 'audits 2024-25.csv',
		bytes,
		...more
	};
}

/** Every table's row count, as the database stands. */
function rowCounts(db: Db): Record<string, number> {
	const tables = db.$client
		.prepare(
			`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'`
		)
		.all() as { name: string }[];
	return Object.fromEntries(
		tables.map(({ name }) => [
			name,
			(db.$client.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n
		])
	);
}

const without = (counts: Record<string, number>, ...tables: string[]) =>
	Object.fromEntries(Object.entries(counts).filter(([t]) => !tables.includes(t)));

describe('previewing past audits', () => {
	it('counts the rounds, services and scores of a good file, matching the trust’s own service', async () => {
		const w = trustWithService();
		const before = rowCounts(w.db);
		const previewed = await previewPastAudits(w.db, input(w, auditCsv()));
		if (!previewed.ok) throw new Error(previewed.problem);
		const { preview } = previewed;
		expect(preview.problems).toEqual([]);
		expect(
			preview.rounds.map((r) => [r.title, r.periodStart, r.periodEnd, r.services, r.scores])
		).toEqual([
			['Spring 2024', '2024-04-01', '2024-06-30', 2, 20],
			['Spring 2025', '2025-04-01', '2025-06-30', 2, 20]
		]);
		expect(preview.services.map((s) => [s.name, s.status, s.existing?.id ?? null])).toEqual([
			['Ashford CMHT', 'matched', w.serviceId],
			['Brenton Crisis Team', 'new', null]
		]);
		expect(preview.scores).toHaveLength(40);
		expect(previewed.fingerprint).toMatch(/^[0-9a-f]{64}$/);
		expect(previewed.alreadyImported).toBeNull();
		expect(rowCounts(w.db)).toEqual(before);
	});

	it('never matches a service of another organisation', async () => {
		const w = trustWithService();
		const other = createOrganisation(w.db, w.person, {
			name: 'Southvale Trust',
			odsCode: '',
			groupingLabel: 'Directorate'
		});
		const theirs = createService(w.db, w.person, other, {
			name: 'Brenton Crisis Team',
			type: 'Crisis resolution and home treatment'
		});
		expect(theirs.ok).toBe(true);
		const previewed = await previewPastAudits(w.db, input(w, auditCsv()));
		if (!previewed.ok) throw new Error(previewed.problem);
		const brenton = previewed.preview.services.find((s) => s.name === 'Brenton Crisis Team')!;
		expect(brenton.status).toBe('new');
		expect(brenton.existing).toBeNull();
		expect(brenton.suggestions).toEqual([]);
	});

	it('says when a round overlaps one of the organisation’s rounds', async () => {
		const w = trustWithService();
		openedRound(w, 'Summer 2024', '2024-06-01');
		const previewed = await previewPastAudits(w.db, input(w, auditCsv()));
		if (!previewed.ok) throw new Error(previewed.problem);
		expect(previewed.preview.problems).toHaveLength(1);
		expect(previewed.preview.problems[0].message).toContain(
			'The round “Spring 2024” (1 April 2024 to 30 June 2024) overlaps the organisation’s round “Summer 2024”'
		);
		const before = rowCounts(w.db);
		const refused = await importPastAudits(w.db, w.person, input(w, auditCsv()));
		expect(refused).toMatchObject({ ok: false, reason: 'problems' });
		expect(rowCounts(w.db)).toEqual(before);
	});

	it('refuses a file that is not a spreadsheet, writing nothing', async () => {
		const w = trustWithService();
		const before = rowCounts(w.db);
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
		const previewed = await previewPastAudits(w.db, input(w, png, { fileName: 'photo.csv' }));
		expect(previewed).toEqual({ ok: false, problem: expect.stringContaining('picture') });
		const refused = await importPastAudits(w.db, w.person, input(w, png));
		expect(refused).toMatchObject({ ok: false, reason: 'unreadable' });
		expect(rowCounts(w.db)).toEqual(before);
	});
});

describe('importing past audits', () => {
	it('writes closed rounds, complete assessments, scores and priorities the dashboards show, once', async () => {
		const w = trustWithService();
		const before = rowCounts(w.db);
		const now = new Date('2026-11-30T10:00:00Z');
		const result = await importPastAudits(w.db, w.person, input(w, auditCsv()), now);
		if (!result.ok) throw new Error(result.message);
		expect(result).toMatchObject({
			rounds: 2,
			newServices: 1,
			matchedServices: 1,
			assessments: 4,
			scores: 40,
			priorities: 12
		});
		const after = rowCounts(w.db);
		expect(after.round - before.round).toBe(2);
		expect(after.service - before.service).toBe(1);
		expect(after.grouping - before.grouping).toBe(1);
		expect(after.assessment - before.assessment).toBe(4);
		expect(after.round_service - before.round_service).toBe(4);
		expect(after.agreed_score - before.agreed_score).toBe(40);
		expect(after.priority - before.priority).toBe(12);
		expect(after.audit_import).toBe(1);

		const imported = w.db.select().from(rounds).where(eq(rounds.importId, result.importId)).all();
		expect(imported.map((r) => [r.title, r.status, r.frameworkId])).toEqual([
			['Spring 2024', 'closed', w.frameworkId],
			['Spring 2025', 'closed', w.frameworkId]
		]);
		const done = w.db
			.select({
				status: assessments.status,
				completedAt: assessments.completedAt,
				roundId: assessments.roundId
			})
			.from(assessments)
			.innerJoin(rounds, eq(rounds.id, assessments.roundId))
			.where(eq(rounds.importId, result.importId))
			.all();
		expect(done.every((a) => a.status === 'complete')).toBe(true);
		expect(done.map((a) => a.completedAt!.toISOString().slice(0, 10)).sort()).toEqual([
			'2024-06-30',
			'2024-06-30',
			'2025-06-30',
			'2025-06-30'
		]);
		const brenton = w.db
			.select()
			.from(services)
			.where(eq(services.name, 'Brenton Crisis Team'))
			.get()!;
		expect(brenton).toMatchObject({
			type: 'Crisis resolution and home treatment',
			importId: result.importId
		});
		expect(
			w.db.select().from(groupings).where(eq(groupings.id, brenton.groupingId!)).get()!.name
		).toBe('North');
		// The trust's own service is used, not copied, and not marked as the import's.
		expect(
			w.db.select().from(services).where(eq(services.id, w.serviceId)).get()!.importId
		).toBeNull();

		// Each score says where it came from.
		const score = w.db
			.select()
			.from(agreedScores)
			.where(eq(agreedScores.importId, result.importId))
			.get()!;
		expect(score.evidence).toMatch(/^Evidence for /);
		expect(score.rationale).toBe('Why, in a sentence');
		expect(score.nextStep).toBe('Next step, in a sentence');
		expect(importProvenance(w.db, score.importId!)).toBe(
			'Imported from “audits 2024-25.csv” by Test Person on 30 November 2026'
		);
		expect(
			w.db
				.select({ n: sql<number>`count(*)` })
				.from(priorities)
				.get()!.n
		).toBe(12);

		// The dashboards count the imported levels as any completed assessment's.
		const dashboard = organisationDashboard(w.db, w.organisationId, {}, w.person)!;
		expect(dashboard.tables.distribution.rows.map((r) => r.slice(0, 6))).toEqual([
			['Spring 2024', 1, 1, 0, 0, 2],
			['Spring 2025', 0, 1, 1, 0, 2]
		]);
		const ashford = dashboard.heatmap.rows.find((r) => r.serviceName === 'Ashford CMHT')!;
		expect(ashford.levels.every((l) => l === 3)).toBe(true);

		// One audit event, with counts and never the cell text.
		const events = w.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'past_audits.imported'))
			.all();
		expect(events).toHaveLength(1);
		expect(JSON.stringify(events[0].after)).not.toContain('Evidence for');
		expect(describeAction('past_audits.imported')).toBe('Imported past audits from a spreadsheet');
		expect(describeChange(events[0])).toBe(
			'Past audits imported from audits 2024-25.csv: 2 rounds, 40 scores'
		);
		expect(listImports(w.db, w.organisationId)).toMatchObject([
			{
				id: result.importId,
				fileName: 'audits 2024-25.csv',
				importedByName: 'Test Person',
				rounds: 2,
				services: 2,
				scores: 40,
				undoneAt: null
			}
		]);

		// The same file again adds nothing, in the preview and in the import.
		const again = await previewPastAudits(w.db, input(w, auditCsv()));
		if (!again.ok) throw new Error(again.problem);
		expect(again.alreadyImported?.message).toBe(
			'This file was imported on 30 November 2026 by Test Person; importing it again adds nothing.'
		);
		const stand = rowCounts(w.db);
		const refused = await importPastAudits(w.db, w.person, input(w, auditCsv()));
		expect(refused).toMatchObject({ ok: false, reason: 'already_imported' });
		expect(rowCounts(w.db)).toEqual(stand);
	});

	it('writes nothing from a file with problems', async () => {
		const w = trustWithService();
		const before = rowCounts(w.db);
		const bytes = auditCsv({
			extraRows: [
				[
					'Spring 2024',
					'01/04/2024',
					'30/06/2024',
					'Ashford CMHT',
					'',
					'',
					'1',
					'9',
					'',
					'',
					'',
					''
				]
			]
		});
		const previewed = await previewPastAudits(w.db, input(w, bytes));
		if (!previewed.ok) throw new Error(previewed.problem);
		expect(previewed.preview.problems.map((p) => [p.row, p.column])).toEqual([[42, 'H']]);
		const refused = await importPastAudits(w.db, w.person, input(w, bytes));
		expect(refused).toMatchObject({ ok: false, reason: 'problems' });
		expect(rowCounts(w.db)).toEqual(before);
	});

	it('refuses while a service name is only suggested, and imports once the person chooses', async () => {
		const w = trustWithService();
		const bytes = auditCsv({ ashfordAs: 'Ashford Community Mental Health Team' });
		const previewed = await previewPastAudits(w.db, input(w, bytes));
		if (!previewed.ok) throw new Error(previewed.problem);
		expect(previewed.preview.services[0]).toMatchObject({
			name: 'Ashford Community Mental Health Team',
			status: 'suggested',
			suggestions: [{ id: w.serviceId, name: 'Ashford CMHT' }]
		});
		const before = rowCounts(w.db);
		const refused = await importPastAudits(w.db, w.person, input(w, bytes));
		expect(refused).toMatchObject({ ok: false, reason: 'suggestions' });
		expect(rowCounts(w.db)).toEqual(before);

		const chosen = await importPastAudits(
			w.db,
			w.person,
			input(w, bytes, { serviceChoices: { 'Ashford Community Mental Health Team': w.serviceId } })
		);
		expect(chosen).toMatchObject({ ok: true, newServices: 1, matchedServices: 1 });
		expect(rowCounts(w.db).service - before.service).toBe(1);
	});

	it('leaves nothing when the transaction fails part-way', async () => {
		const w = trustWithService();
		const before = rowCounts(w.db);
		await expect(
			importPastAudits(w.db, w.person, input(w, auditCsv()), new Date(), {
				afterRounds: (tx) => {
					expect(tx.select().from(rounds).all().length).toBe(2);
					throw new Error('the disk is full');
				}
			})
		).rejects.toThrow('the disk is full');
		expect(rowCounts(w.db)).toEqual(before);
	});
});

describe('undoing an import', () => {
	async function imported() {
		const w = trustWithService();
		const before = rowCounts(w.db);
		const result = await importPastAudits(w.db, w.person, input(w, auditCsv()));
		if (!result.ok) throw new Error(result.message);
		return { w, before, importId: result.importId };
	}

	it('removes everything the import wrote, keeps the trail, and lets the file be imported again', async () => {
		const { w, before, importId } = await imported();
		expect(undoImport(w.db, w.person, w.organisationId, importId)).toEqual({ ok: true });
		const after = rowCounts(w.db);
		// The grouping it created stays (services may have joined it); the trail only grows.
		expect(without(after, 'audit_event', 'audit_import', 'grouping')).toEqual(
			without(before, 'audit_event', 'audit_import', 'grouping')
		);
		expect(after.round_level_count).toBe(0);
		expect(after.round_level_total).toBe(0);
		expect(w.db.select().from(auditImports).get()!.undoneAt).not.toBeNull();
		expect(
			w.db
				.select()
				.from(auditEvents)
				.where(eq(auditEvents.action, 'past_audits.import_undone'))
				.all()
		).toHaveLength(1);
		expect(organisationDashboard(w.db, w.organisationId, {}, w.person)).toBeNull();

		expect(undoImport(w.db, w.person, w.organisationId, importId)).toEqual({
			ok: false,
			status: 409,
			message: 'This import has already been undone.'
		});
		const previewed = await previewPastAudits(w.db, input(w, auditCsv()));
		expect(previewed.ok && previewed.alreadyImported).toBeNull();
		expect(await importPastAudits(w.db, w.person, input(w, auditCsv()))).toMatchObject({
			ok: true
		});
	});

	it('is refused once work is added on top: a comment, or a changed agreed score', async () => {
		const { w, importId } = await imported();
		const assessment = w.db.select().from(assessments).get()!;
		const commentId = newId();
		w.db
			.insert(assessmentComments)
			.values({
				id: commentId,
				assessmentId: assessment.id,
				userId: w.person.id,
				body: 'Good',
				createdAt: new Date()
			})
			.run();
		const stand = rowCounts(w.db);
		const refused = undoImport(w.db, w.person, w.organisationId, importId);
		expect(refused).toEqual({
			ok: false,
			status: 409,
			message:
				'This import cannot be undone: someone has commented on one of its assessments since. Only an import with nothing added on top of it can be undone.'
		});
		expect(rowCounts(w.db)).toEqual(stand);

		w.db.delete(assessmentComments).where(eq(assessmentComments.id, commentId)).run();
		w.db
			.update(agreedScores)
			.set({ level: 4, revision: 2 })
			.where(eq(agreedScores.assessmentId, assessment.id))
			.run();
		expect(undoImport(w.db, w.person, w.organisationId, importId)).toMatchObject({
			ok: false,
			message: expect.stringContaining('an agreed score it brought in has been changed')
		});
	});

	it('keeps a service it created that a later round uses, and takes the rest away', async () => {
		const { w, importId } = await imported();
		const brenton = w.db
			.select()
			.from(services)
			.where(eq(services.name, 'Brenton Crisis Team'))
			.get()!;
		const later = createRound(w.db, w.person, w.organisationId, {
			title: 'Spring 2026',
			frameworkId: w.frameworkId,
			serviceIds: [brenton.id],
			periodStart: '2026-04-01',
			periodEnd: '2026-06-30'
		});
		if (!later.ok) throw new Error(later.message);
		expect(openRound(w.db, w.person, w.organisationId, later.id)).toEqual({ ok: true });
		expect(undoImport(w.db, w.person, w.organisationId, importId)).toEqual({ ok: true });
		expect(w.db.select().from(services).where(eq(services.id, brenton.id)).get()).toBeDefined();
		expect(
			w.db
				.select()
				.from(rounds)
				.all()
				.map((r) => r.title)
		).toEqual(['Spring 2026']);
		expect(w.db.select().from(agreedScores).all()).toEqual([]);
	});

	it('is refused when another service has been given an assessment in one of its rounds', async () => {
		const { w, importId } = await imported();
		const third = createService(w.db, w.person, w.organisationId, {
			name: 'Carrow Ward',
			type: 'Acute inpatient ward'
		});
		if (!third.ok) throw new Error(third.message);
		const round = w.db.select().from(rounds).get()!;
		w.db.insert(roundServices).values({ roundId: round.id, serviceId: third.id }).run();
		w.db
			.insert(assessments)
			.values({ id: newId(), roundId: round.id, serviceId: third.id, createdAt: new Date() })
			.run();
		const stand = rowCounts(w.db);
		expect(undoImport(w.db, w.person, w.organisationId, importId)).toMatchObject({
			ok: false,
			status: 409,
			message: expect.stringContaining('another service has been added to one of its rounds')
		});
		expect(rowCounts(w.db)).toEqual(stand);
	});

	it('is out of reach from another organisation', async () => {
		const { w, importId } = await imported();
		const other = createOrganisation(w.db, w.person, {
			name: 'Southvale Trust',
			odsCode: '',
			groupingLabel: 'Directorate'
		});
		expect(undoImport(w.db, w.person, other, importId)).toEqual({
			ok: false,
			status: 404,
			message: 'Not found'
		});
		expect(listImports(w.db, other)).toEqual([]);
	});
});
