import { asc, desc, eq } from 'drizzle-orm';
import type { ServiceType } from '$lib/domain/services';
import type { Role } from '../access/policy';
import { hashPassword } from '../auth/password';
import type { Db, Tx } from '../db/client';
import {
	actionReviews,
	auditEvents,
	agreedScores,
	assessmentRaters,
	assessments,
	challenges,
	frameworks,
	groupings,
	improvementActions,
	levels,
	memberships,
	organisations,
	priorities,
	strengths,
	ratings,
	roundServices,
	rounds,
	services,
	users
} from '../db/schema';
import { newId } from '../ids';
import { rebuildRoundLevelCounts } from '../assessments/level-counts';
import { recordAuditEvent } from '../audit/record';
import { seededRandom, integerBetween, pick, shuffled, type Random } from './random';
import { addSecondPackRound, insertDemoPack } from './second-pack';

export interface DemoAccount {
	role: string;
	email: string;
	password: string;
	name: string;
}

interface DemoPerson {
	account: DemoAccount;
	isPlatformAdmin: boolean;
	/** organisation is an index into DEMO_ORGANISATIONS; inDemoService ties the role to DEMO_SERVICE_NAME. */
	memberships: { organisation: number; role: Role; inDemoService?: boolean }[];
}

interface DemoOrganisation {
	name: string;
	groupingLabel: string;
	groupings: { name: string; services: { name: string; type: ServiceType }[] }[];
}

const FRAMEWORK_PACK_KEY = 'imroc-2010';

/** The service in the first organisation that the service lead and rater accounts belong to. */
const DEMO_SERVICE_NAME = 'Ashford Community Mental Health Team';

const DEMO_PEOPLE: DemoPerson[] = [
	{
		account: {
			role: 'Platform administrator',
			email: 'admin@demo.example',
			password: 'demo-admin-2026',
			name: 'Priya Shah'
		},
		isPlatformAdmin: true,
		memberships: [{ organisation: 0, role: 'organisation_admin' }]
	},
	{
		account: {
			role: 'Organisation administrator',
			email: 'orgadmin@demo.example',
			password: 'demo-orgadmin-2026',
			name: 'Tom Whitfield'
		},
		isPlatformAdmin: false,
		memberships: [{ organisation: 0, role: 'organisation_admin' }]
	},
	{
		account: {
			role: 'Service lead',
			email: 'lead@demo.example',
			password: 'demo-lead-2026',
			name: 'Grace Okafor'
		},
		isPlatformAdmin: false,
		memberships: [{ organisation: 0, role: 'service_lead', inDemoService: true }]
	},
	{
		account: {
			role: 'Rater',
			email: 'rater@demo.example',
			password: 'demo-rater-2026',
			name: 'Dan Evans'
		},
		isPlatformAdmin: false,
		memberships: [{ organisation: 0, role: 'rater', inDemoService: true }]
	},
	{
		account: {
			role: 'Facilitator',
			email: 'facilitator@demo.example',
			password: 'demo-facilitator-2026',
			name: 'Aisha Rahman'
		},
		isPlatformAdmin: false,
		memberships: [
			{ organisation: 0, role: 'facilitator' },
			{ organisation: 1, role: 'facilitator' }
		]
	},
	{
		account: {
			role: 'Viewer',
			email: 'viewer@demo.example',
			password: 'demo-viewer-2026',
			name: 'Martin Lloyd'
		},
		isPlatformAdmin: false,
		memberships: [{ organisation: 0, role: 'viewer' }]
	}
];

export const DEMO_ACCOUNTS: DemoAccount[] = DEMO_PEOPLE.map((person) => person.account);

