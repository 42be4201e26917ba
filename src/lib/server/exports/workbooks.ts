// The Excel workbooks: one round of an organisation (summary, agreed levels with their evidence,
// the heatmap, actions, method), and the organisation's history (every closed round). Every
// figure comes from the organisation dashboard's own functions, so the workbook and the screen
// agree; only the services the person may see are listed.

import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import writeExcelFile from 'write-excel-file/node';
import { formatMedian } from '$lib/domain/dashboards';
import { EVIDENCE_SOURCE_LABELS } from '$lib/domain/evidence';
import { ACTION_STATUS_LABELS } from '$lib/domain/actions';
import { londonDate } from '$lib/domain/london-days';
import type { MedianLevel } from '$lib/domain/ratings';
import { ROUND_STATUS_LABELS, type RoundStatus } from '$lib/domain/rounds';
import {
	calendarDay,
	columnWidths,
	toCells,
	type SheetTable,
	type SheetValue,
	type WorkbookSheet
} from '$lib/domain/exports/workbook';
import { COUNTED_NOTE, FIGURES_EXPLAINED, stillOpenNote } from '$lib/domain/exports/method';
import { fileSlug } from '$lib/format/data-table';
import { formatInstant } from '$lib/format/dates';
import { may, type Person } from '../access/policy';
import { selectActions, withOverdue } from '../actions/rows';
import type { Db } from '../db/client';
import {
	agreedScores,
	assessments,
	challenges,
	frameworks,
	groupings,
	improvementActions,
	levels,
	rounds,
	services
} from '../db/schema';
import { organisationDashboard } from '../dashboards/organisation';
import { challengeHeading } from '../dashboards/framework-shape';
import { roundProgress } from '../rounds/progress';
import { recordAuditEvent } from '../audit/record';

export interface WorkbookOrganisation {
	id: string;
	name: string;
}

export interface WorkbookRound {
	id: string;
	title: string;
	status: RoundStatus;
	periodStart: string;
	periodEnd: string;
	frameworkId: string;
	openedAt: Date | null;
}

export interface Workbook {
	fileName: string;
	sheets: WorkbookSheet[];
}

/** Whether the person may see a service; asked once per service. */
function serviceShown(person: Person, organisationId: string) {
	const shown = new Map<string, boolean>();
	return (serviceId: string) => {
		let allowed = shown.get(serviceId);
		if (allowed === undefined) {
			allowed = may(person, 'service.view', { organisationId, serviceId });
			shown.set(serviceId, allowed);
		}
		return allowed;
	};
}

const medianCells = (median: MedianLevel | null): SheetValue[] => [
	formatMedian(median),
	median ? (median.kind === 'level' ? median.level : median.low) : null,
	median ? (median.kind === 'level' ? median.level : median.high) : null
];

function frameworkOf(db: Db, frameworkId: string) {
	return db
		.select({ packKey: frameworks.packKey, name: frameworks.name, version: frameworks.version })
		.from(frameworks)
		.where(eq(frameworks.id, frameworkId))
		.get()!;
}

const frameworkWords = (f: { name: string; version: number }) => `${f.name}, version ${f.version}`;

function scaleOf(db: Db, frameworkId: string) {
	return db
		.select({ value: levels.value, name: levels.name, description: levels.description })
		.from(levels)
		.where(eq(levels.frameworkId, frameworkId))
		.orderBy(asc(levels.value))
		.all();
}

/**
 * Each agreed level of the rounds' completed assessments, with what the team wrote: the same
 * assessments the dashboards count (complete, with a level).
 */
function agreedLevelRows(db: Db, roundIds: string[], shows: (serviceId: string) => boolean) {
	if (roundIds.length === 0) return [];
	return db
		.select({
			roundId: assessments.roundId,
			serviceId: services.id,
			serviceName: services.name,
			groupingName: groupings.name,
			frameworkId: challenges.frameworkId,
			position: challenges.position,
			challengeName: challenges.name,
			level: agreedScores.level,
			evidence: agreedScores.evidence,
			evidenceSources: agreedScores.evidenceSources,
			rationale: agreedScores.rationale,
			nextStep: agreedScores.nextStep
		})
		.from(agreedScores)
		.innerJoin(assessments, eq(assessments.id, agreedScores.assessmentId))
		.innerJoin(services, eq(services.id, assessments.serviceId))
		.leftJoin(groupings, eq(groupings.id, services.groupingId))
		.innerJoin(challenges, eq(challenges.id, agreedScores.challengeId))
		.where(
			and(
				inArray(assessments.roundId, roundIds),
				eq(assessments.status, 'complete'),
				isNotNull(agreedScores.level)
			)
		)
		.orderBy(asc(services.name), asc(challenges.position))
		.all()
		.filter((row) => shows(row.serviceId));
}

