// Past audits from a spreadsheet, on the server: the preview (the file read, its sheet found, the
// organisation's services and rounds and the pack loaded from the database, then the pure rules of
// `$lib/domain/import/audit-rows`), the import (the same preview again and every row written in
// one transaction, or nothing), the undo of a whole import while nothing has been added on top of
// it, and the list of an organisation's imports. Access is the routes' to check.

import { createHash } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import {
	previewAuditImport,
	type AuditImportPreview,
	type ServiceChoices
} from '$lib/domain/import/audit-rows';
import { readHeadings, type FieldName, type MappingOverride } from '$lib/domain/import/headers';
import type { SheetRow } from '$lib/domain/import/cells';
import { britishDate } from '$lib/domain/import/dates';
import { londonDate } from '$lib/domain/london-days';
import type { Person } from '../access/policy';
import { countCompletedAssessment } from '../assessments/level-counts';
import { recordAuditEvent } from '../audit/record';
import type { Db, Tx } from '../db/client';
import {
	actionReviews,
	agreedScores,
	assessmentComments,
	assessmentRaters,
	assessments,
	auditEvents,
	auditImports,
	challenges,
	droppedStrengths,
	frameworks,
	improvementActions,
	invitations,
	levels,
	memberships,
	organisations,
	participants,
	priorities,
	ratingSessions,
	ratings,
	roundLevelCounts,
	roundLevelTotals,
	roundServices,
	rounds,
	services,
	strengths,
	users
} from '../db/schema';
import { groupingNamed, insertGrouping } from '../groupings';
import { newId } from '../ids';
import { readSpreadsheet, type ReadLimits, type Sheet } from './read-file';

export interface PastAuditsInput {
	organisationId: string;
	frameworkId: string;
	fileName: string;
	bytes: Uint8Array;
	mapping?: MappingOverride;
	serviceChoices?: ServiceChoices;
	/** The reading limits, for tests; the defaults otherwise (10 MB, 20,000 rows). */
	limits?: Partial<ReadLimits>;
}

/** An earlier import of the same content that still stands. */
export interface EarlierImport {
	id: string;
	importedAt: Date;
	importedByName: string | null;
	message: string;
}

export type PastAuditsPreview =
	| { ok: false; problem: string }
	| {
			ok: true;
			fileName: string;
			sheetName: string;
			preview: AuditImportPreview;
			/** SHA-256 (hex) of the preview's canonical content. */
			fingerprint: string;
			alreadyImported: EarlierImport | null;
	  };

type ReadSheet = { ok: true; sheet: Sheet } | { ok: false; problem: string };

const sheetRows = (sheet: Sheet): SheetRow[] =>
	sheet.rows.map((r) => ({ row: r.rowNumber, cells: r.cells }));

/** Reads the file and finds its sheet: the first with a heading row, else the first sheet. */
async function readSheet(input: PastAuditsInput): Promise<ReadSheet> {
	const read = await readSpreadsheet(input.bytes, input.fileName, input.limits);
	if (!read.ok) return read;
	if (read.sheets.length === 0)
		return { ok: false, problem: `“${input.fileName}” has no sheets to read.` };
	const sheet =
		read.sheets.find((s) => readHeadings(sheetRows(s), input.mapping).headerRow !== null) ??
		read.sheets[0];
	return { ok: true, sheet };
}

export function sha256Hex(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}

/** The standing import of this content in the organisation, if there is one. */
function earlierImport(
	tx: Pick<Db, 'select'>,
	organisationId: string,
	fingerprint: string
): EarlierImport | null {
	const row = tx
		.select({ id: auditImports.id, importedAt: auditImports.importedAt, name: users.name })
		.from(auditImports)
		.leftJoin(users, eq(users.id, auditImports.importedBy))
		.where(
			and(
				eq(auditImports.organisationId, organisationId),
				eq(auditImports.fingerprint, fingerprint),
				isNull(auditImports.undoneAt)
			)
		)
		.get();
	if (!row) return null;
	return {
		id: row.id,
		importedAt: row.importedAt,
		importedByName: row.name,
		message: `This file was imported on ${britishDate(londonDate(row.importedAt))} by ${row.name ?? 'someone whose account has gone'}; importing it again adds nothing.`
	};
}