const DEMO_ORGANISATIONS: DemoOrganisation[] = [
	{
		name: 'Northmoor Mental Health NHS Foundation Trust',
		groupingLabel: 'Directorate',
		groupings: [
			{
				name: 'Adult community services',
				services: [
					{ name: DEMO_SERVICE_NAME, type: 'Community mental health team' },
					{
						name: 'Northmoor Early Intervention in Psychosis Service',
						type: 'Early intervention in psychosis'
					},
					{
						name: 'Ashford Employment Support Service',
						type: 'Individual placement and support (employment)'
					},
					{ name: 'Moorside Peer Support Service', type: 'Peer support service' }
				]
			},
			{
				name: 'Acute and urgent care',
				services: [
					{ name: 'Willow Ward (acute inpatient)', type: 'Acute inpatient ward' },
					{
						name: 'Beech Ward (psychiatric intensive care)',
						type: 'Psychiatric intensive care unit'
					},
					{
						name: 'Northmoor Crisis Resolution and Home Treatment Team',
						type: 'Crisis resolution and home treatment'
					}
				]
			},
			{
				name: 'Specialist services',
				services: [
					{ name: 'Larch House Rehabilitation Unit', type: 'Rehabilitation' },
					{ name: 'Northmoor Recovery College', type: 'Recovery college' },
					{ name: 'Heathfield Eating Disorders Service', type: 'Eating disorders' }
				]
			},
			{
				name: 'Older adults',
				services: [{ name: 'Heather Ward (older adults)', type: 'Older adults' }]
			}
		]
	},
	{
		name: 'Riverside and Vale Partnership NHS Trust',
		groupingLabel: 'Care group',
		groupings: [
			{
				name: 'Adult mental health',
				services: [
					{ name: 'Riverside Community Mental Health Team', type: 'Community mental health team' },
					{ name: 'Vale Community Mental Health Team', type: 'Community mental health team' },
					{
						name: 'Riverside Crisis and Home Treatment Team',
						type: 'Crisis resolution and home treatment'
					},
					{ name: 'Vale Early Intervention Team', type: 'Early intervention in psychosis' }
				]
			},
			{
				name: 'Inpatient and rehabilitation',
				services: [
					{ name: 'Kingfisher Ward (acute inpatient)', type: 'Acute inpatient ward' },
					{ name: 'Heron Ward (acute inpatient)', type: 'Acute inpatient ward' },
					{ name: 'Otterbrook Rehabilitation Service', type: 'Rehabilitation' },
					{ name: 'Mallard Unit (low secure)', type: 'Forensic or secure service' }
				]
			},
			{
				name: 'Children, young people and families',
				services: [
					{ name: 'Riverside CAMHS', type: 'Child and adolescent (CAMHS)' },
					{ name: 'Vale Perinatal Mental Health Service', type: 'Perinatal' }
				]
			}
		]
	},
	{
		name: 'Eastgate Community Care NHS Trust',
		groupingLabel: 'Locality',
		groupings: [
			{
				name: 'Eastgate North',
				services: [
					{
						name: 'Eastgate North Community Mental Health Team',
						type: 'Community mental health team'
					},
					{ name: 'Northgate Memory and Older Adults Team', type: 'Older adults' },
					{ name: 'Eastgate Learning Disability Team', type: 'Learning disability' }
				]
			},
			{
				name: 'Eastgate South',
				services: [
					{
						name: 'Eastgate South Community Mental Health Team',
						type: 'Community mental health team'
					},
					{ name: 'Southbank Early Intervention Service', type: 'Early intervention in psychosis' },
					{
						name: 'Eastgate Crisis Resolution and Home Treatment Team',
						type: 'Crisis resolution and home treatment'
					}
				]
			},
			{
				name: 'Harbourside',
				services: [
					{
						name: 'Harbourside Community Mental Health Team',
						type: 'Community mental health team'
					},
					{ name: 'Lighthouse Ward (acute inpatient)', type: 'Acute inpatient ward' },
					{ name: 'Harbourside Eating Disorders Service', type: 'Eating disorders' }
				]
			},
			{
				name: 'Trust-wide',
				services: [
					{ name: 'Eastgate Recovery College', type: 'Recovery college' },
					{
						name: 'Eastgate Individual Placement and Support Service',
						type: 'Individual placement and support (employment)'
					},
					{
						name: 'Open Door Wellbeing Hub (voluntary-sector partner)',
						type: 'Voluntary-sector partner service'
					}
				]
			}
		]
	}
];

/** Half-yearly rounds over three years; only the last is still open. */
const ROUND_PERIODS = [2024, 2025, 2026].flatMap((year) => [
	{ title: `Spring ${year} recovery audit`, start: `${year}-01-01`, end: `${year}-06-30` },
	{ title: `Autumn ${year} recovery audit`, start: `${year}-07-01`, end: `${year}-12-31` }
]);

/** When the demo organisations and their services were set up, before the first round. */
const SETUP_DAY = '2023-11-06';

/** Risk practice and the workforce hang on trust-wide policy and recruitment, so a team moves on them more slowly. */
const SLOW_CHALLENGE_KEYS = new Set(['risk', 'workforce']);
const RISE_CHANCE = 0.45;
const SLOW_RISE_CHANCE = 0.2;
const DROP_CHANCE = 0.06;

const RANDOM_SEED = 20_240_101;

