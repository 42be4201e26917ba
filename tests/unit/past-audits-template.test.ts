import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import writeExcelFile, { type Cell as WorkbookCell } from 'write-excel-file/node';
import { eq } from 'drizzle-orm';
import { frameworks, services } from '$lib/server/db/schema';
import { readSpreadsheet, type Cell } from '$lib/server/import/read-file';
import { checkZip } from '$lib/server/import/zip-check';
import { previewPastAudits } from '$lib/server/import/past-audits';
import {
	defaultTemplateFrameworkId,
	pastAuditsTemplate,
	templateCsv,
	templateFileName,
	templateWorkbook
} from '$lib/server/import/templates';
import { templateDownload } from '$lib/server/import/template-download';
import { buildPastAuditsTemplate, groupingHeading } from '$lib/domain/import/template';
import { FIELD_LABELS, FIELD_NAMES, type FieldName } from '$lib/domain/import/headers';
import { createOrganisation } from '$lib/server/organisations';
import { createService } from '$lib/server/services';
import { createRound } from '$lib/server/rounds/form';
import { loadPack } from '$lib/server/frameworks/loader';
import { setRetired } from '$lib/server/frameworks/import';
import { personFor } from '$lib/server/users';
import imrocPack from '$lib/server/frameworks/packs/imroc-2010.json';
import peerSupportPack from '$lib/server/demo/packs/peer-support-check.json';
import { freshDb, platformAdmin } from './helpers/db';

const FORMULA_NAME = '=HYPERLINK("http://example.invalid","Click me")';

/** A trust whose groupings are care groups, with three active services and an archived one. */
function trust({ withServices = true } = {}) {
	const db = freshDb();
	const admin = platformAdmin(db);
	const organisationId = createOrganisation(db, admin, {
		name: 'Northmoor Trust',
		odsCode: '',
		groupingLabel: 'Care group'
	});
	const person = personFor(db, { id: admin.id, email: '', name: '', isPlatformAdmin: true });
	const add = (name: string, type: string, groupingName: string | null = null) => {
		const made = createService(db, person, organisationId, {
			name,
			type: type as never,
			groupingName
		});
		if (!made.ok) throw new Error(made.message);
		return made.id;
	};
	if (withServices) {
		add('Ashford CMHT', 'Community mental health team', 'North');
		add('Willow Ward', 'Acute inpatient ward');
		add(FORMULA_NAME, 'Other', '-South');
		const archived = add('Old Team', 'Other');
		db.update(services).set({ archivedAt: new Date() }).where(eq(services.id, archived)).run();
	}
	const frameworkId = db
		.select()
		.from(frameworks)
		.where(eq(frameworks.packKey, imrocPack.key))
		.get()!.id;
	return { db, person, organisationId, frameworkId };
}

const column = (field: FieldName) => FIELD_NAMES.indexOf(field);

const ROUNDS = [
	{ title: 'Spring 2023', start: '2023-04-01', end: '2023-06-30', level: 1 },
	{ title: 'Spring 2024', start: '2024-04-01', end: '2024-06-30', level: 3 }
];

/** The body rows of a sheet as read, with the round and level a person writes filled in. */
function filledRows<C>(
	body: readonly (readonly Cell[])[],
	fill: (round: (typeof ROUNDS)[number], i: number) => Partial<Record<FieldName, C>>
): (Cell | C)[][] {
	return ROUNDS.flatMap((round) =>
		body.map((cells, i) => {
			const row: (Cell | C)[] = FIELD_NAMES.map((_, c) => cells[c] ?? null);
			for (const [field, value] of Object.entries(fill(round, i)))
				row[column(field as FieldName)] = value as C;
			return row;
		})
	);
}

async function read(bytes: Uint8Array, fileName: string) {
	const read = await readSpreadsheet(bytes, fileName);
	if (!read.ok) throw new Error(read.problem);
	return read.sheets;
}