/** Everything the preview needs from the database, read in the caller's transaction. */
function previewFromRows(
	tx: Pick<Db, 'select'>,
	input: PastAuditsInput,
	sheet: Sheet
): PastAuditsPreview {
	const framework = tx
		.select({ key: frameworks.packKey, version: frameworks.version })
		.from(frameworks)
		.where(eq(frameworks.id, input.frameworkId))
		.get();
	const organisation = tx
		.select({ groupingLabel: organisations.groupingLabel })
		.from(organisations)
		.where(eq(organisations.id, input.organisationId))
		.get();
	if (!framework || !organisation)
		return { ok: false, problem: 'That framework or organisation was not found.' };
	const pack = {
		key: framework.key,
		version: framework.version,
		scale: tx
			.select({ value: levels.value, name: levels.name })
			.from(levels)
			.where(eq(levels.frameworkId, input.frameworkId))
			.orderBy(asc(levels.value))
			.all(),
		challenges: tx
			.select({
				key: challenges.packChallengeKey,
				name: challenges.name,
				shortLabel: challenges.shortLabel
			})
			.from(challenges)
			.where(eq(challenges.frameworkId, input.frameworkId))
			.orderBy(asc(challenges.position))
			.all()
	};
	// Archived services too: a file may name one, and a new service may not take its name.
	const known = tx
		.select({ id: services.id, name: services.name })
		.from(services)
		.where(eq(services.organisationId, input.organisationId))
		.orderBy(asc(services.name))
		.all();
	const existingRounds = tx
		.select({
			id: rounds.id,
			title: rounds.title,
			frameworkKey: frameworks.packKey,
			periodStart: rounds.periodStart,
			periodEnd: rounds.periodEnd
		})
		.from(rounds)
		.innerJoin(frameworks, eq(frameworks.id, rounds.frameworkId))
		.where(eq(rounds.organisationId, input.organisationId))
		.all();
	const extraHeadings: Record<string, FieldName> = { [organisation.groupingLabel]: 'grouping' };
	const preview = previewAuditImport({
		rows: sheetRows(sheet),
		mapping: input.mapping,
		extraHeadings,
		pack,
		services: known,
		rounds: existingRounds,
		serviceChoices: input.serviceChoices
	});
	const fingerprint = sha256Hex(preview.fingerprint);
	return {
		ok: true,
		fileName: input.fileName,
		sheetName: sheet.name,
		preview,
		fingerprint,
		alreadyImported: earlierImport(tx, input.organisationId, fingerprint)
	};
}

/** The preview of importing this file: nothing is written. */
export async function previewPastAudits(
	db: Db,
	input: PastAuditsInput
): Promise<PastAuditsPreview> {
	const read = await readSheet(input);
	if (!read.ok) return read;
	return previewFromRows(db, input, read.sheet);
}

export type ImportResult =
	| {
			ok: true;
			importId: string;
			rounds: number;
			/** Services the import created, and existing services it added scores to. */
			newServices: number;
			matchedServices: number;
			assessments: number;
			scores: number;
			priorities: number;
	  }
	| {
			ok: false;
			reason: 'unreadable' | 'problems' | 'suggestions' | 'already_imported';
			message: string;
	  };

/** For tests: called inside the transaction, to fail it part-way. */
export interface ImportSeams {
	afterRounds?: (tx: Tx) => void;
}

/** SQLite caps the values in one statement: bulk inserts go in slices. */
function inSlices<T>(items: readonly T[], size: number, write: (slice: T[]) => void): void {
	for (let i = 0; i < items.length; i += size) write(items.slice(i, i + size));
}

/** Noon UTC of a calendar date: the same day in London whatever the season. */
const dayInstant = (isoDate: string) => new Date(`${isoDate}T12:00:00Z`);

/**
 * Imports the file: the preview again, inside one transaction, and refused with nothing written
 * on any problem, any service name still only suggested, or content already imported.
 */