/** Evidence wording by how far up the scale a level sits, so the text matches the score. */
const EVIDENCE = {
	notStarted: [
		'Not yet on the team agenda; raised at the last business meeting.',
		'No changes made so far; the team agreed to look at this next round.',
		'Little evidence found in the care plan sample or team meeting minutes.'
	],
	early: [
		'Discussed at team meetings and a first pilot is planned.',
		'Staff are committed to act; a small working group has been set up.',
		'Early plans agreed with peer support workers but not yet in routine practice.'
	],
	developing: [
		'Changes under way in parts of the service, seen in about half the care plans sampled.',
		'Service user feedback shows improvement, though practice is not yet consistent across the team.',
		'New approach used by most staff; the team is still working on keeping it going.'
	],
	embedded: [
		'Embedded in everyday practice and confirmed by service user and carer feedback.',
		'Sustained for over a year; the care plan audit and staff survey both show it.',
		'Part of routine practice across the team and reviewed at every team meeting.'
	]
};
const EVIDENCE_AWAITING_LEVEL = 'Discussed at the team meeting; the level is still to be agreed.';

/** A first step for each challenge, worded as teams write their plans. */
const ACTION_IDEAS: Record<string, string[]> = {
	'day-to-day-interactions': [
		'Use recovery-focused language in every care plan review',
		'Co-produce a one-page "about me" for each person'
	],
	'education-and-training': [
		'Send two staff on the recovery college co-facilitation course',
		'Add recovery training to the induction for new staff'
	],
	'recovery-college': [
		'Co-deliver a "Understanding recovery" course with the recovery college',
		'Invite people using the service to recovery college taster days'
	],
	'commitment-culture-leadership': [
		'Add recovery to the team business meeting agenda each month',
		'Ask the directorate lead to sponsor the team recovery plan'
	],
	'personalisation-and-choice': [
		'Offer personal budgets information at every review',
		'Trial choice of appointment times and places'
	],
	risk: [
		'Pilot shared safety plans written with the person',
		'Review risk assessments for positive risk-taking'
	],
	'user-involvement': [
		'Involve people using the service in staff interviews',
		'Set up a monthly service user and carer forum'
	],
	workforce: [
		'Recruit a second peer support worker',
		'Include lived experience in job descriptions'
	],
	'supporting-staff': [
		'Start monthly reflective practice sessions',
		'Offer staff wellbeing action plans'
	],
	'life-beyond-illness': [
		'Build links with the local employment support service',
		'Map community groups for housing, leisure and faith'
	]
};

const ACTION_OWNERS = [
	'Sam Patel, peer support worker',
	'Jo Evans, carer representative',
	'Dr Amara Lewis, consultant psychiatrist',
	'Chris Nolan, team manager',
	'Ruth Hughes, occupational therapist',
	'Dev Sharma, service user representative'
];

/** The round whose priorities the demo plans turn into actions: the last one before the open round. */
const PLAN_ROUND_INDEX = ROUND_PERIODS.length - 2;

type OpenRoundProgress = 'complete' | 'in_progress' | 'not_started';

/** An instant on a calendar day (UTC), optionally some days later. */
function onDay(isoDate: string, daysLater = 0, hour = 10): Date {
	const instant = new Date(`${isoDate}T00:00:00Z`);
	instant.setUTCDate(instant.getUTCDate() + daysLater);
	instant.setUTCHours(hour);
	return instant;
}

function inChunks<T>(rows: T[], size = 500): T[][] {
	const chunks: T[][] = [];
	for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
	return chunks;
}

/** Scale positions (0 = lowest level) for one service and challenge, one per round. */
function scoreTrajectory(random: Random, pace: number, slow: boolean, topIndex: number): number[] {
	let index = random() < 0.7 ? 0 : Math.min(1, topIndex);
	const trajectory = [index];
	const riseChance = (slow ? SLOW_RISE_CHANCE : RISE_CHANCE) * pace;
	while (trajectory.length < ROUND_PERIODS.length) {
		const roll = random();
		if (roll < DROP_CHANCE) index = Math.max(0, index - 1);
		else if (roll < DROP_CHANCE + riseChance) index = Math.min(topIndex, index + 1);
		trajectory.push(index);
	}
	return trajectory;
}

function evidenceFor(random: Random, index: number, topIndex: number): string {
	if (index === 0) return pick(random, EVIDENCE.notStarted);
	if (index === topIndex) return pick(random, EVIDENCE.embedded);
	return pick(random, index / topIndex <= 0.5 ? EVIDENCE.early : EVIDENCE.developing);
}

