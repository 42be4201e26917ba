import { agreedScoreField } from '$lib/forms/field-names';
import { eq } from 'drizzle-orm';
import readXlsxFile from 'read-excel-file/node';
import { describe, expect, it } from 'vitest';
import { createOrganisation } from '$lib/server/organisations';
import { createService } from '$lib/server/services';
import { createRound } from '$lib/server/rounds/form';
import { closeRound, openRound } from '$lib/server/rounds/transitions';
import { roundParticipants } from '$lib/server/rounds/progress';
import { getAssessment } from '$lib/server/assessments/queries';
import { parseAssessmentForm } from '$lib/server/assessments/form';
import { saveAssessment } from '$lib/server/assessments/save';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { getRound } from '$lib/server/rounds/queries';
import { actionInputSchema } from '$lib/server/actions/form';
import { createAction } from '$lib/server/actions/changes';
import { parseForm } from '$lib/server/forms';
import { personFor } from '$lib/server/users';
import { organisationDashboard } from '$lib/server/dashboards/organisation';
import { checkZip } from '$lib/server/import/zip-check';
import {
	historyWorkbook,
	recordWorkbookExport,
	roundWorkbook,
	workbookFile
} from '$lib/server/exports/workbooks';
import { describeAction, describeChange } from '$lib/domain/audit-labels';
import { looksLikeFormula, toCells } from '$lib/domain/exports/workbook';
import { auditEvents, frameworks, memberships } from '$lib/server/db/schema';
import { newId } from '$lib/server/ids';
import { freshDb, insertUser, platformAdmin } from './helpers/db';
import type { Db } from '$lib/server/db/client';
import type { Person } from '$lib/server/access/policy';

/** A service name and evidence a spreadsheet would run as formulas, were they typed in. */
const HOSTILE_NAME = '=HYPERLINK("http://evil.example/","Ashford CMHT")';
const HOSTILE_EVIDENCE = '+SUM(1,2)\n-2+3 and @SUM(A1) from the team';
const RATIONALE = '-1 on the last round, as the team said';

type Levels = (position: number) => number;
const flat =
	(level: number): Levels =>
	() =>
		level;

function world() {
	const db = freshDb();
	const admin = platformAdmin(db);
	const organisationId = createOrganisation(db, admin, {
		name: 'Northmoor Trust',
		odsCode: '',
		groupingLabel: 'Directorate'
	});
	const person = personFor(db, { id: admin.id, email: '', name: '', isPlatformAdmin: true });
	const serviceIds = [HOSTILE_NAME, 'Bravo Ward', 'Charlie Team'].map((name) => {
		const created = createService(db, person, organisationId, {
			name,
			type: 'Community mental health team'
		});
		if (!created.ok) throw new Error(created.message);
		return created.id;
	});
	const frameworkId = db
		.select()
		.from(frameworks)
		.where(eq(frameworks.packKey, 'imroc-2010'))
		.get()!.id;
	return { db, person, organisationId, serviceIds, frameworkId };
}
type World = ReturnType<typeof world>;

/** A round of every service; those given levels complete their assessment, the others do not. */
function round(w: World, title: string, start: string, levels: (Levels | null)[]) {
	const at = new Date(`${start}T09:00:00Z`);
	const created = createRound(
		w.db,
		w.person,
		w.organisationId,
		{
			title,
			frameworkId: w.frameworkId,
			serviceIds: w.serviceIds,
			periodStart: start,
			periodEnd: start.replace(/-\d\d$/, '-28')
		},
		at
	);
	if (!created.ok) throw new Error(created.message);
	openRound(w.db, w.person, w.organisationId, created.id, at);
	const content = frameworkContent(w.db, w.frameworkId);
	for (const p of roundParticipants(w.db, created.id)) {
		const i = w.serviceIds.indexOf(p.serviceId);
		const levelOf = levels[i];
		if (!levelOf) continue;
		const form = new FormData();
		for (const c of content.challenges) {
			form.set(agreedScoreField.level(c.id), String(levelOf(c.position)));
			if (i === 0 && c.position === 1) {
				form.set(agreedScoreField.evidence(c.id), HOSTILE_EVIDENCE);
				form.set(agreedScoreField.rationale(c.id), RATIONALE);
				form.append(agreedScoreField.sources(c.id), 'care_plans');
				form.append(agreedScoreField.sources(c.id), 'staff_views');
				form.set(agreedScoreField.nextStep(c.id), '@mention the ward manager');
			}
		}
		const parsed = parseAssessmentForm(form, content);
		if (!parsed.ok) throw new Error('bad form');
		const assessment = getAssessment(w.db, w.organisationId, created.id, p.assessmentId!)!;
		expect(
			saveAssessment(w.db, w.person, assessment, w.organisationId, parsed.input, {
				complete: true
			})
		).toEqual({ ok: true });
	}
	return getRound(w.db, w.organisationId, created.id)!;
}