export async function importPastAudits(
	db: Db,
	person: Person,
	input: PastAuditsInput,
	now = new Date(),
	seams: ImportSeams = {}
): Promise<ImportResult> {
	const read = await readSheet(input);
	if (!read.ok) return { ok: false, reason: 'unreadable', message: read.problem };
	return db.transaction((tx): ImportResult => {
		const previewed = previewFromRows(tx, input, read.sheet);
		if (!previewed.ok) return { ok: false, reason: 'unreadable', message: previewed.problem };
		const { preview, fingerprint, alreadyImported } = previewed;
		if (alreadyImported)
			return { ok: false, reason: 'already_imported', message: alreadyImported.message };
		const waiting = preview.services.filter((s) => s.status === 'suggested');
		if (waiting.length > 0)
			return {
				ok: false,
				reason: 'suggestions',
				message: `Choose whether ${waiting.map((s) => `“${s.name}”`).join(', ')} ${waiting.length === 1 ? 'is an existing service or a new one' : 'are existing services or new ones'} before importing.`
			};
		if (preview.problems.length > 0)
			return {
				ok: false,
				reason: 'problems',
				message: `The file has ${preview.problems.length === 1 ? 'a problem' : `${preview.problems.length} problems`} to put right first; nothing has been imported.`
			};
		if (preview.scores.length === 0)
			return { ok: false, reason: 'problems', message: 'The file has no scores to import.' };

		const importId = newId();
		const newServices = preview.services.filter((s) => s.status === 'new' && s.scores > 0);
		const usedServices = preview.services.filter((s) => s.scores > 0);
		const usedRounds = preview.rounds.filter((r) => r.scores > 0);
		tx.insert(auditImports)
			.values({
				id: importId,
				organisationId: input.organisationId,
				frameworkId: input.frameworkId,
				fileName: input.fileName,
				fingerprint,
				importedBy: person.id,
				importedAt: now,
				rounds: usedRounds.length,
				services: usedServices.length,
				scores: preview.scores.length
			})
			.run();

		// Services: the existing ones matched, the new ones created (in a grouping found by its
		// name or created).
		const serviceIds = new Map<string, string>();
		for (const service of usedServices) {
			if (service.existing) serviceIds.set(service.key, service.existing.id);
		}
		const groupingIds = new Map<string, string>();
		for (const service of newServices) {
			let groupingId: string | null = null;
			if (service.groupingName) {
				const key = service.groupingName.toLowerCase();
				groupingId =
					groupingIds.get(key) ??
					groupingNamed(tx, input.organisationId, service.groupingName)?.id ??
					insertGrouping(tx, person, input.organisationId, service.groupingName, now);
				groupingIds.set(key, groupingId);
			}
			const id = newId();
			serviceIds.set(service.key, id);
			tx.insert(services)
				.values({
					id,
					organisationId: input.organisationId,
					groupingId,
					name: service.name,
					type: service.serviceType ?? 'Other',
					createdAt: now,
					importId
				})
				.run();
		}

		// Rounds, closed, over the dates the file gives.
		const roundIds = new Map<string, string>();
		for (const round of usedRounds) {
			const id = newId();
			roundIds.set(round.key, id);
			tx.insert(rounds)
				.values({
					id,
					organisationId: input.organisationId,
					frameworkId: input.frameworkId,
					title: round.title,
					periodStart: round.periodStart,
					periodEnd: round.periodEnd,
					status: 'closed',
					createdAt: now,
					openedAt: dayInstant(round.periodStart),
					closedAt: dayInstant(round.periodEnd),
					importId
				})
				.run();
		}
		seams.afterRounds?.(tx);

		// One complete assessment per round and service, completed on the round's last day.
		const periodEnds = new Map(usedRounds.map((r) => [r.key, r.periodEnd]));
		const assessmentIds = new Map<string, { id: string; roundId: string }>();
		const assessmentRows: (typeof assessments.$inferInsert)[] = [];
		const roundServiceRows: (typeof roundServices.$inferInsert)[] = [];
		for (const score of preview.scores) {
			const key = JSON.stringify([score.roundKey, score.serviceKey]);
			if (assessmentIds.has(key)) continue;
			const roundId = roundIds.get(score.roundKey)!;
			const serviceId = serviceIds.get(score.serviceKey)!;
			const id = newId();
			assessmentIds.set(key, { id, roundId });
			roundServiceRows.push({ roundId, serviceId });
			assessmentRows.push({
				id,
				roundId,
				serviceId,
				status: 'complete',
				completedAt: dayInstant(periodEnds.get(score.roundKey)!),
				completedBy: person.id,
				createdAt: now
			});
		}
		inSlices(roundServiceRows, 500, (slice) => tx.insert(roundServices).values(slice).run());
		inSlices(assessmentRows, 500, (slice) => tx.insert(assessments).values(slice).run());

		const challengeIds = new Map(
			tx
				.select({ id: challenges.id, key: challenges.packChallengeKey })
				.from(challenges)
				.where(eq(challenges.frameworkId, input.frameworkId))
				.all()
				.map((c) => [c.key, c.id])
		);
		const scoreRows: (typeof agreedScores.$inferInsert)[] = [];
		const priorityRows: (typeof priorities.$inferInsert)[] = [];
		for (const score of preview.scores) {
			const assessmentId = assessmentIds.get(
				JSON.stringify([score.roundKey, score.serviceKey])
			)!.id;
			const challengeId = challengeIds.get(score.challengeKey)!;
			scoreRows.push({
				assessmentId,
				challengeId,
				level: score.level,
				evidence: score.evidence,
				rationale: score.rationale,
				nextStep: score.nextStep,
				evidenceSources: score.evidenceSources,
				updatedAt: now,
				updatedBy: person.id,
				importId
			});
			if (score.priorityRank !== null)
				priorityRows.push({ assessmentId, rank: score.priorityRank, challengeId });
		}
		inSlices(scoreRows, 500, (slice) => tx.insert(agreedScores).values(slice).run());
		inSlices(priorityRows, 500, (slice) => tx.insert(priorities).values(slice).run());
		// The dashboards' counts, as completing each assessment keeps them.
		for (const { id, roundId } of assessmentIds.values()) countCompletedAssessment(tx, id, roundId);

		const counts = {
			rounds: usedRounds.length,
			newServices: newServices.length,
			matchedServices: usedServices.length - newServices.length,
			assessments: assessmentRows.length,
			scores: scoreRows.length,
			priorities: priorityRows.length
		};
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId: input.organisationId,
				action: 'past_audits.imported',
				entityType: 'audit_import',
				entityId: importId,
				after: { fileName: input.fileName, ...counts }
			},
			now
		);
		return { ok: true, importId, ...counts };
	});
}