/** About half complete, some under way, the rest not started, in no particular order. */
function openRoundProgress(random: Random, serviceCount: number): OpenRoundProgress[] {
	const completeCount = Math.ceil(serviceCount / 2);
	const inProgressCount = Math.round(serviceCount * 0.3);
	return shuffled(
		random,
		Array.from({ length: serviceCount }, (_, i): OpenRoundProgress =>
			i < completeCount
				? 'complete'
				: i < completeCount + inProgressCount
					? 'in_progress'
					: 'not_started'
		)
	);
}

interface Scale {
	frameworkId: string;
	challenges: { id: string; packChallengeKey: string }[];
	levelValues: number[];
}

/** Every row the demo inserts, table by table. */
function emptyRows() {
	return {
		organisationRows: [] as (typeof organisations.$inferInsert)[],
		groupingRows: [] as (typeof groupings.$inferInsert)[],
		serviceRows: [] as (typeof services.$inferInsert)[],
		userRows: [] as (typeof users.$inferInsert)[],
		membershipRows: [] as (typeof memberships.$inferInsert)[],
		roundRows: [] as (typeof rounds.$inferInsert)[],
		roundServiceRows: [] as (typeof roundServices.$inferInsert)[],
		assessmentRows: [] as (typeof assessments.$inferInsert)[],
		scoreRows: [] as (typeof agreedScores.$inferInsert)[],
		priorityRows: [] as (typeof priorities.$inferInsert)[],
		actionRows: [] as (typeof improvementActions.$inferInsert)[],
		reviewRows: [] as (typeof actionReviews.$inferInsert)[],
		raterRows: [] as (typeof assessmentRaters.$inferInsert)[],
		ratingRows: [] as (typeof ratings.$inferInsert)[],
		strengthRows: [] as (typeof strengths.$inferInsert)[]
	};
}

type DemoRows = ReturnType<typeof emptyRows>;

interface RatedAssessment {
	id: string;
	at: Date;
	levels: { challengeId: string; level: number }[];
}

/**
 * What building the demo shares: the rows so far, the two seeded generators (drawn from in a
 * fixed order, so the same demo comes out every time) and the demo accounts' own service.
 */
interface Build {
	scale: Scale;
	topIndex: number;
	setUpAt: Date;
	random: Random;
	/** A generator of its own, so adding plans left every score the demo had before unchanged. */
	planRandom: Random;
	rows: DemoRows;
	demo: {
		serviceId: string;
		actionId: string;
		overdueActionId: string;
		/** The demo service's last completed assessment, which four demo accounts rated. */
		rated: RatedAssessment | null;
	};
}

/** A completed assessment whose priorities the plan round turns into actions. */
interface Plan {
	serviceId: string;
	assessmentId: string;
	completedAt: Date;
	priorities: { id: string; key: string }[];
}

type OpenAssessment = { id: string; state: OpenRoundProgress; completedAt: Date | null };

/** The organisation's groupings and services; returns the services' ids in order. */
function addServices(b: Build, organisationId: string, organisation: DemoOrganisation) {
	const serviceIds: string[] = [];
	for (const grouping of organisation.groupings) {
		const groupingId = newId();
		b.rows.groupingRows.push({ id: groupingId, organisationId, name: grouping.name });
		for (const service of grouping.services) {
			const serviceId = newId();
			serviceIds.push(serviceId);
			if (service.name === DEMO_SERVICE_NAME) b.demo.serviceId = serviceId;
			b.rows.serviceRows.push({
				id: serviceId,
				organisationId,
				groupingId,
				...service,
				createdAt: b.setUpAt
			});
		}
	}
	return serviceIds;
}

/** Where each service stands in the open round; the demo accounts' service is still under way. */
function openRoundStates(b: Build, serviceIds: string[]) {
	const progress = openRoundProgress(b.random, serviceIds.length);
	const demoIndex = serviceIds.indexOf(b.demo.serviceId);
	if (demoIndex >= 0) {
		// The service lead and rater accounts should land on an assessment they can carry on with.
		const swapIndex = progress.indexOf('in_progress');
		[progress[demoIndex], progress[swapIndex]] = [progress[swapIndex], progress[demoIndex]];
	}
	return progress;
}

