// What the past-audits preview page shows, cut to what a person reads (never every score: a
// 20,000-row file would be sent to the browser twice, as HTML and as hydration data), and the
// choices it posts back: what each column holds, and which service each close name is.

import { z } from 'zod';
import { FIELD_LABELS, FIELD_NAMES, type MappingOverride } from '$lib/domain/import/headers';
import type { ImportProblem, ServiceChoices } from '$lib/domain/import/audit-rows';
import type { PastAuditsPreview } from './past-audits';

/** Problems and warnings listed on the page; the rest are counted. */
export const PROBLEMS_SHOWN = 100;
/** Columns and close service names a preview form takes (far above any real sheet). */
const MOST_CHOICES = 1_000;

/** What a column can be read as, for the preview's choices. */
const COLUMN_OPTIONS = [
	...FIELD_NAMES.map((field) => ({ value: field, text: FIELD_LABELS[field] })),
	{ value: 'ignore', text: 'Leave this column out' }
];

const problemsForPage = (list: ImportProblem[]) => ({
	shown: list.slice(0, PROBLEMS_SHOWN).map(({ row, column, message }) => ({
		row: row ?? null,
		column: column ?? null,
		message
	})),
	count: list.length
});

export function previewForPage(previewed: PastAuditsPreview) {
	if (!previewed.ok)
		return { unreadable: previewed.problem, preview: null, columnOptions: COLUMN_OPTIONS };
	const { preview, alreadyImported } = previewed;
	const pendingChoices = preview.services.filter((s) => s.status === 'suggested').length;
	return {
		unreadable: null,
		columnOptions: COLUMN_OPTIONS,
		preview: {
			sheetName: previewed.sheetName,
			headerRow: preview.headings.headerRow,
			dataRows: preview.dataRows,
			columns: preview.headings.columns.map((c) => ({
				index: c.index,
				letter: c.letter,
				heading: c.heading,
				choice: c.ignored ? 'ignore' : (c.field ?? '')
			})),
			rounds: preview.rounds,
			services: preview.services.map((s) => ({
				name: s.name,
				firstRow: s.firstRow,
				status: s.status,
				existing: s.existing ? { id: s.existing.id, name: s.existing.name } : null,
				suggestions: s.suggestions.map(({ id, name }) => ({ id, name })),
				choice: s.status === 'new' ? 'new' : (s.existing?.id ?? ''),
				groupingName: s.groupingName,
				serviceType: s.serviceType,
				scores: s.scores
			})),
			scores: preview.scores.length,
			priorities: preview.scores.filter((s) => s.priorityRank !== null).length,
			problems: problemsForPage(preview.problems),
			warnings: problemsForPage(preview.warnings),
			pendingChoices,
			alreadyImported: alreadyImported?.message ?? null,
			canImport: !alreadyImported && preview.problems.length === 0 && preview.scores.length > 0
		}
	};
}

const choiceSchema = z
	.array(z.object({ key: z.string().trim().min(1).max(500), choice: z.string().max(100) }))
	.max(MOST_CHOICES);
const columnChoice = z.enum([...FIELD_NAMES, 'ignore', '']);

/** Pairs posted as `<prefix>-key-<n>` (hidden) and `<prefix>-<n>` (the person's choice). */
function pairs(posted: FormData, prefix: string) {
	const found: { key: FormDataEntryValue | null; choice: FormDataEntryValue | null }[] = [];
	for (const name of posted.keys()) {
		const n = new RegExp(`^${prefix}-key-(\\d{1,4})$`).exec(name)?.[1];
		if (n !== undefined)
			found.push({ key: posted.get(name), choice: posted.get(`${prefix}-${n}`) ?? '' });
	}
	return found;
}

export type PreviewChoices =
	| { ok: true; mapping: MappingOverride; serviceChoices: ServiceChoices }
	| { ok: false; message: string };

/** The column mapping and service choices posted from the preview page. */
export function readPreviewChoices(posted: FormData): PreviewChoices {
	const columns = choiceSchema.safeParse(pairs(posted, 'column'));
	const services = choiceSchema.safeParse(pairs(posted, 'service'));
	const refused = {
		ok: false,
		message: 'Something on this page went wrong: reload it and make your choices again.'
	} as const;
	if (!columns.success || !services.success) return refused;
	const mapping: MappingOverride = {};
	for (const { key, choice } of columns.data) {
		const read = columnChoice.safeParse(choice);
		if (!read.success) return refused;
		if (read.data !== '') mapping[key] = read.data;
	}
	const serviceChoices: ServiceChoices = {};
	for (const { key, choice } of services.data) if (choice !== '') serviceChoices[key] = choice;
	return { ok: true, mapping, serviceChoices };
}