function member(db: Db, organisationId: string, role: 'service_lead', serviceId: string): Person {
	const user = insertUser(db, { name: 'Bravo Lead' });
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
	return personFor(db, { id: user.id, email: user.email, name: '', isPlatformAdmin: false });
}

/** Spring (closed): levels 1, 2, 2. Autumn (open): 3 and 2, Charlie Team not complete. */
function twoRounds() {
	const w = world();
	const spring = round(w, 'Spring 2026', '2026-01-01', [flat(1), flat(2), flat(2)]);
	expect(closeRound(w.db, w.person, w.organisationId, spring.id).ok).toBe(true);
	const autumn = round(w, 'Autumn 2026', '2026-07-01', [flat(3), flat(2), null]);
	const challenge = frameworkContent(w.db, w.frameworkId).challenges[0];
	const form = new FormData();
	for (const [k, v] of Object.entries({
		challengeId: challenge.id,
		title: '-Peer worker at every ward round',
		description: '',
		ownerUserId: '',
		ownerName: '=Sam Patel',
		startDay: '1',
		startMonth: '8',
		startYear: '2026',
		dueDay: '30',
		dueMonth: '9',
		dueYear: '2026'
	}))
		form.set(k, v);
	const action = parseForm(actionInputSchema, form);
	if (!action.ok) throw new Error(JSON.stringify(action.errors));
	const created = createAction(w.db, w.person, w.organisationId, w.serviceIds[0], action.data);
	expect(created.ok).toBe(true);
	return { ...w, spring: getRound(w.db, w.organisationId, spring.id)!, autumn };
}

const organisation = (w: World) => ({ id: w.organisationId, name: 'Northmoor Trust' });

async function readBack(file: Buffer) {
	const sheets = await readXlsxFile(file, { trim: false });
	return Object.fromEntries(sheets.map((s) => [s.sheet, s.data]));
}

/** The value beside a label in the Summary's first table. */
const item = (rows: unknown[][], label: string) => rows.find((r) => r[0] === label)?.[1];

describe('text in a workbook', () => {
	it('tells formula-like text apart and writes every text cell as text, never as a formula', () => {
		for (const text of ['=1+1', '+44 1234', '-3', '@SUM(A1)', '\tx', '\rx'])
			expect(looksLikeFormula(text)).toBe(true);
		for (const text of ['Ashford', '1 = 1', ' =x']) expect(looksLikeFormula(text)).toBe(false);
		const [header, row] = toCells({
			name: 'Test',
			freezeHeader: true,
			tables: [{ header: ['Name', 'Level'], rows: [[HOSTILE_NAME, 3]] }]
		});
		expect(header[0]).toMatchObject({ type: String, value: 'Name', fontWeight: 'bold' });
		expect(row[0]).toEqual({ type: String, value: HOSTILE_NAME, format: '@' });
		expect(row[1]).toEqual({ type: Number, value: 3 });
	});

	it('keeps text that starts with a tab or a carriage return exactly as written', async () => {
		const texts = ['\t=1+1 after a tab', '\r=2+2 after a return', '=3+3'];
		const file = await workbookFile({
			fileName: 'test.xlsx',
			sheets: [
				{
					name: 'Test',
					freezeHeader: true,
					tables: [{ header: ['Text'], rows: texts.map((t) => [t]) }]
				}
			]
		});
		const [sheet] = await readXlsxFile(file, { trim: false });
		expect(sheet.data.slice(1).map((r) => r[0])).toEqual(texts);
	});
});