/** One service's assessment in one round, with its scores and, once complete, its priorities. */
function addAssessment(
	b: Build,
	round: { id: string; index: number; start: string; openedAt: Date; isOpen: boolean },
	service: { id: string; trajectory: number[][]; state: OpenRoundProgress },
	plans: Plan[],
	serviceIndex: number
) {
	const assessmentId = newId();
	const state = round.isOpen ? service.state : 'complete';
	const completedAt =
		state === 'complete' ? onDay(round.start, integerBetween(b.random, 60, 140)) : null;
	b.rows.assessmentRows.push({
		id: assessmentId,
		roundId: round.id,
		serviceId: service.id,
		status: state === 'complete' ? 'complete' : 'in_progress',
		completedAt,
		createdAt: round.openedAt
	});
	const opened: OpenAssessment = { id: assessmentId, state, completedAt };
	if (state === 'not_started') return opened;
	addScores(b, assessmentId, round, service.trajectory, state, completedAt);
	if (state !== 'complete' || !completedAt) return opened;
	const positions = service.trajectory.map((t) => t[round.index]);
	if (service.id === b.demo.serviceId && round.index === PLAN_ROUND_INDEX) {
		b.demo.rated = {
			id: assessmentId,
			at: completedAt,
			levels: b.scale.challenges.map((c, i) => ({
				challengeId: c.id,
				level: b.scale.levelValues[positions[i]]
			}))
		};
	}
	// The team's priorities: the three challenges where it stands lowest, first in the framework's order on a tie.
	const lowest = b.scale.challenges
		.map((c, i) => ({ id: c.id, key: c.packChallengeKey, index: positions[i] }))
		.sort((x, y) => x.index - y.index)
		.slice(0, 3);
	lowest.forEach((c, i) =>
		b.rows.priorityRows.push({ assessmentId, rank: i + 1, challengeId: c.id })
	);
	// Most teams turn the priorities into a plan; every sixth has not yet.
	if (round.index === PLAN_ROUND_INDEX && serviceIndex % 6 !== 5)
		plans.push({ serviceId: service.id, assessmentId, completedAt, priorities: lowest });
	return opened;
}

/** The agreed scores: all of them once complete, otherwise the first few and one awaiting a level. */
function addScores(
	b: Build,
	assessmentId: string,
	round: { index: number; start: string },
	trajectory: number[][],
	state: OpenRoundProgress,
	completedAt: Date | null
) {
	const updatedAt = completedAt ?? onDay(round.start, integerBetween(b.random, 20, 100));
	const scoredCount =
		state === 'complete'
			? b.scale.challenges.length
			: integerBetween(b.random, 1, Math.max(1, b.scale.challenges.length - 2));
	b.scale.challenges.forEach((challenge, challengeIndex) => {
		const index = trajectory[challengeIndex][round.index];
		if (challengeIndex < scoredCount) {
			b.rows.scoreRows.push({
				assessmentId,
				challengeId: challenge.id,
				level: b.scale.levelValues[index],
				evidence: evidenceFor(b.random, index, b.topIndex),
				updatedAt
			});
		} else if (challengeIndex === scoredCount) {
			b.rows.scoreRows.push({
				assessmentId,
				challengeId: challenge.id,
				level: null,
				evidence: EVIDENCE_AWAITING_LEVEL,
				updatedAt
			});
		}
	});
}

/** Every round of the organisation, half-yearly, the last still open. */
function addRounds(
	b: Build,
	organisationId: string,
	serviceIds: string[],
	trajectories: number[][][],
	progress: OpenRoundProgress[]
) {
	const openAssessments = new Map<string, OpenAssessment>();
	const plans: Plan[] = [];
	ROUND_PERIODS.forEach((period, index) => {
		const round = {
			id: newId(),
			index,
			start: period.start,
			openedAt: onDay(period.start, 0, 9),
			isOpen: index === ROUND_PERIODS.length - 1
		};
		b.rows.roundRows.push({
			id: round.id,
			organisationId,
			frameworkId: b.scale.frameworkId,
			title: period.title,
			periodStart: period.start,
			periodEnd: period.end,
			status: round.isOpen ? 'open' : 'closed',
			createdAt: onDay(period.start, -21),
			openedAt: round.openedAt,
			closedAt: round.isOpen ? null : onDay(period.end, 0, 17)
		});
		serviceIds.forEach((serviceId, serviceIndex) => {
			b.rows.roundServiceRows.push({ roundId: round.id, serviceId });
			const service = {
				id: serviceId,
				trajectory: trajectories[serviceIndex],
				state: progress[serviceIndex]
			};
			const opened = addAssessment(b, round, service, plans, serviceIndex);
			if (round.isOpen) openAssessments.set(serviceId, opened);
		});
	});
	return { openAssessments, plans };
}

