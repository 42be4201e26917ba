// A national-scale, deterministic dataset for benchmarking the dashboards: many organisations,
// each with many services assessed round after round. Rows are written with raw prepared
// statements because a million agreed scores through the query builder would take minutes.
import { SERVICE_TYPES } from '$lib/domain/services';
import type { Db } from '../db/client';
import { rebuildRoundLevelCounts } from '../assessments/level-counts';
import { seededRandom, integerBetween, shuffled, type Random } from '$lib/domain/random';

export interface LargeSeedOptions {
	organisations?: number;
	servicesPerOrganisation?: number;
	rounds?: number;
	seed?: number;
}

export interface LargeSeedRowCounts {
	users: number;
	organisations: number;
	groupings: number;
	services: number;
	memberships: number;
	rounds: number;
	roundServices: number;
	assessments: number;
	agreedScores: number;
	priorities: number;
	improvementActions: number;
}

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
export const LARGE_PASSWORD_HASH = 'not-a-real-hash';

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

const MONTH_NAMES = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December'
];

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

/**
 * Fills an empty database (migrated, with the ImROC pack loaded) with a large, made-up but
 * plausible history. Throws, writing nothing, if the database already has organisations.
 */
export function seedLarge(db: Db, options: LargeSeedOptions = {}): LargeSeedSummary {
	const startedAt = performance.now();
	const {
		organisations: organisationCount,
		servicesPerOrganisation,
		rounds: roundCount,
		seed
	} = resolvedOptions(options);
	const sqlite = db.$client;

	const existing = sqlite.prepare('select count(*) from organisation').pluck().get() as number;
	if (existing > 0) {
		throw new Error(
			`The database already has ${existing} organisation(s); the large seed only fills an empty database.`
		);
	}
	const framework = readFramework(db);
	const challengeCount = framework.challenges.length;
	const topIndex = framework.levelValues.length - 1;
	const priorityCount = Math.min(PRIORITY_COUNT, challengeCount);
	const periods = roundPeriods(roundCount);
	const latestPeriod = periods[periods.length - 1];
	const setUpAt = instantOn(periods[0].start, -30, 9);
	const risePerRoundAtNormalPace = TYPICAL_RISE_OVER_HISTORY / Math.max(1, roundCount - 1);
	const openRoundCompleteCount = Math.round(servicesPerOrganisation * OPEN_ROUND_COMPLETE_SHARE);

	const insert = {
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

	const rows: LargeSeedRowCounts = {
		users: 0,
		organisations: 0,
		groupings: 0,
		services: 0,
		memberships: 0,
		rounds: 0,
		roundServices: 0,
		assessments: 0,
		agreedScores: 0,
		priorities: 0,
		improvementActions: 0
	};
	const facilitatorUserId = 'lg-u-facilitator';
	const organisationAdminUserId = 'lg-u-orgadmin';

	function addMembership(userId: string, organisationId: string, role: string) {
		rows.memberships++;
		insert.membership.run(
			`lg-m${padded(rows.memberships, 6)}`,
			userId,
			organisationId,
			role,
			setUpAt
		);
	}

	function seedOrganisation(random: Random, organisationNumber: number) {
		const organisationId = `lg-o${padded(organisationNumber, 4)}`;
		insert.organisation.run(
			organisationId,
			`Trust ${padded(organisationNumber, 3)}`,
			`LG${padded(organisationNumber, 3)}`,
			'Directorate',
			setUpAt
		);
		rows.organisations++;
		addMembership(facilitatorUserId, organisationId, 'facilitator');
		if (organisationNumber === 1)
			addMembership(organisationAdminUserId, organisationId, 'organisation_admin');

		const groupingCount = integerBetween(random, MIN_GROUPINGS, MAX_GROUPINGS);
		const groupingIds = shuffled(random, GROUPING_NAMES)
			.slice(0, groupingCount)
			.map((name, index) => {
				const groupingId = `${organisationId}-g${index + 1}`;
				insert.grouping.run(groupingId, organisationId, name);
				rows.groupings++;
				return groupingId;
			});

		const servicesOfEachType = new Map<string, number>();
		const serviceIds: string[] = [];
		const trajectories: number[][][] = [];
		for (let serviceIndex = 0; serviceIndex < servicesPerOrganisation; serviceIndex++) {
			rows.services++;
			const serviceId = `lg-s${padded(rows.services, 6)}`;
			const type = SERVICE_TYPES[Math.floor(random() * SERVICE_TYPES.length)];
			const typeNumber = (servicesOfEachType.get(type) ?? 0) + 1;
			servicesOfEachType.set(type, typeNumber);
			// Round-robin keeps every directorate populated even with few services.
			const groupingId = groupingIds[serviceIndex % groupingIds.length];
			insert.service.run(
				serviceId,
				organisationId,
				groupingId,
				`${type} ${typeNumber}`,
				type,
				setUpAt
			);
			serviceIds.push(serviceId);

			// About one service in six stalls or slips; the rest improve at different speeds.
			const pace = random() < 0.15 ? -0.4 + random() * 0.6 : 0.4 + random() * 1.2;
			const start = random() * 1.2;
			trajectories.push(
				framework.challenges.map((challenge) => {
					const challengePace = SLOW_CHALLENGE_KEYS.has(challenge.key) ? pace * 0.5 : pace;
					const challengeStart = start + (random() - 0.5) * 0.8;
					return scoreTrajectory(
						random,
						challengeStart,
						challengePace * risePerRoundAtNormalPace,
						roundCount,
						topIndex
					);
				})
			);
		}

		const completeInOpenRound = new Set(
			shuffled(random, serviceIds).slice(0, openRoundCompleteCount)
		);
		/** Per service, the latest complete assessment, its completion day and its priorities. */
		const latestComplete = new Map<
			string,
			{ assessmentId: string; completedAt: number; priorities: number[] }
		>();

		periods.forEach((period, roundIndex) => {
			rows.rounds++;
			const roundId = `lg-r${padded(rows.rounds, 6)}`;
			const isOpen = roundIndex === periods.length - 1;
			const openedAt = instantOn(period.start, 0, 9);
			insert.round.run(
				roundId,
				organisationId,
				framework.id,
				period.title,
				period.start,
				period.end,
				isOpen ? 'open' : 'closed',
				instantOn(period.start, -21),
				openedAt,
				isOpen ? null : instantOn(period.end, 0, 17)
			);

			serviceIds.forEach((serviceId, serviceIndex) => {
				insert.roundService.run(roundId, serviceId);
				rows.roundServices++;
				rows.assessments++;
				const assessmentId = `lg-a${padded(rows.assessments, 8)}`;
				const complete = !isOpen || completeInOpenRound.has(serviceId);
				const completedAt = complete
					? instantOn(period.start, integerBetween(random, 30, isOpen ? 60 : 150))
					: null;
				insert.assessment.run(
					assessmentId,
					roundId,
					serviceId,
					complete ? 'complete' : 'in_progress',
					completedAt,
					openedAt
				);
				if (completedAt === null) return;

				const positions = trajectories[serviceIndex].map((trajectory) => trajectory[roundIndex]);
				framework.challenges.forEach((challenge, challengeIndex) => {
					const position = positions[challengeIndex];
					insert.agreedScore.run(
						assessmentId,
						challenge.id,
						framework.levelValues[position],
						evidenceFor(random, position, topIndex),
						completedAt
					);
				});
				rows.agreedScores += challengeCount;

				const priorities = priorityChallenges(random, positions, priorityCount);
				priorities.forEach((challengeIndex, rankIndex) => {
					insert.priority.run(assessmentId, rankIndex + 1, framework.challenges[challengeIndex].id);
				});
				rows.priorities += priorities.length;
				latestComplete.set(serviceId, { assessmentId, completedAt, priorities });
			});
		});

		// A couple of actions per service, prompted by its latest complete assessment and due at
		// the end of the open round, so the action dashboards have something current to show.
		for (const serviceId of serviceIds) {
			const prompt = latestComplete.get(serviceId);
			if (!prompt) continue;
			const actionCount = Math.min(
				integerBetween(random, 0, MAX_ACTIONS_PER_SERVICE),
				prompt.priorities.length
			);
			for (let i = 0; i < actionCount; i++) {
				rows.improvementActions++;
				const challenge = framework.challenges[prompt.priorities[i]];
				const statusRoll = random();
				const status =
					statusRoll < 0.4 ? 'not_started' : statusRoll < 0.85 ? 'in_progress' : 'done';
				const closedAt = status === 'done' ? instantOn(isoDate(prompt.completedAt), 45) : null;
				insert.improvementAction.run(
					`lg-i${padded(rows.improvementActions, 6)}`,
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

	const seedEverything = sqlite.transaction(() => {
		insert.user.run(
			facilitatorUserId,
			LARGE_FACILITATOR_EMAIL,
			'Large Facilitator',
			LARGE_PASSWORD_HASH,
			setUpAt
		);
		insert.user.run(
			organisationAdminUserId,
			LARGE_ORGANISATION_ADMIN_EMAIL,
			'Large Organisation Admin',
			LARGE_PASSWORD_HASH,
			setUpAt
		);
		rows.users = 2;
		const random = seededRandom(seed);
		for (
			let organisationNumber = 1;
			organisationNumber <= organisationCount;
			organisationNumber++
		) {
			seedOrganisation(random, organisationNumber);
		}
	});

	// Durability does not matter while generating a throwaway benchmark file (a failed run is
	// rerun with --reset), and an in-memory rollback journal avoids writing every page twice.
	const previousJournalMode = sqlite.pragma('journal_mode', { simple: true }) as string;
	const previousSynchronous = sqlite.pragma('synchronous', { simple: true }) as number;
	const previousCacheSize = sqlite.pragma('cache_size', { simple: true }) as number;
	sqlite.pragma('journal_mode = MEMORY');
	sqlite.pragma('synchronous = OFF');
	sqlite.pragma('cache_size = -262144'); // 256 MiB
	try {
		seedEverything();
		rebuildRoundLevelCounts(db);
		sqlite.exec('ANALYZE');
	} finally {
		sqlite.pragma(`cache_size = ${previousCacheSize}`);
		sqlite.pragma(`synchronous = ${previousSynchronous}`);
		sqlite.pragma(`journal_mode = ${previousJournalMode}`);
	}

	const totalRows = Object.values(rows).reduce((sum, count) => sum + count, 0);
	return {
		rows,
		totalRows,
		facilitatorUserId,
		organisationAdminUserId,
		elapsedMs: performance.now() - startedAt
	};
}