export type UndoImportResult = { ok: true } | { ok: false; status: 404 | 409; message: string };

/** Why the import cannot be undone (something added on top of it), or null when it can. */
function whyImportCannotBeUndone(
	tx: Pick<Db, 'select'>,
	importId: string,
	roundIds: string[],
	assessmentIds: string[]
): string | null {
	const roundsOpen = tx
		.select({ n: sql<number>`count(*)` })
		.from(rounds)
		.where(and(inArray(rounds.id, roundIds), sql`${rounds.status} <> 'closed'`))
		.get()!.n;
	if (roundsOpen > 0) return 'A round it created has been reopened since.';
	const otherAssessments = tx
		.select({ n: sql<number>`count(*)` })
		.from(assessments)
		.where(
			and(
				inArray(assessments.roundId, roundIds),
				sql`not exists (select 1 from ${agreedScores} where ${agreedScores.assessmentId} = ${assessments.id} and ${agreedScores.importId} = ${importId})`
			)
		)
		.get()!.n;
	if (otherAssessments > 0) return 'Another service has been added to one of its rounds since.';
	const changedScores = tx
		.select({ n: sql<number>`count(*)` })
		.from(agreedScores)
		.where(
			and(
				inArray(agreedScores.assessmentId, assessmentIds),
				sql`(${agreedScores.importId} is null or ${agreedScores.importId} <> ${importId} or ${agreedScores.revision} > 1)`
			)
		)
		.get()!.n;
	if (changedScores > 0) return 'An agreed score it brought in has been changed or added to since.';
	const work: [string, { n: number } | undefined][] = [
		[
			'Someone has been asked to rate, or has rated, in one of its assessments since.',
			tx
				.select({ n: sql<number>`count(*)` })
				.from(assessmentRaters)
				.where(inArray(assessmentRaters.assessmentId, assessmentIds))
				.get()
		],
		[
			'Someone has rated in one of its assessments since.',
			tx
				.select({ n: sql<number>`count(*)` })
				.from(ratings)
				.where(inArray(ratings.assessmentId, assessmentIds))
				.get()
		],
		[
			'Someone has rated in one of its assessments since.',
			tx
				.select({ n: sql<number>`count(*)` })
				.from(participants)
				.where(inArray(participants.assessmentId, assessmentIds))
				.get()
		],
		[
			'A rating session has been held on one of its assessments since.',
			tx
				.select({ n: sql<number>`count(*)` })
				.from(ratingSessions)
				.where(inArray(ratingSessions.assessmentId, assessmentIds))
				.get()
		],
		[
			'Someone has commented on one of its assessments since.',
			tx
				.select({ n: sql<number>`count(*)` })
				.from(assessmentComments)
				.where(inArray(assessmentComments.assessmentId, assessmentIds))
				.get()
		],
		[
			'A strength has been recorded on one of its assessments since.',
			tx
				.select({ n: sql<number>`count(*)` })
				.from(strengths)
				.where(inArray(strengths.assessmentId, assessmentIds))
				.get()
		],
		[
			'A strength has been dropped in one of its assessments since.',
			tx
				.select({ n: sql<number>`count(*)` })
				.from(droppedStrengths)
				.where(inArray(droppedStrengths.assessmentId, assessmentIds))
				.get()
		],
		[
			'An improvement action has been added from one of its assessments since.',
			tx
				.select({ n: sql<number>`count(*)` })
				.from(improvementActions)
				.where(inArray(improvementActions.assessmentId, assessmentIds))
				.get()
		],
		[
			'An improvement action has been reviewed in one of its assessments since.',
			tx
				.select({ n: sql<number>`count(*)` })
				.from(actionReviews)
				.where(inArray(actionReviews.assessmentId, assessmentIds))
				.get()
		]
	];
	for (const [reason, row] of work) if ((row?.n ?? 0) > 0) return reason;
	return null;
}