/**
 * One action per priority of a plan: the first done before the next round opened, the second
 * under way, the third never started and now overdue. Teams that have completed the open round
 * have also reviewed last round's open actions.
 */
function addPlanActions(b: Build, organisationId: string, plan: Plan, opened?: OpenAssessment) {
	const startDate = plan.completedAt.toISOString().slice(0, 10);
	plan.priorities.forEach((challenge, rank) => {
		const id = newId();
		const createdAt = new Date(plan.completedAt.getTime() + 2 * 86_400_000);
		const status = rank === 0 ? 'done' : rank === 1 ? 'in_progress' : 'not_started';
		const closedAt =
			status === 'done'
				? onDay(ROUND_PERIODS[PLAN_ROUND_INDEX].end, -integerBetween(b.planRandom, 1, 20))
				: null;
		const action: typeof improvementActions.$inferInsert = {
			id,
			organisationId,
			serviceId: plan.serviceId,
			challengeId: challenge.id,
			assessmentId: plan.assessmentId,
			title: pick(
				b.planRandom,
				ACTION_IDEAS[challenge.key] ?? ['Agree a first step with the team']
			),
			description: '',
			ownerName: pick(b.planRandom, ACTION_OWNERS),
			startDate,
			dueDate:
				status === 'in_progress'
					? '2027-01-29'
					: onDay(startDate, integerBetween(b.planRandom, 90, 150))
							.toISOString()
							.slice(0, 10),
			status,
			outcome: status === 'done' ? 'Done and now part of the team’s routine.' : '',
			closedAt,
			createdAt,
			updatedAt: closedAt ?? createdAt
		};
		if (plan.serviceId === b.demo.serviceId && status === 'in_progress') b.demo.actionId = id;
		if (plan.serviceId === b.demo.serviceId && status === 'not_started')
			b.demo.overdueActionId = id;
		if (status !== 'done' && opened?.state === 'complete' && opened.completedAt)
			addReview(b, action, opened);
		b.rows.actionRows.push(action);
	});
}

function addReview(
	b: Build,
	action: typeof improvementActions.$inferInsert,
	opened: OpenAssessment
) {
	const at = opened.completedAt!;
	const decision = action.status === 'in_progress' ? 'carried_forward' : 'dropped';
	b.rows.reviewRows.push({
		assessmentId: opened.id,
		actionId: action.id,
		decision,
		note: decision === 'dropped' ? 'Overtaken by the trust-wide plan.' : '',
		reviewedAt: at
	});
	if (decision === 'dropped')
		Object.assign(action, {
			status: 'dropped',
			outcome: 'Overtaken by the trust-wide plan.',
			closedAt: at,
			updatedAt: at
		});
}

function addOrganisation(b: Build, organisation: DemoOrganisation): string {
	const organisationId = newId();
	b.rows.organisationRows.push({
		id: organisationId,
		name: organisation.name,
		groupingLabel: organisation.groupingLabel,
		createdAt: b.setUpAt
	});
	const serviceIds = addServices(b, organisationId, organisation);
	const trajectories = serviceIds.map(() => {
		const pace = 0.6 + b.random() * 0.7;
		return b.scale.challenges.map((challenge) =>
			scoreTrajectory(
				b.random,
				pace,
				SLOW_CHALLENGE_KEYS.has(challenge.packChallengeKey),
				b.topIndex
			)
		);
	});
	const progress = openRoundStates(b, serviceIds);
	const { openAssessments, plans } = addRounds(
		b,
		organisationId,
		serviceIds,
		trajectories,
		progress
	);
	for (const plan of plans)
		addPlanActions(b, organisationId, plan, openAssessments.get(plan.serviceId));
	return organisationId;
}

function addPeople(b: Build, organisationIds: string[], passwordHashes: string[], now: Date) {
	DEMO_PEOPLE.forEach((person, personIndex) => {
		const userId = newId();
		b.rows.userRows.push({
			id: userId,
			email: person.account.email,
			name: person.account.name,
			passwordHash: passwordHashes[personIndex],
			isPlatformAdmin: person.isPlatformAdmin,
			createdAt: now
		});
		for (const membership of person.memberships) {
			b.rows.membershipRows.push({
				id: newId(),
				userId,
				organisationId: organisationIds[membership.organisation],
				serviceId: membership.inDemoService ? b.demo.serviceId : null,
				role: membership.role,
				createdAt: now
			});
		}
	});
}