const AGREED_LEVEL_HEADER = [
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
];

function agreedLevelCells(
	row: ReturnType<typeof agreedLevelRows>[number],
	levelName: (frameworkId: string, level: number) => string
): SheetValue[] {
	return [
		row.serviceName,
		row.groupingName,
		row.position,
		row.challengeName,
		row.level,
		row.level === null ? null : levelName(row.frameworkId, row.level),
		row.evidence,
		row.evidenceSources.map((s) => EVIDENCE_SOURCE_LABELS[s] ?? s).join('; '),
		row.rationale,
		row.nextStep
	];
}

/** Level names by framework version, looked up once per version. */
function levelNames(db: Db) {
	const scales = new Map<string, Map<number, string>>();
	return (frameworkId: string, level: number) => {
		let scale = scales.get(frameworkId);
		if (!scale) {
			scale = new Map(scaleOf(db, frameworkId).map((l) => [l.value, l.name]));
			scales.set(frameworkId, scale);
		}
		return scale.get(level) ?? '';
	};
}

function scaleTable(db: Db, frameworkId: string): SheetTable {
	return {
		header: ['Level', 'Level name', 'Description'],
		rows: scaleOf(db, frameworkId).map((l) => [l.value, l.name, l.description])
	};
}

function methodSheet(db: Db, frameworkIds: string[]): WorkbookSheet {
	const versions = frameworkIds.map((id) => ({ id, ...frameworkOf(db, id) }));
	return {
		name: 'Method',
		freezeHeader: false,
		tables: [
			{ header: ['Framework', 'Version'], rows: versions.map((f) => [f.name, f.version]) },
			...versions.map((f) => ({
				...scaleTable(db, f.id),
				header: [`Level (${frameworkWords(f)})`, 'Level name', 'Description']
			})),
			{ header: ['What the figures mean', 'Explanation'], rows: FIGURES_EXPLAINED }
		]
	};
}

/** The improvement actions of the services taking part, with the round each was raised in. */
function actionsOf(
	db: Db,
	organisationId: string,
	serviceIds: string[],
	shows: (serviceId: string) => boolean,
	now: Date
) {
	if (serviceIds.length === 0) return [];
	const raisedIn = new Map(
		db
			.select({ id: assessments.id, title: rounds.title })
			.from(assessments)
			.innerJoin(rounds, eq(rounds.id, assessments.roundId))
			.where(eq(rounds.organisationId, organisationId))
			.all()
			.map((a) => [a.id, a.title])
	);
	return selectActions(db)
		.where(
			and(
				eq(improvementActions.organisationId, organisationId),
				inArray(improvementActions.serviceId, serviceIds)
			)
		)
		.orderBy(asc(services.name), asc(improvementActions.dueDate), asc(improvementActions.title))
		.all()
		.filter((a) => shows(a.serviceId))
		.map(withOverdue(londonDate(now)))
		.map((a) => ({ ...a, raisedIn: a.assessmentId ? (raisedIn.get(a.assessmentId) ?? '') : '' }));
}