describe('the past-audits template', () => {
	it('has the headings, the care-group word and a row per active service and challenge, in a workbook that reads back', async () => {
		const w = trust();
		const template = pastAuditsTemplate(w.db, w.organisationId, w.frameworkId)!;
		const sheets = await read(await templateWorkbook(template), 'template.xlsx');
		expect(sheets.map((s) => s.name)).toEqual(['Past audits', 'How to fill this in']);
		const [audits] = sheets;
		expect(audits.rows[0].cells).toEqual(
			FIELD_NAMES.map((f) => (f === 'grouping' ? 'Care group' : FIELD_LABELS[f]))
		);
		const body = audits.rows.slice(1);
		// Three active services (the archived one left out) × the ten challenges.
		expect(body).toHaveLength(30);
		const services = [...new Set(body.map((r) => r.cells[column('service')]))];
		expect(services).toEqual([
			'=HYPERLINK("http://example.invalid","Click me")',
			'Ashford CMHT',
			'Willow Ward'
		]);
		const ashford = body.filter((r) => r.cells[column('service')] === 'Ashford CMHT');
		expect(ashford.map((r) => r.cells[column('challenge')])).toEqual(
			imrocPack.challenges.map((c, i) => `${i + 1} - ${c.name}`)
		);
		expect(ashford[0].cells[column('grouping')]).toBe('North');
		expect(ashford[0].cells[column('serviceType')]).toBe('Community mental health team');
		for (const field of ['roundTitle', 'roundStart', 'roundEnd', 'agreedLevel'] as const)
			expect(body.every((r) => (r.cells[column(field)] ?? null) === null)).toBe(true);
	});

	it('freezes the heading row in bold and sizes the columns', async () => {
		const w = trust();
		const bytes = await templateWorkbook(
			pastAuditsTemplate(w.db, w.organisationId, w.frameworkId)!
		);
		const zip = checkZip(bytes);
		if (!zip.ok) throw new Error(zip.problem);
		const part = (name: string) =>
			new TextDecoder().decode(zip.read(zip.entries.find((e) => e.name === name)!));
		const sheet = part('xl/worksheets/sheet1.xml');
		expect(sheet).toMatch(/<pane [^>]*ySplit="1"[^>]*state="frozen"/);
		expect(sheet).toMatch(/<col [^>]*width="40"/);
		expect(part('xl/styles.xml')).toMatch(/<b\s*\/>/);
	});

	it('filled in (round title, dates, level) as a workbook, previews with no problems, every service matched', async () => {
		const w = trust();
		const template = pastAuditsTemplate(w.db, w.organisationId, w.frameworkId)!;
		const [audits] = await read(await templateWorkbook(template), 'template.xlsx');
		const rows = filledRows<WorkbookCell>(
			audits.rows.slice(1).map((r) => r.cells),
			(round) => ({
				roundTitle: round.title,
				roundStart: {
					value: new Date(`${round.start}T00:00:00Z`),
					type: Date,
					format: 'dd/mm/yyyy'
				},
				roundEnd: { value: new Date(`${round.end}T00:00:00Z`), type: Date, format: 'dd/mm/yyyy' },
				agreedLevel: round.level
			})
		);
		// As Excel saves it: the same cells, now with the person's values.
		const filled = await writeExcelFile([
			{ sheet: 'Past audits', data: [audits.rows[0].cells, ...rows] as WorkbookCell[][] }
		]).toBuffer();
		const previewed = await previewPastAudits(w.db, {
			organisationId: w.organisationId,
			frameworkId: w.frameworkId,
			fileName: 'past audits.xlsx',
			bytes: new Uint8Array(filled)
		});
		if (!previewed.ok) throw new Error(previewed.problem);
		expect(previewed.preview.problems).toEqual([]);
		expect(previewed.preview.warnings).toEqual([]);
		expect(previewed.preview.scores).toHaveLength(60);
		expect(previewed.preview.rounds.map((r) => [r.title, r.periodStart, r.periodEnd])).toEqual(
			ROUNDS.map((r) => [r.title, r.start, r.end])
		);
		expect(previewed.preview.services.map((s) => s.status)).toEqual([
			'matched',
			'matched',
			'matched'
		]);
	});

	it('as CSV: UTF-8 with a byte-order mark, formula-like text given an apostrophe, and filled in it previews with no problems', async () => {
		const w = trust();
		const template = pastAuditsTemplate(w.db, w.organisationId, w.frameworkId)!;
		const csv = templateCsv(template);
		expect(csv.startsWith('\uFEFFRound title,Round start,Round end,Service,Care group,')).toBe(
			true
		);
		expect(csv).toContain(`,"'=HYPERLINK(""http://example.invalid"",""Click me"")",'-South,Other,`);
		expect(csv).not.toMatch(/(^|,)[=+@-]/m);
		expect(csv.endsWith('\r\n')).toBe(true);

		const [heading, ...body] = parse(csv, { bom: true }) as string[][];
		expect(body).toHaveLength(30);
		const rows = filledRows<string>(
			body.map((r) => r.map((cell) => (cell === '' ? null : cell))),
			(round) => ({
				roundTitle: round.title,
				roundStart: round.start.split('-').reverse().join('/'),
				roundEnd: round.end.split('-').reverse().join('/'),
				agreedLevel: String(round.level)
			})
		);
		const quote = (cell: Cell | string) => {
			const text = cell === null ? '' : String(cell);
			return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
		};
		const filled = [heading, ...rows].map((r) => r.map(quote).join(',')).join('\r\n');
		const previewed = await previewPastAudits(w.db, {
			organisationId: w.organisationId,
			frameworkId: w.frameworkId,
			fileName: 'past audits.csv',
			bytes: new TextEncoder().encode('\uFEFF' + filled)
		});
		if (!previewed.ok) throw new Error(previewed.problem);
		expect(previewed.preview.problems).toEqual([]);
		expect(previewed.preview.scores).toHaveLength(60);
		// The apostrophe that keeps the name from being a formula does not make it another service.
		expect(previewed.preview.services.map((s) => [s.status, s.existing?.name])).toEqual([
			['matched', FORMULA_NAME],
			['matched', 'Ashford CMHT'],
			['matched', 'Willow Ward']
		]);
	});

	it('keeps formula-like text as text in the workbook: a text cell, never a formula', async () => {
		const w = trust();
		const bytes = await templateWorkbook(
			pastAuditsTemplate(w.db, w.organisationId, w.frameworkId)!
		);
		const zip = checkZip(bytes);
		if (!zip.ok) throw new Error(zip.problem);
		const sheet = new TextDecoder().decode(
			zip.read(zip.entries.find((e) => e.name === 'xl/worksheets/sheet1.xml')!)
		);
		expect(sheet).not.toContain('<f>');
		// The cells carry the Text format, so a name edited in Excel stays text.
		const styles = new TextDecoder().decode(
			zip.read(zip.entries.find((e) => e.name === 'xl/styles.xml')!)
		);
		expect(styles).toMatch(/formatCode="@"/);
		const [audits] = await read(bytes, 'template.xlsx');
		const grouping = audits.rows.find((r) => r.cells[column('service')] === FORMULA_NAME);
		expect(grouping?.cells[column('grouping')]).toBe('-South');
	});

	it('for an organisation with no services: the headings, and the guide says to write the rows', async () => {
		const w = trust({ withServices: false });
		const template = pastAuditsTemplate(w.db, w.organisationId, w.frameworkId)!;
		expect(template.rows).toEqual([]);
		expect(templateCsv(template)).toBe(
			'\uFEFFRound title,Round start,Round end,Service,Care group,Type of service,Challenge,Agreed level,Evidence,Why this level,Next step,Evidence sources,Priority rank\r\n'
		);
		const sheets = await read(await templateWorkbook(template), 'template.xlsx');
		expect(sheets[0].rows).toHaveLength(1);
		const guide = sheets[1].rows.map((r) => r.cells.filter((c) => c !== null).join(' | '));
		expect(guide.join('\n')).toContain('Your organisation has no services in the app yet');

		// A row written under the headings previews as a new service.
		const row = [
			'Spring 2024',
			'01/04/2024',
			'30/06/2024',
			'Brenton Crisis Team',
			'North',
			'',
			'1',
			'2'
		];
		const previewed = await previewPastAudits(w.db, {
			organisationId: w.organisationId,
			frameworkId: w.frameworkId,
			fileName: 'past audits.csv',
			bytes: new TextEncoder().encode(templateCsv(template) + row.join(',') + '\r\n')
		});
		if (!previewed.ok) throw new Error(previewed.problem);
		expect(previewed.preview.problems).toEqual([]);
		expect(previewed.preview.services.map((s) => [s.name, s.status, s.groupingName])).toEqual([
			['Brenton Crisis Team', 'new', 'North']
		]);
	});

	it('explains every column, the challenges, the levels, the evidence sources and the priority ranks', async () => {
		const w = trust();
		const sheets = await read(
			await templateWorkbook(pastAuditsTemplate(w.db, w.organisationId, w.frameworkId)!),
			'template.xlsx'
		);
		const lines = sheets[1].rows.map((r) => r.cells.map((c) => c ?? ''));
		const byFirst = new Map(lines.map((cells) => [cells[0], cells]));
		expect(lines[0][0]).toBe(
			'Past audits for Northmoor Trust: ImROC organisational challenges (2010), version 1'
		);
		expect(byFirst.get('Round start')?.slice(1, 3)).toEqual([
			'Required',
			expect.stringContaining('23/11/2024')
		]);
		expect(byFirst.get('Care group')?.[1]).toBe('Optional');
		expect(byFirst.get('Care group')?.[2]).toContain('The care group the service belongs to');
		expect(byFirst.get('Agreed level')?.[2]).toContain('1 (Not yet started) to 4 (Transformation)');
		expect(byFirst.get('Evidence sources')?.[2]).toContain('Views of people using the service');
		expect(byFirst.get('Priority rank')?.[2]).toMatch(/^1 to 3 /);
		expect(byFirst.get('Type of service')?.[2]).toContain('Acute inpatient ward');
		const challengesAt = lines.findIndex((l) => l[0] === 'Number');
		expect(lines[challengesAt]).toEqual(['Number', 'Key', 'Name', 'Short label']);
		expect(lines.slice(challengesAt + 1, challengesAt + 11)).toEqual(
			imrocPack.challenges.map((c, i) => [String(i + 1), c.key, c.name, c.shortLabel])
		);
		const levelsAt = lines.findIndex((l) => l[0] === 'Level');
		expect(lines.slice(levelsAt + 1).map((l) => l.slice(0, 2))).toEqual(
			imrocPack.scale.map((l) => [String(l.value), l.name])
		);
	});
});

