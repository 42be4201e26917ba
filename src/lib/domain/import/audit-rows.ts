// The preview of a past-audits import: from a sheet's rows, the pack its scores are on and what
// the organisation already has, what the import would create (rounds, services, agreed scores)
// and every problem with its row and column, in a person's words. Nothing here writes anything:
// the caller shows the preview and, once the person confirms, writes it in one transaction.

import { z } from 'zod';
import { EVIDENCE_SOURCES, PRIORITY_COUNT, type EvidenceSource } from '../evidence';
import { freeTextProblem, type FreeTextKind } from '../free-text';
import { serviceTypeNamed } from '../service-list';
import type { ServiceType } from '../services';
import { cellText, isBlank, looseText, type Cell, type Reading, type SheetRow } from './cells';
import { readChallenge, type PackChallenge } from './challenges';
import { britishDate, readDate } from './dates';
import {
	FIELD_LABELS,
	readHeadings,
	type FieldName,
	type MappingOverride,
	type SheetHeadings
} from './headers';
import { readLevel, type ScaleLevel } from './levels';
import { matchServiceName, serviceNameKey, type KnownService } from './service-names';

export const ROUND_TITLE_MAX_LENGTH = 200;
export const SERVICE_NAME_MAX_LENGTH = 200;
export const GROUPING_NAME_MAX_LENGTH = 100;
/** As long as the agreeing form allows for evidence, the reason for a level and the next step. */
export const SCORE_TEXT_MAX_LENGTH = 10_000;

export interface ImportProblem {
	row?: number;
	column?: string;
	field?: FieldName;
	message: string;
}

export interface ImportPack {
	key: string;
	version: number;
	scale: readonly ScaleLevel[];
	challenges: readonly PackChallenge[];
}

/** One of the organisation's rounds, for telling whether an imported one overlaps it. */
export interface ExistingRound {
	id: string;
	title: string;
	frameworkKey: string;
	/** YYYY-MM-DD, inclusive. */
	periodStart: string;
	periodEnd: string;
}

/** The person's answer for a service name that was only suggested: an existing service's id, or "new". */
export const serviceChoicesSchema = z.record(z.string().max(500), z.string().min(1).max(100));
export type ServiceChoices = z.infer<typeof serviceChoicesSchema>;

export interface AuditImportInput {
	/** Every row of the sheet as read, title rows and heading row included. */
	rows: readonly SheetRow[];
	mapping?: MappingOverride;
	/** Headings to read as fields besides the template's (the organisation's grouping word). */
	extraHeadings?: Readonly<Record<string, FieldName>>;
	pack: ImportPack;
	/** The organisation's own services (never another organisation's). */
	services: readonly KnownService[];
	rounds: readonly ExistingRound[];
	/** Keyed by the service name as written in the file (compared after normalising). */
	serviceChoices?: ServiceChoices;
}

export interface PreviewRound {
	key: string;
	title: string;
	periodStart: string;
	periodEnd: string;
	firstRow: number;
	services: number;
	scores: number;
}

export interface PreviewService {
	key: string;
	/** As first written in the file. */
	name: string;
	firstRow: number;
	/** Matched exactly or confirmed by the person; suggested and waiting for them; or to create. */
	status: 'matched' | 'suggested' | 'new';
	/** The organisation's service it is, when matched. */
	existing: KnownService | null;
	/** The close names offered (also kept once the person has chosen, for the page to show). */
	suggestions: KnownService[];
	groupingName: string | null;
	serviceType: ServiceType | null;
	scores: number;
}

export interface PreviewScore {
	row: number;
	roundKey: string;
	serviceKey: string;
	challengeKey: string;
	challengePosition: number;
	level: number;
	evidence: string;
	rationale: string;
	nextStep: string;
	evidenceSources: EvidenceSource[];
	priorityRank: number | null;
}

export interface AuditImportPreview {
	headings: SheetHeadings;
	/** Rows below the headings with anything in them. */
	dataRows: number;
	rounds: PreviewRound[];
	services: PreviewService[];
	/** One per round, service and challenge: a row repeated exactly is counted once. */
	scores: PreviewScore[];
	/** Anything that stops the import; it can be confirmed only when there are none. */
	problems: ImportProblem[];
	/** What the person should know but which does not stop the import. */
	warnings: ImportProblem[];
	/**
	 * The import's content as one canonical string (the same however the rows are ordered or
	 * spelt), for the caller to hash: importing the same content again can then add nothing.
	 */
	fingerprint: string;
}