const userIdOf = (b: Build, email: string) =>
	b.rows.userRows[DEMO_PEOPLE.findIndex((p) => p.account.email === email)].id;

/**
 * Four people rated Ashford's last completed assessment from different perspectives, so its
 * dashboard shows how views differ: staff a little higher than the agreed level, the carer lower.
 */
function addDemoRatings(b: Build, rated: RatedAssessment) {
	const lowest = b.scale.levelValues[0];
	const highest = b.scale.levelValues[b.scale.levelValues.length - 1];
	const raters = [
		{ email: 'orgadmin@demo.example', perspective: 'staff', lean: 1 },
		{ email: 'lead@demo.example', perspective: 'team_manager', lean: 0 },
		{ email: 'rater@demo.example', perspective: 'peer_support_worker', lean: 0 },
		{ email: 'viewer@demo.example', perspective: 'carer', lean: -1 }
	] as const;
	for (const rater of raters) {
		const userId = userIdOf(b, rater.email);
		const submittedAt = new Date(rated.at.getTime() - 7 * 86_400_000);
		b.rows.raterRows.push({
			assessmentId: rated.id,
			userId,
			perspective: rater.perspective,
			invitedAt: new Date(rated.at.getTime() - 30 * 86_400_000),
			submittedAt
		});
		for (const { challengeId, level } of rated.levels) {
			const nudged = level + (b.planRandom() < 0.6 ? rater.lean : 0);
			b.rows.ratingRows.push({
				assessmentId: rated.id,
				userId,
				challengeId,
				level: Math.min(highest, Math.max(lowest, nudged)),
				updatedAt: submittedAt
			});
		}
	}
}

/** What the demo team says it does well, about its challenges by key, or across the service. */
const DEMO_STRENGTHS: { key: string | null; text: string }[] = [
	{
		key: null,
		text: 'People who use the service say they are welcomed as people, not as a diagnosis: reception and duty staff know them by name.'
	},
	{
		key: 'recovery-college',
		text: 'Six of the team co-facilitate recovery college courses with peer trainers, and refer to them as a matter of course.'
	},
	{
		key: 'user-involvement',
		text: 'A person who uses the service sits on every interview panel, and the service user forum sets one team meeting agenda item a month.'
	}
];

/**
 * Ashford's last completed assessment records a few strengths, which its assessment in the open
 * round offers to the team to confirm or drop.
 */
function addDemoStrengths(b: Build, rated: RatedAssessment) {
	const leadId = userIdOf(b, 'lead@demo.example');
	DEMO_STRENGTHS.forEach((strength, i) => {
		const challenge = b.scale.challenges.find((c) => c.packChallengeKey === strength.key);
		b.rows.strengthRows.push({
			id: newId(),
			assessmentId: rated.id,
			challengeId: challenge?.id ?? null,
			text: strength.text,
			recordedAt: new Date(rated.at.getTime() - (3 - i) * 3_600_000),
			recordedBy: leadId
		});
	});
}

/** The service lead and the rater each own one of their team's actions; the rater's is overdue. */
function giveActionsToDemoPeople(b: Build) {
	const giveTo = (actionId: string, email: string) => {
		const action = b.rows.actionRows.find((a) => a.id === actionId);
		if (action) Object.assign(action, { ownerUserId: userIdOf(b, email), ownerName: null });
	};
	giveTo(b.demo.actionId, 'lead@demo.example');
	giveTo(b.demo.overdueActionId, 'rater@demo.example');
}

function buildDemoRows(scale: Scale, passwordHashes: string[], now: Date): DemoRows {
	const b: Build = {
		scale,
		topIndex: scale.levelValues.length - 1,
		setUpAt: onDay(SETUP_DAY),
		random: seededRandom(RANDOM_SEED),
		planRandom: seededRandom(RANDOM_SEED + 1),
		rows: emptyRows(),
		demo: { serviceId: '', actionId: '', overdueActionId: '', rated: null }
	};
	const organisationIds = DEMO_ORGANISATIONS.map((organisation) =>
		addOrganisation(b, organisation)
	);
	addPeople(b, organisationIds, passwordHashes, now);
	if (b.demo.rated) {
		addDemoRatings(b, b.demo.rated);
		addDemoStrengths(b, b.demo.rated);
	}
	giveActionsToDemoPeople(b);
	return b.rows;
}

/**
 * The audit event written with the demo data. `npm run demo -- --reset` deletes only a database
 * that holds it (scripts/start.js reads it there too).
 */
export const DEMO_MARKER = 'demo.seeded';

