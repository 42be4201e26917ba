// The past-audits template, as rows of text: the sheet an administrator fills in (the template's
// headings, then a row for each of the organisation's services and each challenge, with the
// service and challenge written in) and the sheet that explains it. Writing it as a workbook or a
// CSV file is the server's; what goes in it is decided here, in the words the import reads back.

import { EVIDENCE_SOURCES, PRIORITY_COUNT } from '../evidence';
import { groupingWord } from '../groupings';
import { SERVICE_TYPES } from '../services';
import { SCORE_TEXT_MAX_LENGTH } from './audit-rows';
import type { PackChallenge } from './challenges';
import {
	FIELD_LABELS,
	FIELD_NAMES,
	REQUIRED_FIELDS,
	fieldOfHeading,
	type FieldName
} from './headers';
import { describeScale, type ScaleLevel } from './levels';

export const TEMPLATE_SHEET_NAME = 'Past audits';
export const GUIDE_SHEET_NAME = 'How to fill this in';

export interface TemplateService {
	name: string;
	groupingName: string | null;
	type: string;
}

export interface TemplateInput {
	organisationName: string;
	/** The organisation's word for a grouping ("Directorate", "Care group"). */
	groupingLabel: string;
	framework: { name: string; version: number };
	/** In the pack's order. */
	challenges: readonly PackChallenge[];
	/** In ascending order. */
	scale: readonly ScaleLevel[];
	/** The organisation's active services. */
	services: readonly TemplateService[];
}

/** How a row of the guide is shown: a title, a section's heading, a table's heading, or text. */
export type GuideRowKind = 'title' | 'section' | 'tableHead' | 'text';

export interface GuideRow {
	kind: GuideRowKind;
	cells: string[];
}

export interface PastAuditsTemplate {
	headings: string[];
	/** The prefilled rows, null where the administrator writes. */
	rows: (string | null)[][];
	/** Each column's width in characters, for the workbook. */
	widths: number[];
	guide: GuideRow[];
	/** The guide's column widths in characters. */
	guideWidths: number[];
}

/**
 * The Grouping column's heading: the organisation's own word, which the import reads as the
 * grouping, unless the word already names another column (a grouping called "Team" would be
 * read as the service).
 */
export function groupingHeading(groupingLabel: string): string {
	const label = groupingLabel.trim();
	if (label === '') return FIELD_LABELS.grouping;
	const named = fieldOfHeading(label);
	return named === null || named === 'grouping' ? label : FIELD_LABELS.grouping;
}

/** A challenge as the template writes it: its number and name, which the import reads back. */
export function templateChallenge(position: number, challenge: PackChallenge): string {
	return `${position} - ${challenge.name}`;
}

const MIN_WIDTH: Partial<Record<FieldName, number>> = {
	roundTitle: 22,
	roundStart: 14,
	roundEnd: 14,
	service: 24,
	challenge: 30,
	agreedLevel: 14,
	evidence: 40,
	rationale: 40,
	nextStep: 40,
	evidenceSources: 30
};
const MAX_WIDTH = 60;

const list = (items: readonly string[]) => items.join('; ');

/** What to write in each column, in an administrator's words. */
function columnHelp(input: TemplateInput, grouping: string): Record<FieldName, string> {
	const { challenges, scale } = input;
	const example = scale[Math.min(1, scale.length - 1)];
	return {
		roundTitle:
			'The name of the past audit or review, such as “Spring 2024 audit”. Every row of one round has the same title and the same dates.',
		roundStart:
			'The round’s first day, as a UK date with the day first: 23/11/2024, 23-11-2024, 23 November 2024, 23-Nov-2024 or 2024-11-23, or a cell Excel shows as a date.',
		roundEnd:
			'The round’s last day, written the same way. It cannot be before the start, and a round cannot overlap one of the organisation’s rounds on this framework that is already in the app.',
		service:
			'The service (team) the score is for; already filled in for each of your services. A name the app does not know exactly is shown on the preview, where you choose whether it is one of your services or a new one.',
		grouping: `The ${groupingWord(grouping)} the service belongs to. Only used when the import creates a new service.`,
		serviceType: `The type of service, only used when the import creates a new service. One of: ${list(SERVICE_TYPES)}.`,
		challenge: `The challenge, already filled in. It can be given by its number (1 to ${challenges.length}), its key, its name or its short label: see the list below.`,
		agreedLevel: `The level the team agreed, from ${describeScale(scale)}: its number (such as ${example.value}), its name (such as “${example.name}”) or both (such as “${example.value} - ${example.name}”).`,
		evidence: `What the evidence showed, in words (at most ${SCORE_TEXT_MAX_LENGTH.toLocaleString('en-GB')} characters).`,
		rationale: `Why the team agreed this level (at most ${SCORE_TEXT_MAX_LENGTH.toLocaleString('en-GB')} characters).`,
		nextStep: `What the team planned to do next (at most ${SCORE_TEXT_MAX_LENGTH.toLocaleString('en-GB')} characters).`,
		evidenceSources: `Where the evidence came from, separated by semicolons. Any of: ${list(EVIDENCE_SOURCES.map((s) => s.label))}.`,
		priorityRank: `1 to ${PRIORITY_COUNT} for the team’s top ${PRIORITY_COUNT} priorities after that round; each rank is given to one challenge of a service in a round. Leave it blank for the other challenges.`
	};
}