/** The round workbook, as the person may see it. */
export function roundWorkbook(
	db: Db,
	person: Person,
	organisation: WorkbookOrganisation,
	round: WorkbookRound,
	now = new Date()
): Workbook {
	const shows = serviceShown(person, organisation.id);
	const framework = frameworkOf(db, round.frameworkId);
	const dashboard = organisationDashboard(
		db,
		organisation.id,
		{ framework: framework.packKey, round: round.id },
		person,
		now
	)!;
	const progress = roundProgress(db, round, { now, shows });
	const completed = progress.participants.filter((p) => p.assessmentStatus === 'complete');

	// This round's medians and the previous counted round's, as the dashboard's medians table.
	const position = dashboard.rounds.findIndex((r) => r.id === round.id);
	const earlier = new Set(dashboard.rounds.slice(0, position).map((r) => r.id));
	const thisIndex = dashboard.countedRounds.findIndex((r) => r.id === round.id);
	const previousIndex = dashboard.countedRounds.findLastIndex((r) => earlier.has(r.id));
	const previous = previousIndex >= 0 ? dashboard.countedRounds[previousIndex] : null;

	const note = stillOpenNote(round.status);
	const summary: WorkbookSheet = {
		name: 'Summary',
		freezeHeader: false,
		tables: [
			{
				header: ['Round workbook', ''],
				rows: [
					['Organisation', organisation.name],
					['Round', round.title],
					['Period start', calendarDay(round.periodStart)],
					['Period end', calendarDay(round.periodEnd)],
					['Status', ROUND_STATUS_LABELS[round.status]],
					...(note ? [['Note', note]] : []),
					['Framework', frameworkWords(framework)],
					['Services taking part', progress.participants.length],
					['Services completed', completed.length],
					['Counted', COUNTED_NOTE],
					['Previous round', previous?.title ?? 'None'],
					['Downloaded', formatInstant(now)]
				]
			},
			{
				header: [
					'Challenge number',
					'Challenge',
					'Median',
					'Median from',
					'Median to',
					'Previous median',
					'Previous median from',
					'Previous median to'
				],
				rows: dashboard.medians.map((m) => [
					m.position,
					m.shortLabel,
					...medianCells(thisIndex >= 0 ? m.medians[thisIndex] : null),
					...medianCells(previous ? m.medians[previousIndex] : null)
				])
			}
		]
	};

	const levelName = levelNames(db);
	const agreed: WorkbookSheet = {
		name: 'Agreed levels',
		freezeHeader: true,
		tables: [
			{
				header: AGREED_LEVEL_HEADER,
				rows: agreedLevelRows(db, [round.id], shows).map((r) => agreedLevelCells(r, levelName))
			}
		]
	};

	const heat = dashboard.heatmap;
	const heatmap: WorkbookSheet = {
		name: 'Heatmap',
		freezeHeader: true,
		tables: [
			{
				header: [
					'Service',
					'Grouping',
					...dashboard.challenges.map(challengeHeading),
					'Median',
					'Assessment'
				],
				rows: heat.rows.map((r) => [
					r.serviceName,
					r.groupingName,
					...r.levels,
					formatMedian(r.median),
					r.complete ? 'Complete' : 'Not complete'
				])
			}
		]
	};

	const actions: WorkbookSheet = {
		name: 'Actions',
		freezeHeader: true,
		tables: [
			{
				header: [
					'Service',
					'Challenge number',
					'Challenge',
					'Action',
					'Owner',
					'Start date',
					'Due date',
					'Status',
					'Overdue',
					'Raised in round'
				],
				rows: actionsOf(
					db,
					organisation.id,
					progress.participants.map((p) => p.serviceId),
					shows,
					now
				).map((a) => [
					a.serviceName,
					a.challengePosition,
					a.challengeLabel,
					a.title,
					a.ownerName,
					a.startDate ? calendarDay(a.startDate) : null,
					calendarDay(a.dueDate),
					ACTION_STATUS_LABELS[a.status],
					a.overdue ? 'Yes' : 'No',
					a.raisedIn
				])
			}
		]
	};

	return {
		fileName: `${fileSlug(organisation.name)}-${fileSlug(round.title, 'round')}-workbook.xlsx`,
		sheets: [summary, agreed, heatmap, actions, methodSheet(db, [round.frameworkId])]
	};
}

/** The organisation's closed rounds, oldest first. */
function closedRounds(db: Db, organisationId: string) {
	return db
		.select({
			id: rounds.id,
			title: rounds.title,
			status: rounds.status,
			periodStart: rounds.periodStart,
			periodEnd: rounds.periodEnd,
			frameworkId: rounds.frameworkId,
			openedAt: rounds.openedAt
		})
		.from(rounds)
		.where(and(eq(rounds.organisationId, organisationId), eq(rounds.status, 'closed')))
		.orderBy(asc(rounds.periodStart), asc(rounds.title))
		.all();
}