/** What a database holds: nothing yet, the demo data, or anything else. */
function demoState(db: Tx): 'empty' | 'demo' | 'other' {
	const marked = db
		.select({ id: auditEvents.id })
		.from(auditEvents)
		.where(eq(auditEvents.action, DEMO_MARKER))
		.limit(1)
		.get();
	if (marked) return 'demo';
	const held =
		db.select({ id: users.id }).from(users).limit(1).get() ??
		db.select({ id: organisations.id }).from(organisations).limit(1).get();
	return held ? 'other' : 'empty';
}

function refuseOther(state: ReturnType<typeof demoState>) {
	if (state === 'other') {
		throw new Error(
			'This database already holds accounts or organisations, so the demo data is not added to it (its passwords are public).'
		);
	}
}

/**
 * Fills an empty database with demo data; returns false (and changes nothing) if it holds the demo
 * data already, and refuses a database that holds anything else.
 */
export async function seedDemo(db: Db, now = new Date()): Promise<boolean> {
	// Saves hashing on every restart of an already seeded demo; the check inside the transaction is the one that counts.
	const state = demoState(db);
	if (state === 'demo') return false;
	refuseOther(state);
	const passwordHashes = await Promise.all(
		DEMO_PEOPLE.map((person) => hashPassword(person.account.password))
	);

	return db.transaction((tx) => {
		const state = demoState(tx);
		if (state === 'demo') return false;
		refuseOther(state);

		const framework = tx
			.select({ id: frameworks.id })
			.from(frameworks)
			.where(eq(frameworks.packKey, FRAMEWORK_PACK_KEY))
			.orderBy(desc(frameworks.version))
			.get();
		if (!framework)
			throw new Error(
				`The '${FRAMEWORK_PACK_KEY}' framework pack must be loaded before the demo data.`
			);
		const scale: Scale = {
			frameworkId: framework.id,
			challenges: tx
				.select({ id: challenges.id, packChallengeKey: challenges.packChallengeKey })
				.from(challenges)
				.where(eq(challenges.frameworkId, framework.id))
				.orderBy(asc(challenges.position))
				.all(),
			levelValues: tx
				.select({ value: levels.value })
				.from(levels)
				.where(eq(levels.frameworkId, framework.id))
				.orderBy(asc(levels.value))
				.all()
				.map((level) => level.value)
		};

		const rows = buildDemoRows(scale, passwordHashes, now);
		const northmoor = rows.organisationRows[0].id;
		addSecondPackRound(
			rows,
			northmoor,
			rows.serviceRows.filter((s) => s.organisationId === northmoor).map((s) => s.id),
			insertDemoPack(tx, now)
		);
		for (const chunk of inChunks(rows.organisationRows))
			tx.insert(organisations).values(chunk).run();
		for (const chunk of inChunks(rows.groupingRows)) tx.insert(groupings).values(chunk).run();
		for (const chunk of inChunks(rows.serviceRows)) tx.insert(services).values(chunk).run();
		for (const chunk of inChunks(rows.userRows)) tx.insert(users).values(chunk).run();
		for (const chunk of inChunks(rows.membershipRows)) tx.insert(memberships).values(chunk).run();
		for (const chunk of inChunks(rows.roundRows)) tx.insert(rounds).values(chunk).run();
		for (const chunk of inChunks(rows.roundServiceRows))
			tx.insert(roundServices).values(chunk).run();
		for (const chunk of inChunks(rows.assessmentRows)) tx.insert(assessments).values(chunk).run();
		for (const chunk of inChunks(rows.scoreRows)) tx.insert(agreedScores).values(chunk).run();
		for (const chunk of inChunks(rows.priorityRows)) tx.insert(priorities).values(chunk).run();
		for (const chunk of inChunks(rows.actionRows))
			tx.insert(improvementActions).values(chunk).run();
		for (const chunk of inChunks(rows.reviewRows)) tx.insert(actionReviews).values(chunk).run();
		for (const chunk of inChunks(rows.raterRows)) tx.insert(assessmentRaters).values(chunk).run();
		for (const chunk of inChunks(rows.ratingRows)) tx.insert(ratings).values(chunk).run();
		for (const chunk of inChunks(rows.strengthRows)) tx.insert(strengths).values(chunk).run();
		rebuildRoundLevelCounts(tx);
		recordAuditEvent(
			tx,
			{
				userId: null,
				organisationId: null,
				action: DEMO_MARKER,
				entityType: 'database',
				entityId: 'demo'
			},
			now
		);
		return true;
	});
}