describe('the Grouping heading', () => {
	it('is the organisation’s word, unless that word already names another column', () => {
		expect(groupingHeading('Care group')).toBe('Care group');
		expect(groupingHeading('Borough')).toBe('Borough');
		expect(groupingHeading('Team')).toBe('Grouping');
		expect(groupingHeading('  ')).toBe('Grouping');
		const template = buildPastAuditsTemplate({
			organisationName: 'T',
			groupingLabel: 'Service',
			framework: { name: 'F', version: 1 },
			challenges: [{ key: 'a', name: 'A', shortLabel: 'A' }],
			scale: [{ value: 1, name: 'One' }],
			services: []
		});
		expect(template.headings).toContain('Grouping');
	});
});

describe('the framework a template is for', () => {
	const pack = (key: string, version: number) => ({ ...imrocPack, key, version });

	it('is the bundled ImROC pack’s newest version in use, when the organisation has no rounds', () => {
		const w = trust();
		expect(defaultTemplateFrameworkId(w.db, w.organisationId)).toBe(w.frameworkId);
		const second = loadPack(w.db, pack(imrocPack.key, 2));
		expect(defaultTemplateFrameworkId(w.db, w.organisationId)).toBe(second.frameworkId);
		setRetired(w.db, w.person, second.frameworkId, true);
		expect(defaultTemplateFrameworkId(w.db, w.organisationId)).toBe(w.frameworkId);
	});

	it('is the newest version in use of the pack the latest round used', () => {
		const w = trust();
		const peer = loadPack(w.db, peerSupportPack);
		const round = createRound(w.db, w.person, w.organisationId, {
			title: 'Peer check',
			frameworkId: peer.frameworkId,
			serviceIds: [w.db.select().from(services).get()!.id],
			periodStart: '2025-09-01',
			periodEnd: '2025-11-30'
		});
		if (!round.ok) throw new Error(round.message);
		expect(defaultTemplateFrameworkId(w.db, w.organisationId)).toBe(peer.frameworkId);
		const peerNext = loadPack(w.db, { ...peerSupportPack, version: peerSupportPack.version + 1 });
		expect(defaultTemplateFrameworkId(w.db, w.organisationId)).toBe(peerNext.frameworkId);
	});
});