/** Every closed round of the organisation: agreed levels across rounds and the medians. */
export function historyWorkbook(
	db: Db,
	person: Person,
	organisation: WorkbookOrganisation,
	now = new Date()
): Workbook {
	const shows = serviceShown(person, organisation.id);
	const closed = closedRounds(db, organisation.id);
	const roundsById = new Map(closed.map((r) => [r.id, r]));

	const roundRows: SheetValue[][] = closed.map((round) => {
		const progress = roundProgress(db, round, { now, shows });
		return [
			round.title,
			calendarDay(round.periodStart),
			calendarDay(round.periodEnd),
			frameworkWords(frameworkOf(db, round.frameworkId)),
			progress.participants.length,
			progress.participants.filter((p) => p.assessmentStatus === 'complete').length
		];
	});

	// The medians per round and challenge, from the dashboard of each framework the rounds used.
	const mediansByRound = new Map<string, SheetValue[][]>();
	const packs = [...new Set(closed.map((r) => frameworkOf(db, r.frameworkId).packKey))];
	for (const packKey of packs) {
		const dashboard = organisationDashboard(
			db,
			organisation.id,
			{ framework: packKey },
			person,
			now
		);
		dashboard?.countedRounds.forEach((counted, i) => {
			const round = roundsById.get(counted.id);
			if (!round) return;
			mediansByRound.set(
				round.id,
				dashboard.medians.map((m) => [
					round.title,
					calendarDay(round.periodStart),
					m.position,
					m.shortLabel,
					...medianCells(m.medians[i])
				])
			);
		});
	}
	const roundOrder = closed.map((r) => r.id);
	const medianRows = roundOrder.flatMap((id) => mediansByRound.get(id) ?? []);

	const levelName = levelNames(db);
	const agreedByRound = new Map<string, ReturnType<typeof agreedLevelRows>>();
	for (const row of agreedLevelRows(db, roundOrder, shows)) {
		const list = agreedByRound.get(row.roundId);
		if (list) list.push(row);
		else agreedByRound.set(row.roundId, [row]);
	}
	const byRound = closed.flatMap((round) =>
		(agreedByRound.get(round.id) ?? []).map((r) => [
			round.title,
			calendarDay(round.periodStart),
			...agreedLevelCells(r, levelName)
		])
	);

	return {
		fileName: `${fileSlug(organisation.name)}-history.xlsx`,
		sheets: [
			{
				name: 'Rounds',
				freezeHeader: true,
				tables: [
					{
						header: [
							'Round',
							'Period start',
							'Period end',
							'Framework',
							'Services taking part',
							'Services completed'
						],
						rows: roundRows
					},
					{
						header: ['Organisation', 'Rounds', 'Counted', 'Downloaded'],
						rows: [[organisation.name, 'Every closed round', COUNTED_NOTE, formatInstant(now)]]
					}
				]
			},
			{
				name: 'Agreed levels',
				freezeHeader: true,
				tables: [{ header: ['Round', 'Period start', ...AGREED_LEVEL_HEADER], rows: byRound }]
			},
			{
				name: 'Medians',
				freezeHeader: true,
				tables: [
					{
						header: [
							'Round',
							'Period start',
							'Challenge number',
							'Challenge',
							'Median',
							'Median from',
							'Median to'
						],
						rows: medianRows
					}
				]
			},
			methodSheet(db, [...new Set(closed.map((r) => r.frameworkId))])
		]
	};
}

/** The workbook as an .xlsx file. */
export async function workbookFile(workbook: Workbook): Promise<Buffer> {
	const sheets = workbook.sheets.map((sheet) => ({
		data: toCells(sheet),
		sheet: sheet.name,
		columns: columnWidths(sheet.tables).map((width) => ({ width })),
		...(sheet.freezeHeader ? { stickyRowsCount: 1 } : {})
	}));
	return writeExcelFile(sheets).toBuffer();
}

/** A workbook download as the trail records it: which workbook, of what, with which filters. */
export function recordWorkbookExport(
	db: Db,
	person: Person,
	organisationId: string,
	what: { workbook: 'round'; round: { id: string; title: string } } | { workbook: 'history' },
	now = new Date()
) {
	recordAuditEvent(
		db,
		{
			userId: person.id,
			organisationId,
			action: 'export.workbook',
			entityType: what.workbook === 'round' ? 'round' : 'organisation',
			entityId: what.workbook === 'round' ? what.round.id : organisationId,
			after:
				what.workbook === 'round'
					? { workbook: 'round', roundTitle: what.round.title, filters: { round: what.round.id } }
					: { workbook: 'history', filters: { rounds: 'closed' } }
		},
		now
	);
}