describe('the round workbook', () => {
	it('has the five sheets, with numbers as numbers, dates as dates and the dashboard’s figures', async () => {
		const w = twoRounds();
		const workbook = roundWorkbook(w.db, w.person, organisation(w), w.autumn);
		expect(workbook.fileName).toBe('northmoor-trust-autumn-2026-workbook.xlsx');
		const book = await readBack(await workbookFile(workbook));
		expect(Object.keys(book)).toEqual(['Summary', 'Agreed levels', 'Heatmap', 'Actions', 'Method']);

		const summary = book['Summary'];
		expect(item(summary, 'Organisation')).toBe('Northmoor Trust');
		expect(item(summary, 'Status')).toBe('Open');
		expect(item(summary, 'Note')).toMatch(/still open: figures may change/);
		expect(item(summary, 'Period start')).toEqual(new Date(Date.UTC(2026, 6, 1)));
		expect(item(summary, 'Services taking part')).toBe(3);
		expect(item(summary, 'Services completed')).toBe(2);
		expect(item(summary, 'Previous round')).toBe('Spring 2026');

		// The medians, as the dashboard's medians table has them for Autumn and Spring.
		const dashboard = organisationDashboard(w.db, w.organisationId, {}, w.person)!;
		const medianHead = summary.findIndex((r) => r[0] === 'Challenge number');
		const medianRows = summary.slice(medianHead + 1);
		expect(medianRows).toHaveLength(dashboard.tables.medians.rows.length);
		dashboard.tables.medians.rows.forEach(([, spring, autumn], i) => {
			expect(medianRows[i][2]).toBe(autumn);
			expect(medianRows[i][5]).toBe(spring);
		});
		expect(medianRows[0].slice(0, 8)).toEqual([1, expect.any(String), '2–3', 2, 3, '2', 2, 2]);

		// Agreed levels: only completed assessments, one row per service × challenge.
		const [agreedHead, ...agreed] = book['Agreed levels'];
		expect(agreedHead).toEqual([
			'Service',
			'Grouping',
			'Challenge number',
			'Challenge',
			'Agreed level',
			'Level name',
			'Evidence',
			'Evidence sources',
			'Why this level',
			'Next step'
		]);
		expect(agreed).toHaveLength(20);
		expect(agreed.some((r) => r[0] === 'Charlie Team')).toBe(false);
		expect(agreed.every((r) => typeof r[2] === 'number' && typeof r[4] === 'number')).toBe(true);
		const hostile = agreed.find((r) => r[0] === HOSTILE_NAME && r[2] === 1)!;
		expect(hostile.slice(4)).toEqual([
			3,
			expect.any(String),
			HOSTILE_EVIDENCE,
			'Care plans; Staff views',
			RATIONALE,
			'@mention the ward manager'
		]);

		// The heatmap is the dashboard's, cell for cell.
		const [heatHead, ...heat] = book['Heatmap'];
		expect(heatHead.slice(0, -1)).toEqual(dashboard.tables.heatmap.head);
		expect(heat.map((r) => r.slice(0, -1))).toEqual(
			dashboard.tables.heatmap.rows.map((r) => r.map((v) => (v === '' ? null : v)))
		);
		expect(heat.find((r) => r[0] === 'Charlie Team')?.at(-1)).toBe('Not complete');

		const [actionHead, ...actions] = book['Actions'];
		const column = (name: string) => actionHead.indexOf(name);
		expect(actions).toHaveLength(1);
		expect(actions[0][column('Service')]).toBe(HOSTILE_NAME);
		expect(actions[0][column('Action')]).toBe('-Peer worker at every ward round');
		expect(actions[0][column('Owner')]).toBe('=Sam Patel');
		expect(actions[0][column('Due date')]).toEqual(new Date(Date.UTC(2026, 8, 30)));
		expect(actions[0][column('Challenge number')]).toBe(1);

		const method = book['Method'].flat().join(' ');
		expect(method).toMatch(/ImROC/);
		expect(method).toMatch(/ordinal/i);
		expect(method).toMatch(/Only completed assessments are counted/);
	});

	it('stores formula-like text as shared strings: no cell in any sheet is a formula', async () => {
		const w = twoRounds();
		const file = await workbookFile(roundWorkbook(w.db, w.person, organisation(w), w.autumn));
		const zip = checkZip(new Uint8Array(file));
		if (!zip.ok) throw new Error(zip.problem);
		const text = (name: string) =>
			new TextDecoder().decode(zip.read(zip.entries.find((e) => e.name === name)!));
		const sheets = zip.entries.filter((e) => /^xl\/worksheets\/sheet\d+\.xml$/.test(e.name));
		expect(sheets).toHaveLength(5);
		for (const sheet of sheets) {
			const xml = text(sheet.name);
			expect(xml).not.toMatch(/<f[\s>]/);
			expect(xml).not.toMatch(/t="(str|inlineStr)"/);
		}
		expect(text('xl/sharedStrings.xml')).toContain(`<t>${HOSTILE_NAME}</t>`);
		// The header row stays in view on the tables.
		expect(text('xl/worksheets/sheet2.xml')).toMatch(/<pane [^>]*ySplit="1"[^>]*state="frozen"/);
		// Text cells carry the Text format, so editing one in Excel keeps it text.
		expect(text('xl/styles.xml')).toMatch(/formatCode="@"/);
	});

	it('leaves out the services the person may not see', async () => {
		const w = twoRounds();
		const bravoLead = member(w.db, w.organisationId, 'service_lead', w.serviceIds[1]);
		const book = await readBack(
			await workbookFile(roundWorkbook(w.db, bravoLead, organisation(w), w.autumn))
		);
		for (const sheet of ['Agreed levels', 'Heatmap', 'Actions']) {
			const names = book[sheet].slice(1).map((r) => r[0]);
			expect(names, sheet).not.toContain(HOSTILE_NAME);
		}
		expect(book['Heatmap'].slice(1).map((r) => r[0])).toEqual(['Bravo Ward']);
		expect(item(book['Summary'], 'Services taking part')).toBe(1);
	});

	it('says nothing about figures changing once the round is closed', async () => {
		const w = twoRounds();
		const book = await readBack(
			await workbookFile(roundWorkbook(w.db, w.person, organisation(w), w.spring))
		);
		expect(item(book['Summary'], 'Status')).toBe('Closed');
		expect(item(book['Summary'], 'Note')).toBeUndefined();
		expect(item(book['Summary'], 'Previous round')).toBe('None');
	});
});

