// A national-scale, deterministic dataset for benchmarking the dashboards: many organisations,
// each with many services assessed round after round. Rows are written with raw prepared
// statements because a million agreed scores through the query builder would take minutes.
import { SERVICE_TYPES } from '$lib/domain/services';
import { MONTH_NAMES } from '$lib/domain/dates';
import type { Db } from '../db/client';
import { rebuildRoundLevelCounts } from '../assessments/level-counts';
import { seededRandom, integerBetween, shuffled, type Random } from './random';

export interface LargeSeedOptions {
	organisations?: number;
	servicesPerOrganisation?: number;
	rounds?: number;
	seed?: number;
}

const ROW_COUNT_NAMES = [
	'users',
	'organisations',
	'groupings',
	'services',
	'memberships',
	'rounds',
	'roundServices',
	'assessments',
	'agreedScores',
	'priorities',
	'improvementActions'
] as const;

export type LargeSeedRowCounts = Record<(typeof ROW_COUNT_NAMES)[number], number>;

export interface LargeSeedSummary {
	rows: LargeSeedRowCounts;
	totalRows: number;
	facilitatorUserId: string;
	organisationAdminUserId: string;
	elapsedMs: number;
}

export const LARGE_SEED_DEFAULTS = {
	organisations: 100,
	servicesPerOrganisation: 50,
	rounds: 20,
	seed: 1
} as const;

export const LARGE_FACILITATOR_EMAIL = 'facilitator@large.example';
export const LARGE_ORGANISATION_ADMIN_EMAIL = 'orgadmin@large.example';
/** Nobody can sign in with these accounts; they exist so benchmarks can act as someone. */
const LARGE_PASSWORD_HASH = 'not-a-real-hash';

const FRAMEWORK_PACK_KEY = 'imroc-2010';

/** The latest round starts here; earlier ones start every six months before it. */
const LATEST_ROUND_START = '2026-04-01';
const MONTHS_BETWEEN_ROUNDS = 6;

/** Share of services that have finished their assessment in the open round. */
const OPEN_ROUND_COMPLETE_SHARE = 0.7;
const PRIORITY_COUNT = 3;
const MAX_ACTIONS_PER_SERVICE = 2;

/** How far up the scale (in levels) a typical service climbs over the whole history. */
const TYPICAL_RISE_OVER_HISTORY = 2;
/** Risk practice and the workforce hang on trust-wide decisions, so teams move on them more slowly. */
const SLOW_CHALLENGE_KEYS = new Set(['risk', 'workforce']);

const GROUPING_NAMES = [
	'Adult community services',
	'Acute and urgent care',
	'Specialist services',
	'Older adults',
	'Children, young people and families',
	'Forensic and secure services',
	'Rehabilitation and recovery',
	'Learning disability and autism'
];
const MIN_GROUPINGS = 3;
const MAX_GROUPINGS = 6;

/** Short evidence notes by how far up the scale a level sits; about half the scores have none. */
const EVIDENCE_BY_STAGE = [
	['Not yet discussed by the team.', 'Little evidence in the care plans sampled.'],
	['Discussed at team meetings; a pilot is planned.', 'A small working group has started.'],
	['Seen in about half the care plans sampled.', 'Most staff use the new approach.'],
	['Embedded and confirmed by service user feedback.', 'Sustained for over a year.']
];

const ACTION_OWNERS = [
	'Team manager',
	'Peer support lead',
	'Clinical lead',
	'Service user representative'
];

const padded = (value: number, width: number) => String(value).padStart(width, '0');