const label = (field: FieldName) => FIELD_LABELS[field];
const lower = (field: FieldName) => FIELD_LABELS[field].toLowerCase();

const SOURCES_BY_NAME = new Map<string, EvidenceSource>([
	...EVIDENCE_SOURCES.flatMap(({ key, label }) => [
		[looseText(label), key] as const,
		[key.replace(/_/g, ' '), key] as const
	]),
	['service user views', 'service_user_views'],
	['views of service users', 'service_user_views'],
	['carers views', 'carer_views'],
	['service info', 'service_information']
]);

/** Compares problems by row, then column ("B" before "AA"), keeping their order otherwise. */
function byPlace(a: ImportProblem, b: ImportProblem): number {
	const row = (a.row ?? 0) - (b.row ?? 0);
	if (row !== 0) return row;
	const column = (p: ImportProblem) => p.column ?? '';
	return (
		column(a).length - column(b).length ||
		(column(a) < column(b) ? -1 : column(a) > column(b) ? 1 : 0)
	);
}

/**
 * A reader that reads each distinct cell once: a file repeats its few dates, challenges and levels
 * on every row, and reading them again for each of 20,000 rows is most of a preview's time.
 */
function readingOnce<T>(read: (cell: Cell) => Reading<T>): (cell: Cell) => Reading<T> {
	const readings = new Map<string, Reading<T>>();
	return (cell) => {
		const key = cell instanceof Date ? `date:${cell.getTime()}` : `${typeof cell}:${String(cell)}`;
		let reading = readings.get(key);
		if (!reading) {
			reading = read(cell);
			readings.set(key, reading);
		}
		return reading;
	};
}

function periodWords(start: string, end: string): string {
	return `${britishDate(start)} to ${britishDate(end)}`;
}