describe('a round not yet open', () => {
	it('makes a workbook with no figures that says it is a draft', async () => {
		const w = world();
		const draft = createRound(w.db, w.person, w.organisationId, {
			title: 'Spring 2027',
			frameworkId: w.frameworkId,
			serviceIds: w.serviceIds,
			periodStart: '2027-01-01',
			periodEnd: '2027-06-30'
		});
		if (!draft.ok) throw new Error(draft.message);
		const round = getRound(w.db, w.organisationId, draft.id)!;
		const book = await readBack(
			await workbookFile(roundWorkbook(w.db, w.person, organisation(w), round))
		);
		expect(item(book['Summary'], 'Status')).toBe('Draft');
		expect(item(book['Summary'], 'Note')).toMatch(/draft and has not opened yet/);
		expect(book['Agreed levels']).toHaveLength(1);
		expect(book['Heatmap']).toHaveLength(1);

		// Nothing closed yet: the history is there, with its headings and no rows.
		const history = await readBack(
			await workbookFile(historyWorkbook(w.db, w.person, organisation(w)))
		);
		expect(history['Rounds'][0][0]).toBe('Round');
		expect(history['Rounds'][1].every((cell) => cell === null)).toBe(true);
		expect(history['Agreed levels']).toHaveLength(1);
		expect(history['Medians']).toHaveLength(1);
	});
});

describe('the organisation history workbook', () => {
	it('has every closed round, its agreed levels and its medians, and no open round', async () => {
		const w = twoRounds();
		const workbook = historyWorkbook(w.db, w.person, organisation(w));
		expect(workbook.fileName).toBe('northmoor-trust-history.xlsx');
		const book = await readBack(await workbookFile(workbook));
		expect(Object.keys(book)).toEqual(['Rounds', 'Agreed levels', 'Medians', 'Method']);
		const [, spring] = book['Rounds'];
		expect(spring.slice(0, 3)).toEqual([
			'Spring 2026',
			new Date(Date.UTC(2026, 0, 1)),
			new Date(Date.UTC(2026, 0, 28))
		]);
		expect(spring.slice(4)).toEqual([3, 3]);
		expect(book['Rounds'].flat()).not.toContain('Autumn 2026');

		const [agreedHead, ...agreed] = book['Agreed levels'];
		expect(agreedHead.slice(0, 3)).toEqual(['Round', 'Period start', 'Service']);
		expect(agreed).toHaveLength(30);
		expect(agreed.every((r) => r[0] === 'Spring 2026')).toBe(true);

		const dashboard = organisationDashboard(w.db, w.organisationId, {}, w.person)!;
		const [, ...medians] = book['Medians'];
		expect(medians).toHaveLength(10);
		expect(medians.map((r) => r[4])).toEqual(dashboard.tables.medians.rows.map((r) => r[1]));
		expect(medians[0].slice(4)).toEqual(['2', 2, 2]);
	});
});

describe('a workbook download in the audit trail', () => {
	it('is recorded with what was downloaded and which round, in plain words', () => {
		const w = twoRounds();
		recordWorkbookExport(w.db, w.person, w.organisationId, { workbook: 'round', round: w.autumn });
		recordWorkbookExport(w.db, w.person, w.organisationId, { workbook: 'history' });
		const events = w.db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'export.workbook'))
			.all();
		expect(events).toHaveLength(2);
		expect(events[0]).toMatchObject({
			organisationId: w.organisationId,
			userId: w.person.id,
			entityId: w.autumn.id
		});
		expect(events[0].after).toMatchObject({ workbook: 'round', filters: { round: w.autumn.id } });
		expect(describeAction('export.workbook')).toBe('Downloaded an Excel workbook');
		expect(describeChange(events[0])).toBe('Round workbook: Autumn 2026');
		expect(describeChange(events[1])).toMatch(/history workbook/i);
	});
});
