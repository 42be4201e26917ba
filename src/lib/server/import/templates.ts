// The past-audits template for an organisation and a framework version, from the database, as an
// Excel workbook (the sheet to fill in and the sheet that explains it) or as a CSV file (the sheet
// to fill in only). What goes in it is `$lib/domain/import/template`'s; access is the routes'.

import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import writeExcelFile, { type Cell as WorkbookCell, type Sheet } from 'write-excel-file/node';
import { csvRow } from '$lib/format/csv';
import { TEXT_FORMAT } from '$lib/domain/exports/workbook';
import { fileSlug } from '$lib/format/data-table';
import {
	buildPastAuditsTemplate,
	GUIDE_SHEET_NAME,
	TEMPLATE_SHEET_NAME,
	type GuideRow,
	type PastAuditsTemplate
} from '$lib/domain/import/template';
import type { Db } from '../db/client';
import { challenges, frameworks, levels, organisations, rounds } from '../db/schema';
import { listServices } from '../services';
import builtInImroc from '../frameworks/packs/imroc-2010.json';

export const XLSX_CONTENT_TYPE =
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The template for the organisation and framework version, or null when either is unknown. */
export function pastAuditsTemplate(
	db: Db,
	organisationId: string,
	frameworkId: string
): PastAuditsTemplate | null {
	const organisation = db
		.select({ name: organisations.name, groupingLabel: organisations.groupingLabel })
		.from(organisations)
		.where(eq(organisations.id, organisationId))
		.get();
	const framework = db
		.select({ name: frameworks.name, version: frameworks.version })
		.from(frameworks)
		.where(eq(frameworks.id, frameworkId))
		.get();
	if (!organisation || !framework) return null;
	return buildPastAuditsTemplate({
		organisationName: organisation.name,
		groupingLabel: organisation.groupingLabel,
		framework,
		challenges: db
			.select({
				key: challenges.packChallengeKey,
				name: challenges.name,
				shortLabel: challenges.shortLabel
			})
			.from(challenges)
			.where(eq(challenges.frameworkId, frameworkId))
			.orderBy(asc(challenges.position))
			.all(),
		scale: db
			.select({ value: levels.value, name: levels.name })
			.from(levels)
			.where(eq(levels.frameworkId, frameworkId))
			.orderBy(asc(levels.value))
			.all(),
		services: listServices(db, organisationId).map((s) => ({
			name: s.name,
			groupingName: s.groupingName,
			type: s.type
		}))
	});
}

/** The newest version still in use (not retired) of a pack, or null. */
function newestVersionOf(db: Db, packKey: string): string | null {
	return (
		db
			.select({ id: frameworks.id })
			.from(frameworks)
			.where(and(eq(frameworks.packKey, packKey), isNull(frameworks.retiredAt)))
			.orderBy(desc(frameworks.version))
			.get()?.id ?? null
	);
}

/**
 * The framework version a template is for when none is asked for: the newest version in use of
 * the pack the organisation's latest round used, else of the bundled ImROC pack.
 */
export function defaultTemplateFrameworkId(db: Db, organisationId: string): string | null {
	const latest = db
		.select({ packKey: frameworks.packKey })
		.from(rounds)
		.innerJoin(frameworks, eq(frameworks.id, rounds.frameworkId))
		.where(eq(rounds.organisationId, organisationId))
		.orderBy(desc(rounds.periodStart), desc(rounds.createdAt))
		.get();
	return (
		(latest ? newestVersionOf(db, latest.packKey) : null) ?? newestVersionOf(db, builtInImroc.key)
	);
}

const bold = (value: string): WorkbookCell => ({
	value,
	type: String,
	fontWeight: 'bold',
	format: TEXT_FORMAT
});
const text = (value: string | null): WorkbookCell =>
	value === null ? null : { value, type: String, format: TEXT_FORMAT };

function guideRow(row: GuideRow): WorkbookCell[] {
	switch (row.kind) {
		case 'title':
			return row.cells.map((value) => ({ value, type: String, fontWeight: 'bold', fontSize: 14 }));
		case 'section':
		case 'tableHead':
			return row.cells.map(bold);
		default:
			return row.cells.map((value, i) => ({
				value,
				type: String,
				// The help text sits beside its column's name, so it wraps within its own column.
				wrap: i === 2,
				alignVertical: 'top'
			}));
	}
}

/**
 * The template as an Excel workbook. Every cell is written as text, with Excel's Text format, so
 * a service or challenge name that begins with "=" is shown as it is and stays text when edited.
 */
export async function templateWorkbook(
	template: PastAuditsTemplate
): Promise<Uint8Array<ArrayBuffer>> {
	const sheets: Sheet<Buffer>[] = [
		{
			sheet: TEMPLATE_SHEET_NAME,
			data: [template.headings.map(bold), ...template.rows.map((row) => row.map(text))],
			columns: template.widths.map((width) => ({ width })),
			stickyRowsCount: 1
		},
		{
			sheet: GUIDE_SHEET_NAME,
			data: template.guide.map(guideRow),
			columns: template.guideWidths.map((width) => ({ width }))
		}
	];
	return new Uint8Array(await writeExcelFile(sheets).toBuffer());
}

/**
 * The template's first sheet as a CSV file: UTF-8 with a byte-order mark (so Excel keeps
 * accents), comma-separated, quoted where needed, and text that a spreadsheet would take for a
 * formula given a leading apostrophe (the import reads such a service name as the same service).
 */
export function templateCsv(template: PastAuditsTemplate): string {
	return '\uFEFF' + csvRow(template.headings) + template.rows.map((row) => csvRow(row)).join('');
}

/** "past-audits-template-northmoor-trust.xlsx" */
export function templateFileName(organisationName: string, extension: 'xlsx' | 'csv'): string {
	return `past-audits-template-${fileSlug(organisationName, 'organisation')}.${extension}`;
}