function isoDate(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

function addMonths(isoDay: string, months: number): string {
	const [year, month, day] = isoDay.split('-').map(Number);
	return isoDate(Date.UTC(year, month - 1 + months, day));
}

/** UTC milliseconds for an hour on a calendar day, optionally some days later. */
function instantOn(isoDay: string, daysLater = 0, hour = 10): number {
	const [year, month, day] = isoDay.split('-').map(Number);
	return Date.UTC(year, month - 1, day + daysLater, hour);
}

interface RoundPeriod {
	title: string;
	start: string;
	end: string;
}

/** Oldest first; the last one starts on LATEST_ROUND_START. */
function roundPeriods(count: number): RoundPeriod[] {
	return Array.from({ length: count }, (_, index) => {
		const start = addMonths(LATEST_ROUND_START, -MONTHS_BETWEEN_ROUNDS * (count - 1 - index));
		const end = isoDate(instantOn(addMonths(start, MONTHS_BETWEEN_ROUNDS), -1, 0));
		const [year, month] = start.split('-').map(Number);
		return { title: `${MONTH_NAMES[month - 1]} ${year} recovery audit`, start, end };
	});
}

interface Framework {
	id: string;
	challenges: { id: string; key: string; shortLabel: string }[];
	levelValues: number[];
}

function readFramework(db: Db): Framework {
	const sqlite = db.$client;
	const framework = sqlite
		.prepare('select id from framework where pack_key = ? order by version desc limit 1')
		.get(FRAMEWORK_PACK_KEY) as { id: string } | undefined;
	if (!framework) {
		throw new Error(
			`The '${FRAMEWORK_PACK_KEY}' framework pack must be loaded (loadBuiltInPacks) before seeding.`
		);
	}
	const challenges = sqlite
		.prepare(
			'select id, pack_challenge_key as key, short_label as shortLabel from challenge where framework_id = ? order by position'
		)
		.all(framework.id) as Framework['challenges'];
	const levelValues = sqlite
		.prepare('select value from level where framework_id = ? order by value')
		.pluck()
		.all(framework.id) as number[];
	if (challenges.length === 0 || levelValues.length === 0) {
		throw new Error(`The '${FRAMEWORK_PACK_KEY}' framework has no challenges or no levels.`);
	}
	return { id: framework.id, challenges, levelValues };
}

function resolvedOptions(options: LargeSeedOptions) {
	const resolved = { ...LARGE_SEED_DEFAULTS, ...options };
	for (const name of ['organisations', 'servicesPerOrganisation', 'rounds'] as const) {
		const value = resolved[name];
		if (!Number.isInteger(value) || value < 1)
			throw new Error(`${name} must be a whole number of at least 1, not ${value}.`);
	}
	if (!Number.isInteger(resolved.seed) || resolved.seed < 0 || resolved.seed > 0xffff_ffff) {
		throw new Error(`seed must be a whole number from 0 to ${0xffff_ffff}, not ${resolved.seed}.`);
	}
	return resolved;
}

/**
 * Scale positions (0 = lowest level) for every round of one service on one challenge: a hidden
 * value that climbs at the service's pace and wanders a little, read with some noise each round,
 * so most services improve, some stall or slip, and no trend is perfectly smooth.
 */
function scoreTrajectory(
	random: Random,
	start: number,
	risePerRound: number,
	roundCount: number,
	topIndex: number
): number[] {
	const positions: number[] = [];
	let hidden = start;
	for (let round = 0; round < roundCount; round++) {
		const observed = Math.round(hidden + (random() - 0.5) * 0.8);
		positions.push(Math.min(topIndex, Math.max(0, observed)));
		hidden += risePerRound + (random() - 0.5) * 0.3;
	}
	return positions;
}

function evidenceFor(random: Random, position: number, topIndex: number): string {
	if (random() < 0.5) return '';
	const stage = Math.round((position / Math.max(1, topIndex)) * (EVIDENCE_BY_STAGE.length - 1));
	const options = EVIDENCE_BY_STAGE[stage];
	return options[Math.floor(random() * options.length)];
}

/** Indexes of the lowest-scored challenges, ties broken at random: what a team would pick to work on. */
function priorityChallenges(random: Random, positions: number[], count: number): number[] {
	return positions
		.map((position, index) => ({ index, key: position + random() * 0.9 }))
		.sort((a, b) => a.key - b.key)
		.slice(0, count)
		.map((entry) => entry.index);
}

function prepareInserts(sqlite: Db['$client']) {
	return {
		user: sqlite.prepare(
			'insert into "user" (id, email, name, password_hash, is_platform_admin, created_at) values (?, ?, ?, ?, 0, ?)'
		),
		organisation: sqlite.prepare(
			'insert into organisation (id, name, ods_code, grouping_label, created_at) values (?, ?, ?, ?, ?)'
		),
		grouping: sqlite.prepare('insert into "grouping" (id, organisation_id, name) values (?, ?, ?)'),
		service: sqlite.prepare(
			'insert into service (id, organisation_id, grouping_id, name, type, created_at) values (?, ?, ?, ?, ?, ?)'
		),
		membership: sqlite.prepare(
			'insert into membership (id, user_id, organisation_id, service_id, role, created_at) values (?, ?, ?, null, ?, ?)'
		),
		round: sqlite.prepare(
			'insert into round (id, organisation_id, framework_id, title, period_start, period_end, status, created_at, opened_at, closed_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
		),
		roundService: sqlite.prepare('insert into round_service (round_id, service_id) values (?, ?)'),
		assessment: sqlite.prepare(
			'insert into assessment (id, round_id, service_id, status, completed_at, created_at) values (?, ?, ?, ?, ?, ?)'
		),
		agreedScore: sqlite.prepare(
			'insert into agreed_score (assessment_id, challenge_id, level, evidence, updated_at) values (?, ?, ?, ?, ?)'
		),
		priority: sqlite.prepare(
			'insert into priority (assessment_id, rank, challenge_id) values (?, ?, ?)'
		),
		improvementAction: sqlite.prepare(
			`insert into improvement_action (id, organisation_id, service_id, challenge_id, assessment_id, title, description,
				owner_name, start_date, due_date, status, outcome, closed_at, created_at, updated_at)
			values (?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?)`
		)
	};
}

const FACILITATOR_USER_ID = 'lg-u-facilitator';
const ORGANISATION_ADMIN_USER_ID = 'lg-u-orgadmin';

/** What seeding every organisation shares: the statements, the settings, the rows so far. */
interface Seeding {
	insert: ReturnType<typeof prepareInserts>;
	rows: LargeSeedRowCounts;
	framework: Framework;
	servicesPerOrganisation: number;
	roundCount: number;
	periods: RoundPeriod[];
	setUpAt: number;
}

/** Per service, the latest complete assessment, its completion day and its priorities. */
type LatestComplete = Map<
	string,
	{ assessmentId: string; completedAt: number; priorities: number[] }
>;

function addMembership(s: Seeding, userId: string, organisationId: string, role: string) {
	s.rows.memberships++;
	s.insert.membership.run(
		`lg-m${padded(s.rows.memberships, 6)}`,
		userId,
		organisationId,
		role,
		s.setUpAt
	);
}

function addGroupings(s: Seeding, random: Random, organisationId: string): string[] {
	const groupingCount = integerBetween(random, MIN_GROUPINGS, MAX_GROUPINGS);
	return shuffled(random, GROUPING_NAMES)
		.slice(0, groupingCount)
		.map((name, index) => {
			const groupingId = `${organisationId}-g${index + 1}`;
			s.insert.grouping.run(groupingId, organisationId, name);
			s.rows.groupings++;
			return groupingId;
		});
}

/**
 * The organisation's services, and for each its scale positions per challenge and round. About
 * one service in six stalls or slips; the rest improve at different speeds.
 */
function addServices(s: Seeding, random: Random, organisationId: string, groupingIds: string[]) {
	const risePerRoundAtNormalPace = TYPICAL_RISE_OVER_HISTORY / Math.max(1, s.roundCount - 1);
	const topIndex = s.framework.levelValues.length - 1;
	const servicesOfEachType = new Map<string, number>();
	const serviceIds: string[] = [];
	const trajectories: number[][][] = [];
	for (let serviceIndex = 0; serviceIndex < s.servicesPerOrganisation; serviceIndex++) {
		s.rows.services++;
		const serviceId = `lg-s${padded(s.rows.services, 6)}`;
		const type = SERVICE_TYPES[Math.floor(random() * SERVICE_TYPES.length)];
		const typeNumber = (servicesOfEachType.get(type) ?? 0) + 1;
		servicesOfEachType.set(type, typeNumber);
		// Round-robin keeps every directorate populated even with few services.
		const groupingId = groupingIds[serviceIndex % groupingIds.length];
		const name = `${type} ${typeNumber}`;
		s.insert.service.run(serviceId, organisationId, groupingId, name, type, s.setUpAt);
		serviceIds.push(serviceId);

		const pace = random() < 0.15 ? -0.4 + random() * 0.6 : 0.4 + random() * 1.2;
		const start = random() * 1.2;
		trajectories.push(
			s.framework.challenges.map((challenge) => {
				const challengePace = SLOW_CHALLENGE_KEYS.has(challenge.key) ? pace * 0.5 : pace;
				const challengeStart = start + (random() - 0.5) * 0.8;
				const rise = challengePace * risePerRoundAtNormalPace;
				return scoreTrajectory(random, challengeStart, rise, s.roundCount, topIndex);
			})
		);
	}
	return { serviceIds, trajectories };
}

/** A completed assessment's agreed scores and priorities. */
function addScores(
	s: Seeding,
	random: Random,
	assessmentId: string,
	positions: number[],
	completedAt: number
): number[] {
	const { challenges, levelValues } = s.framework;
	const topIndex = levelValues.length - 1;
	challenges.forEach((challenge, challengeIndex) => {
		const position = positions[challengeIndex];
		const evidence = evidenceFor(random, position, topIndex);
		s.insert.agreedScore.run(
			assessmentId,
			challenge.id,
			levelValues[position],
			evidence,
			completedAt
		);
	});
	s.rows.agreedScores += challenges.length;
	const priorityCount = Math.min(PRIORITY_COUNT, challenges.length);
	const priorities = priorityChallenges(random, positions, priorityCount);
	priorities.forEach((challengeIndex, rankIndex) => {
		s.insert.priority.run(assessmentId, rankIndex + 1, challenges[challengeIndex].id);
	});
	s.rows.priorities += priorities.length;
	return priorities;
}

/** One round of the organisation, every service's assessment in it, complete or (when open) not yet. */
function addRound(
	s: Seeding,
	random: Random,
	organisationId: string,
	roundIndex: number,
	services: { serviceIds: string[]; trajectories: number[][][]; completeInOpenRound: Set<string> },
	latestComplete: LatestComplete
) {
	const period = s.periods[roundIndex];
	s.rows.rounds++;
	const roundId = `lg-r${padded(s.rows.rounds, 6)}`;
	const isOpen = roundIndex === s.periods.length - 1;
	const openedAt = instantOn(period.start, 0, 9);
	s.insert.round.run(
		roundId,
		organisationId,
		s.framework.id,
		period.title,
		period.start,
		period.end,
		isOpen ? 'open' : 'closed',
		instantOn(period.start, -21),
		openedAt,
		isOpen ? null : instantOn(period.end, 0, 17)
	);
	services.serviceIds.forEach((serviceId, serviceIndex) => {
		s.insert.roundService.run(roundId, serviceId);
		s.rows.roundServices++;
		s.rows.assessments++;
		const assessmentId = `lg-a${padded(s.rows.assessments, 8)}`;
		const complete = !isOpen || services.completeInOpenRound.has(serviceId);
		const completedAt = complete
			? instantOn(period.start, integerBetween(random, 30, isOpen ? 60 : 150))
			: null;
		const status = complete ? 'complete' : 'in_progress';
		s.insert.assessment.run(assessmentId, roundId, serviceId, status, completedAt, openedAt);
		if (completedAt === null) return;
		const positions = services.trajectories[serviceIndex].map((t) => t[roundIndex]);
		const priorities = addScores(s, random, assessmentId, positions, completedAt);
		latestComplete.set(serviceId, { assessmentId, completedAt, priorities });
	});
}

/**
 * A couple of actions per service, prompted by its latest complete assessment and due at the end
 * of the open round, so the action dashboards have something current to show.
 */
function addActions(
	s: Seeding,
	random: Random,
	organisationId: string,
	serviceIds: string[],
	latestComplete: LatestComplete
) {
	const latestPeriod = s.periods[s.periods.length - 1];
	for (const serviceId of serviceIds) {
		const prompt = latestComplete.get(serviceId);
		if (!prompt) continue;
		const actionCount = Math.min(
			integerBetween(random, 0, MAX_ACTIONS_PER_SERVICE),
			prompt.priorities.length
		);
		for (let i = 0; i < actionCount; i++) {
			s.rows.improvementActions++;
			const challenge = s.framework.challenges[prompt.priorities[i]];
			const statusRoll = random();
			const status = statusRoll < 0.4 ? 'not_started' : statusRoll < 0.85 ? 'in_progress' : 'done';
			const closedAt = status === 'done' ? instantOn(isoDate(prompt.completedAt), 45) : null;
			s.insert.improvementAction.run(
				`lg-i${padded(s.rows.improvementActions, 6)}`,
				organisationId,
				serviceId,
				challenge.id,
				prompt.assessmentId,
				`${challenge.shortLabel}: next step`,
				ACTION_OWNERS[Math.floor(random() * ACTION_OWNERS.length)],
				isoDate(prompt.completedAt),
				latestPeriod.end,
				status,
				status === 'done' ? 'Completed and reviewed at the team meeting.' : '',
				closedAt,
				prompt.completedAt,
				closedAt ?? prompt.completedAt
			);
		}
	}
}

function seedOrganisation(s: Seeding, random: Random, organisationNumber: number) {
	const organisationId = `lg-o${padded(organisationNumber, 4)}`;
	s.insert.organisation.run(
		organisationId,
		`Trust ${padded(organisationNumber, 3)}`,
		`LG${padded(organisationNumber, 3)}`,
		'Directorate',
		s.setUpAt
	);
	s.rows.organisations++;
	addMembership(s, FACILITATOR_USER_ID, organisationId, 'facilitator');
	if (organisationNumber === 1)
		addMembership(s, ORGANISATION_ADMIN_USER_ID, organisationId, 'organisation_admin');
	const groupingIds = addGroupings(s, random, organisationId);
	const { serviceIds, trajectories } = addServices(s, random, organisationId, groupingIds);
	const openRoundCompleteCount = Math.round(s.servicesPerOrganisation * OPEN_ROUND_COMPLETE_SHARE);
	const completeInOpenRound = new Set(
		shuffled(random, serviceIds).slice(0, openRoundCompleteCount)
	);
	const latestComplete: LatestComplete = new Map();
	const services = { serviceIds, trajectories, completeInOpenRound };
	s.periods.forEach((_, roundIndex) =>
		addRound(s, random, organisationId, roundIndex, services, latestComplete)
	);
	addActions(s, random, organisationId, serviceIds, latestComplete);
}

/** Runs the whole seed in one transaction, with the journal and syncing a throwaway file does not need. */
function fastly(db: Db, seedEverything: () => void) {
	const sqlite = db.$client;
	// Durability does not matter while generating a throwaway benchmark file (a failed run is
	// rerun with --reset), and an in-memory rollback journal avoids writing every page twice.
	const previousJournalMode = sqlite.pragma('journal_mode', { simple: true }) as string;
	const previousSynchronous = sqlite.pragma('synchronous', { simple: true }) as number;
	const previousCacheSize = sqlite.pragma('cache_size', { simple: true }) as number;
	sqlite.pragma('journal_mode = MEMORY');
	sqlite.pragma('synchronous = OFF');
	sqlite.pragma('cache_size = -262144'); // 256 MiB
	try {
		sqlite.transaction(seedEverything)();
		rebuildRoundLevelCounts(db);
		sqlite.exec('ANALYZE');
	} finally {
		sqlite.pragma(`cache_size = ${previousCacheSize}`);
		sqlite.pragma(`synchronous = ${previousSynchronous}`);
		sqlite.pragma(`journal_mode = ${previousJournalMode}`);
	}
}

/**
 * Fills an empty database (migrated, with the ImROC pack loaded) with a large, made-up but
 * plausible history. Throws, writing nothing, if the database already has organisations.
 */
export function seedLarge(db: Db, options: LargeSeedOptions = {}): LargeSeedSummary {
	const startedAt = performance.now();
	const resolved = resolvedOptions(options);
	const sqlite = db.$client;
	const existing = sqlite.prepare('select count(*) from organisation').pluck().get() as number;
	if (existing > 0) {
		throw new Error(
			`The database already has ${existing} organisation(s); the large seed only fills an empty database.`
		);
	}
	const periods = roundPeriods(resolved.rounds);
	const s: Seeding = {
		insert: prepareInserts(sqlite),
		rows: Object.fromEntries(ROW_COUNT_NAMES.map((name) => [name, 0])) as LargeSeedRowCounts,
		framework: readFramework(db),
		servicesPerOrganisation: resolved.servicesPerOrganisation,
		roundCount: resolved.rounds,
		periods,
		setUpAt: instantOn(periods[0].start, -30, 9)
	};
	fastly(db, () => {
		s.insert.user.run(
			FACILITATOR_USER_ID,
			LARGE_FACILITATOR_EMAIL,
			'Large Facilitator',
			LARGE_PASSWORD_HASH,
			s.setUpAt
		);
		s.insert.user.run(
			ORGANISATION_ADMIN_USER_ID,
			LARGE_ORGANISATION_ADMIN_EMAIL,
			'Large Organisation Admin',
			LARGE_PASSWORD_HASH,
			s.setUpAt
		);
		s.rows.users = 2;
		const random = seededRandom(resolved.seed);
		for (let n = 1; n <= resolved.organisations; n++) seedOrganisation(s, random, n);
	});
	const totalRows = Object.values(s.rows).reduce((sum, count) => sum + count, 0);
	return {
		rows: s.rows,
		totalRows,
		facilitatorUserId: FACILITATOR_USER_ID,
		organisationAdminUserId: ORGANISATION_ADMIN_USER_ID,
		elapsedMs: performance.now() - startedAt
	};
}