/**
 * Undoes a whole import while nothing has been added on top of it: deletes, in one transaction,
 * the scores, priorities, assessments, rounds and the services it created that nothing else uses,
 * takes its levels out of the dashboards' counts, and records the undo.
 */
export function undoImport(
	db: Db,
	person: Person,
	organisationId: string,
	importId: string,
	now = new Date()
): UndoImportResult {
	return db.transaction((tx): UndoImportResult => {
		const found = tx
			.select()
			.from(auditImports)
			.where(and(eq(auditImports.id, importId), eq(auditImports.organisationId, organisationId)))
			.get();
		if (!found) return { ok: false, status: 404, message: 'Not found' };
		if (found.undoneAt)
			return { ok: false, status: 409, message: 'This import has already been undone.' };
		const roundIds = tx
			.select({ id: rounds.id })
			.from(rounds)
			.where(eq(rounds.importId, importId))
			.all()
			.map((r) => r.id);
		const assessmentIds = tx
			.select({ id: assessments.id })
			.from(assessments)
			.where(inArray(assessments.roundId, roundIds))
			.all()
			.map((a) => a.id);
		const refusal = whyImportCannotBeUndone(tx, importId, roundIds, assessmentIds);
		if (refusal)
			return {
				ok: false,
				status: 409,
				message: `This import cannot be undone: ${refusal.charAt(0).toLowerCase()}${refusal.slice(1)} Only an import with nothing added on top of it can be undone.`
			};

		// Its rounds hold only its own assessments, so their counts are all the import's.
		tx.delete(roundLevelCounts).where(inArray(roundLevelCounts.roundId, roundIds)).run();
		tx.delete(roundLevelTotals).where(inArray(roundLevelTotals.roundId, roundIds)).run();
		tx.delete(priorities).where(inArray(priorities.assessmentId, assessmentIds)).run();
		tx.delete(agreedScores).where(inArray(agreedScores.assessmentId, assessmentIds)).run();
		tx.delete(assessments).where(inArray(assessments.id, assessmentIds)).run();
		tx.delete(roundServices).where(inArray(roundServices.roundId, roundIds)).run();
		tx.delete(rounds).where(inArray(rounds.id, roundIds)).run();
		// Its services, unless something else now uses them (the audit trail included: it cannot
		// be changed, so a service it names stays).
		const removable = tx
			.select({ id: services.id })
			.from(services)
			.where(
				and(
					eq(services.importId, importId),
					sql`not exists (select 1 from ${roundServices} where ${roundServices.serviceId} = ${services.id})`,
					sql`not exists (select 1 from ${assessments} where ${assessments.serviceId} = ${services.id})`,
					sql`not exists (select 1 from ${improvementActions} where ${improvementActions.serviceId} = ${services.id})`,
					sql`not exists (select 1 from ${memberships} where ${memberships.serviceId} = ${services.id})`,
					sql`not exists (select 1 from ${invitations} where ${invitations.serviceId} = ${services.id})`,
					sql`not exists (select 1 from ${auditEvents} where ${auditEvents.serviceId} = ${services.id})`
				)
			)
			.all()
			.map((s) => s.id);
		inSlices(removable, 500, (slice) =>
			tx.delete(services).where(inArray(services.id, slice)).run()
		);
		tx.update(auditImports)
			.set({ undoneAt: now, undoneBy: person.id })
			.where(eq(auditImports.id, importId))
			.run();
		recordAuditEvent(
			tx,
			{
				userId: person.id,
				organisationId,
				action: 'past_audits.import_undone',
				entityType: 'audit_import',
				entityId: importId,
				before: {
					fileName: found.fileName,
					rounds: roundIds.length,
					assessments: assessmentIds.length,
					scores: found.scores
				},
				after: { undone: true, servicesRemoved: removable.length }
			},
			now
		);
		return { ok: true };
	});
}