function guideRows(input: TemplateInput, headings: string[]): GuideRow[] {
	const { framework, challenges, scale, services } = input;
	const help = columnHelp(input, headings[FIELD_NAMES.indexOf('grouping')]);
	const text = (line: string): GuideRow => ({ kind: 'text', cells: [line] });
	const blank: GuideRow = { kind: 'text', cells: [] };
	return [
		{
			kind: 'title',
			cells: [
				`Past audits for ${input.organisationName}: ${framework.name}, version ${framework.version}`
			]
		},
		blank,
		services.length > 0
			? text(
					`The “${TEMPLATE_SHEET_NAME}” sheet has a row for each of your ${services.length === 1 ? 'service' : `${services.length} services`} and each challenge, with the service and the challenge already filled in.`
				)
			: text(
					`Your organisation has no services in the app yet, so the “${TEMPLATE_SHEET_NAME}” sheet has only its headings. Write a row for each service, challenge and round; the preview shows which services the import would create.`
				),
		text(
			services.length > 0
				? 'For each past round (audit): copy the whole block of rows below the headings, paste it under the last row, and fill in the round title, its start and end dates and the agreed level on every row.'
				: 'Fill in the round title, its start and end dates, the service, the challenge and the agreed level on every row.'
		),
		text(
			'Delete the rows of services or challenges that were not scored in a round. Keep the headings in the first row as they are.'
		),
		text(
			'Nothing is saved when you upload the file: you see a preview of the rounds, services and scores first, with any problem and its row, and only confirming saves them.'
		),
		text(
			`You can upload the workbook as it is (.xlsx), or save the “${TEMPLATE_SHEET_NAME}” sheet as a CSV file and upload that.`
		),
		blank,
		{ kind: 'section', cells: ['The columns'] },
		{ kind: 'tableHead', cells: ['Column', 'Required or optional', 'What to write'] },
		...FIELD_NAMES.map((field, i): GuideRow => ({
			kind: 'text',
			cells: [headings[i], REQUIRED_FIELDS.includes(field) ? 'Required' : 'Optional', help[field]]
		})),
		blank,
		{ kind: 'section', cells: [`The challenges of ${framework.name}`] },
		{ kind: 'tableHead', cells: ['Number', 'Key', 'Name', 'Short label'] },
		...challenges.map((c, i): GuideRow => ({
			kind: 'text',
			cells: [String(i + 1), c.key, c.name, c.shortLabel]
		})),
		blank,
		{ kind: 'section', cells: ['The levels'] },
		{ kind: 'tableHead', cells: ['Level', 'Name'] },
		...scale.map((l): GuideRow => ({ kind: 'text', cells: [String(l.value), l.name] }))
	];
}

/** The template for an organisation and a framework version; see `PastAuditsTemplate`. */
export function buildPastAuditsTemplate(input: TemplateInput): PastAuditsTemplate {
	const headings = FIELD_NAMES.map((field) =>
		field === 'grouping' ? groupingHeading(input.groupingLabel) : FIELD_LABELS[field]
	);
	const rows = input.services.flatMap((service) =>
		input.challenges.map((challenge, i) =>
			FIELD_NAMES.map((field): string | null => {
				if (field === 'service') return service.name;
				if (field === 'grouping') return service.groupingName;
				if (field === 'serviceType') return service.type;
				if (field === 'challenge') return templateChallenge(i + 1, challenge);
				return null;
			})
		)
	);
	const widths = FIELD_NAMES.map((field, i) => {
		const longest = Math.max(headings[i].length, ...rows.map((row) => row[i]?.length ?? 0));
		return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH[field] ?? 12, longest + 2));
	});
	return {
		headings,
		rows,
		widths,
		guide: guideRows(input, headings),
		guideWidths: [22, 22, 90, 30]
	};
}