describe('downloading the template', () => {
	const organisation = (w: ReturnType<typeof trust>) => ({
		id: w.organisationId,
		name: 'Northmoor Trust'
	});
	const url = (query = '') =>
		new URL(`http://app.invalid/organisations/x/imports/template.xlsx${query}`);

	it('is an attachment named after the organisation, never cached', async () => {
		const w = trust();
		const response = await templateDownload(w.db, organisation(w), url(), 'xlsx');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-disposition')).toBe(
			'attachment; filename="past-audits-template-northmoor-trust.xlsx"'
		);
		expect(response.headers.get('cache-control')).toBe('no-store');
		expect(response.headers.get('content-type')).toContain('spreadsheetml.sheet');
		const bytes = new Uint8Array(await response.arrayBuffer());
		expect((await read(bytes, 'template.xlsx'))[0].rows).toHaveLength(31);

		const csv = await templateDownload(
			w.db,
			organisation(w),
			url(`?framework=${w.frameworkId}`),
			'csv'
		);
		expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(csv.headers.get('content-disposition')).toContain(
			templateFileName('Northmoor Trust', 'csv')
		);
		expect(new Uint8Array(await csv.arrayBuffer()).slice(0, 3)).toEqual(
			new Uint8Array([0xef, 0xbb, 0xbf])
		);
	});

	it('answers 404 in plain words for a framework that is not there or an address that names one badly', async () => {
		const w = trust();
		for (const query of [
			'?framework=doesnotexist',
			'?framework=%3Cscript%3E',
			`?framework=${'a'.repeat(500)}`
		]) {
			const response = await templateDownload(w.db, organisation(w), url(query), 'csv');
			expect(response.status, query).toBe(404);
			expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
			expect(await response.text()).toContain('That framework was not found');
		}
	});

	it('names a file by the organisation even when its name has no letters to use', () => {
		expect(templateFileName('***', 'xlsx')).toBe('past-audits-template-organisation.xlsx');
	});
});