/** Builds the preview of an import of past audits; see `AuditImportPreview`. */
export function previewAuditImport(input: AuditImportInput): AuditImportPreview {
	const { pack } = input;
	const headings = readHeadings(input.rows, input.mapping, input.extraHeadings);
	const problems: ImportProblem[] = [...headings.problems];
	const warnings: ImportProblem[] = [...headings.notes];
	const rounds = new Map<string, PreviewRound & { services: number; endBeforeStart: boolean }>();
	const roundServices = new Map<string, Set<string>>();
	const services = new Map<string, PreviewService>();
	const scores = new Map<string, { score: PreviewScore; signature: string }>();
	const ranks = new Map<string, Map<number, { row: number; challengePosition: number }>>();
	let dataRows = 0;
	const dateOf = readingOnce(readDate);
	const challengeOf = readingOnce((cell) => readChallenge(cell, pack.challenges));
	const levelOf = readingOnce((cell) => readLevel(cell, pack.scale));

	const canRead = headings.headerRow !== null && headings.missing.length === 0;
	const body = canRead ? input.rows.filter((r) => r.row > headings.headerRow!) : [];
	const choices = new Map(
		Object.entries(input.serviceChoices ?? {}).map(([name, choice]) => [
			serviceNameKey(name),
			choice
		])
	);

	for (const { row, cells } of body) {
		if (cells.every((cell) => isBlank(cell))) continue;
		dataRows += 1;
		const column = (field: FieldName) => headings.fieldColumns[field];
		const cellOf = (field: FieldName): Cell => {
			const at = column(field);
			return at ? (cells[at.index] ?? null) : null;
		};
		let usable = true;
		const problem = (field: FieldName, message: string) => {
			problems.push({ row, column: column(field)?.letter, field, message });
		};
		const warn = (field: FieldName, message: string) => {
			warnings.push({ row, column: column(field)?.letter, field, message });
		};
		const missing = (field: FieldName) => {
			if (!isBlank(cellOf(field))) return false;
			problem(field, `The ${lower(field)} is missing.`);
			usable = false;
			return true;
		};
		const text = (field: FieldName, max: number, kind: FreeTextKind): string => {
			const value = cellText(cellOf(field));
			const hidden = freeTextProblem(value, kind);
			if (hidden) {
				usable = false;
				problem(
					field,
					hidden === 'direction'
						? `${label(field)}: the text holds a hidden character that changes its direction. Type it again in the file rather than pasting it.`
						: kind === 'line'
							? `${label(field)}: the text holds a hidden character (such as a line break or a tab); it must be one line. Type it again in the file rather than pasting it.`
							: `${label(field)}: the text holds a hidden control character. Type it again in the file rather than pasting it.`
				);
			} else if (value.length > max) {
				usable = false;
				problem(
					field,
					`${label(field)}: the text is ${value.length.toLocaleString('en-GB')} characters long; it can be at most ${max.toLocaleString('en-GB')}.`
				);
			}
			return value;
		};

		const titleMissing = missing('roundTitle');
		const title = titleMissing ? '' : text('roundTitle', ROUND_TITLE_MAX_LENGTH, 'line');
		const dates = (['roundStart', 'roundEnd'] as const).map((field) => {
			if (missing(field)) return null;
			const date = dateOf(cellOf(field));
			if (date.ok) return date.value;
			usable = false;
			problem(field, `${label(field)}: ${date.message}`);
			return null;
		});
		const [start, end] = dates;
		const serviceName = missing('service') ? '' : text('service', SERVICE_NAME_MAX_LENGTH, 'line');
		const groupingName = text('grouping', GROUPING_NAME_MAX_LENGTH, 'line') || null;
		const typeWritten = text('serviceType', 200, 'line');
		let serviceType: ServiceType | null = null;
		if (typeWritten !== '') {
			serviceType = serviceTypeNamed(typeWritten);
			if (!serviceType) {
				usable = false;
				problem(
					'serviceType',
					`${label('serviceType')}: “${typeWritten}” is not a type of service this app knows. Use one of the types listed with the template, or leave it blank.`
				);
			}
		}
		let challenge: { position: number; key: string } | null = null;
		if (!missing('challenge')) {
			const read = challengeOf(cellOf('challenge'));
			if (read.ok) challenge = read.value;
			else {
				usable = false;
				problem('challenge', `${label('challenge')}: ${read.message}`);
			}
		}
		let level: number | null = null;
		if (!missing('agreedLevel')) {
			const read = levelOf(cellOf('agreedLevel'));
			if (read.ok) level = read.value;
			else {
				usable = false;
				problem('agreedLevel', `${label('agreedLevel')}: ${read.message}`);
			}
		}
		const evidence = text('evidence', SCORE_TEXT_MAX_LENGTH, 'long');
		const rationale = text('rationale', SCORE_TEXT_MAX_LENGTH, 'long');
		const nextStep = text('nextStep', SCORE_TEXT_MAX_LENGTH, 'long');

		const evidenceSources: EvidenceSource[] = [];
		for (const part of cellText(cellOf('evidenceSources')).split(/[;,|/\n]+/)) {
			const name = looseText(part).replace(/['’]/g, '');
			if (name === '') continue;
			const source = SOURCES_BY_NAME.get(name);
			if (source) {
				if (!evidenceSources.includes(source)) evidenceSources.push(source);
			} else {
				usable = false;
				problem(
					'evidenceSources',
					`${label('evidenceSources')}: “${part.trim()}” is not a source of evidence. Use ${EVIDENCE_SOURCES.map((s) => s.label).join(', ')}, separated by semicolons.`
				);
			}
		}

		let priorityRank: number | null = null;
		const rankCell = cellOf('priorityRank');
		if (!isBlank(rankCell)) {
			const rank = Number(cellText(rankCell));
			if (Number.isInteger(rank) && rank >= 1 && rank <= PRIORITY_COUNT) priorityRank = rank;
			else {
				usable = false;
				problem(
					'priorityRank',
					`${label('priorityRank')}: “${cellText(rankCell)}” is not a priority rank. Give 1, 2 or 3 for the team’s top three priorities, or leave it blank.`
				);
			}
		}

		// The round: one title, one period.
		const roundKey = looseText(title);
		if (start && end && roundKey !== '') {
			const round = rounds.get(roundKey);
			if (!round) {
				const endBeforeStart = end < start;
				if (endBeforeStart)
					problem(
						'roundEnd',
						`${label('roundEnd')}: the round “${title}” ends on ${britishDate(end)}, before it starts on ${britishDate(start)}.`
					);
				rounds.set(roundKey, {
					key: roundKey,
					title,
					periodStart: start,
					periodEnd: end,
					firstRow: row,
					services: 0,
					scores: 0,
					endBeforeStart
				});
			} else if (round.periodStart !== start || round.periodEnd !== end) {
				usable = false;
				problem(
					round.periodStart !== start ? 'roundStart' : 'roundEnd',
					`The round “${title}” runs ${periodWords(start, end)} here, but ${periodWords(round.periodStart, round.periodEnd)} in row ${round.firstRow}. A round has one period: give the same dates on each of its rows.`
				);
			} else if (round.endBeforeStart) usable = false;
			if (rounds.get(roundKey)?.endBeforeStart) usable = false;
		}

		// The service: matched, suggested or new, decided once per name.
		const serviceKey = serviceNameKey(serviceName);
		if (serviceKey !== '') {
			const known = services.get(serviceKey);
			if (!known) {
				const match = matchServiceName(serviceName, input.services);
				const suggestions = match.kind === 'suggested' ? match.suggestions : [];
				const choice = choices.get(serviceKey);
				const chosen = choice ? input.services.find((s) => s.id === choice) : undefined;
				const status =
					match.kind === 'matched' || chosen
						? 'matched'
						: match.kind === 'new' || choice === 'new'
							? 'new'
							: 'suggested';
				services.set(serviceKey, {
					key: serviceKey,
					name: serviceName,
					firstRow: row,
					status,
					existing: match.kind === 'matched' ? match.service : (chosen ?? null),
					suggestions,
					groupingName,
					serviceType,
					scores: 0
				});
				if (status === 'suggested')
					problem(
						'service',
						`${label('service')}: “${serviceName}” is not exactly the name of a service, but is close to ${suggestions.map((s) => `“${s.name}”`).join(' and ')}. Choose whether it is ${suggestions.length === 1 ? 'that service' : 'one of them'} or a new service.`
					);
			} else {
				if (
					groupingName &&
					known.groupingName &&
					looseText(groupingName) !== looseText(known.groupingName)
				)
					warn(
						'grouping',
						`${label('grouping')}: “${groupingName}” differs from “${known.groupingName}” given for the service in row ${known.firstRow}; the first is kept.`
					);
				if (serviceType && known.serviceType && serviceType !== known.serviceType)
					warn(
						'serviceType',
						`${label('serviceType')}: “${serviceType}” differs from “${known.serviceType}” given for the service in row ${known.firstRow}; the first is kept.`
					);
				known.groupingName ??= groupingName;
				known.serviceType ??= serviceType;
			}
		}

		if (
			!usable ||
			!challenge ||
			level === null ||
			!start ||
			!end ||
			roundKey === '' ||
			serviceKey === ''
		)
			continue;

		// The score: once per round, service and challenge.
		const score: PreviewScore = {
			row,
			roundKey,
			serviceKey,
			challengeKey: challenge.key,
			challengePosition: challenge.position,
			level,
			evidence,
			rationale,
			nextStep,
			evidenceSources: [...evidenceSources].sort(),
			priorityRank
		};
		const scoreKey = JSON.stringify([roundKey, serviceKey, challenge.key]);
		const signature = JSON.stringify([
			level,
			evidence,
			rationale,
			nextStep,
			score.evidenceSources,
			priorityRank
		]);
		const earlier = scores.get(scoreKey);
		if (earlier) {
			if (earlier.signature === signature)
				warnings.push({
					row,
					message: `Row ${row} repeats row ${earlier.score.row} exactly (the same round, service, challenge and values); it is counted once.`
				});
			else
				problems.push({
					row,
					message: `Row ${row} gives a different score from row ${earlier.score.row} for the same round (“${title}”), service (“${serviceName}”) and challenge (${challenge.position}). Keep one of the two rows.`
				});
			continue;
		}
		if (priorityRank !== null) {
			const rankKey = JSON.stringify([roundKey, serviceKey]);
			const used = ranks.get(rankKey) ?? new Map();
			ranks.set(rankKey, used);
			const other = used.get(priorityRank);
			if (other) {
				problem(
					'priorityRank',
					`${label('priorityRank')}: row ${other.row} already gives priority rank ${priorityRank} to challenge ${other.challengePosition} for “${serviceName}” in “${title}”. Each rank is given once for a service in a round.`
				);
				continue;
			}
			used.set(priorityRank, { row, challengePosition: challenge.position });
		}
		scores.set(scoreKey, { score, signature });
	}

	if (canRead && dataRows === 0)
		problems.push({
			row: headings.headerRow!,
			message: 'There are headings but no rows of scores below them.'
		});

	// Counts, and rounds that overlap the organisation's own rounds of the same framework.
	for (const { score } of scores.values()) {
		rounds.get(score.roundKey)!.scores += 1;
		services.get(score.serviceKey)!.scores += 1;
		const inRound = roundServices.get(score.roundKey) ?? new Set();
		inRound.add(score.serviceKey);
		roundServices.set(score.roundKey, inRound);
	}
	const overlaps = (a: { periodStart: string; periodEnd: string }, b: typeof a) =>
		a.periodStart <= b.periodEnd && b.periodStart <= a.periodEnd;
	const earlierInFile: PreviewRound[] = [];
	for (const round of rounds.values()) {
		round.services = roundServices.get(round.key)?.size ?? 0;
		// A round whose rows all have problems of their own would not be created.
		if (round.endBeforeStart || round.scores === 0) continue;
		const clash = earlierInFile.find((earlier) => overlaps(round, earlier));
		if (clash)
			problems.push({
				row: round.firstRow,
				column: headings.fieldColumns.roundStart?.letter,
				field: 'roundStart',
				message: `The round “${round.title}” (${periodWords(round.periodStart, round.periodEnd)}) overlaps the round “${clash.title}” (${periodWords(clash.periodStart, clash.periodEnd)}) in row ${clash.firstRow} of this file. Change its dates, or make them one round with one title.`
			});
		earlierInFile.push(round);
		for (const other of input.rounds) {
			if (other.frameworkKey !== pack.key || !overlaps(round, other)) continue;
			problems.push({
				row: round.firstRow,
				column: headings.fieldColumns.roundStart?.letter,
				field: 'roundStart',
				message: `The round “${round.title}” (${periodWords(round.periodStart, round.periodEnd)}) overlaps the organisation’s round “${other.title}” (${periodWords(other.periodStart, other.periodEnd)}) on the same framework. Change its dates, or leave its rows out.`
			});
		}
	}

	const roundList = [...rounds.values()].map(({ endBeforeStart: _, ...round }) => round);
	const serviceList = [...services.values()];
	const scoreList = [...scores.values()].map((s) => s.score);
	return {
		headings,
		dataRows,
		rounds: roundList,
		services: serviceList,
		scores: scoreList,
		problems: problems.sort(byPlace),
		warnings: warnings.sort(byPlace),
		fingerprint: importFingerprint(pack, roundList, serviceList, scoreList)
	};
}

/**
 * The canonical string of an import's content: the pack, the rounds, the services and the scores,
 * each sorted, so that the same content gives the same string whatever order its rows are in.
 */
export function importFingerprint(
	pack: Pick<ImportPack, 'key' | 'version'>,
	rounds: readonly PreviewRound[],
	services: readonly PreviewService[],
	scores: readonly PreviewScore[]
): string {
	const sorted = (items: unknown[][]) => items.map((item) => JSON.stringify(item)).sort();
	return JSON.stringify({
		kind: 'past-audits',
		pack: [pack.key, pack.version],
		rounds: sorted(rounds.map((r) => [r.key, r.periodStart, r.periodEnd])),
		services: sorted(services.map((s) => [s.key, s.groupingName, s.serviceType])),
		scores: sorted(
			scores.map((s) => [
				s.roundKey,
				s.serviceKey,
				s.challengeKey,
				s.level,
				s.evidence,
				s.rationale,
				s.nextStep,
				s.evidenceSources,
				s.priorityRank
			])
		)
	});
}