/** The organisation's imports of past audits, newest first, with who imported and undid them. */
export function listImports(db: Pick<Db, 'select'>, organisationId: string) {
	const importer = alias(users, 'importer');
	const undoer = alias(users, 'undoer');
	return db
		.select({
			id: auditImports.id,
			fileName: auditImports.fileName,
			frameworkId: auditImports.frameworkId,
			frameworkName: frameworks.name,
			importedAt: auditImports.importedAt,
			importedByName: importer.name,
			undoneAt: auditImports.undoneAt,
			undoneByName: undoer.name,
			rounds: auditImports.rounds,
			services: auditImports.services,
			scores: auditImports.scores
		})
		.from(auditImports)
		.innerJoin(frameworks, eq(frameworks.id, auditImports.frameworkId))
		.leftJoin(importer, eq(importer.id, auditImports.importedBy))
		.leftJoin(undoer, eq(undoer.id, auditImports.undoneBy))
		.where(eq(auditImports.organisationId, organisationId))
		.orderBy(desc(auditImports.importedAt))
		.all();
}

/** Where an imported score came from: "imported from <file> by <person> on <date>". */
export function importProvenance(db: Pick<Db, 'select'>, importId: string): string | null {
	const row = db
		.select({ fileName: auditImports.fileName, at: auditImports.importedAt, name: users.name })
		.from(auditImports)
		.leftJoin(users, eq(users.id, auditImports.importedBy))
		.where(eq(auditImports.id, importId))
		.get();
	if (!row) return null;
	return `Imported from “${row.fileName}” by ${row.name ?? 'someone whose account has gone'} on ${britishDate(londonDate(row.at))}`;
}
