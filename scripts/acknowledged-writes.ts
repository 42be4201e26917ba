// The writes the crash test (tests/e2e/crash.e2e.ts) and the soak (scripts/soak.ts) make against
// the built app over HTTP, as the app's own forms post them, and the check that every write the
// server acknowledged is in its database.
//
// Three kinds of write, each carrying a number no other write has in its text:
// - agreed-score saves on the agreeing form (evidence "… score #n"), by people who run assessments;
// - a rater's own ratings (comment "… rating #n");
// - progress notes on improvement actions (note "… note #n").
// A write is acknowledged only when the server answered it with the action's own redirect; a
// refusal, a dropped connection or no answer at all is not.
//
// An agreed score and a rating are overwritten by the next save of the same challenge, so each is a
// "slot" that one writer at a time owns: its saves are in order, and the database must hold the
// number of the last one acknowledged or of a later one (that was in flight when the server died).
// Every agreed-score save also leaves its evidence in the audit trail, in the same transaction, so
// each acknowledged one is looked for there too; notes are rows of their own.
import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { EMPTY_SCORE, scoreFingerprint } from '../src/lib/domain/score-fingerprint';
import { agreedScoreField } from '../src/lib/forms/field-names';
import { freePort } from '../tests/e2e/server';

/** The demo data's accounts (src/lib/server/demo/seed.ts), by what they do here. */
export const DEMO = {
	admin: { email: 'admin@demo.example', password: 'demo-admin-2026' },
	orgadmin: { email: 'orgadmin@demo.example', password: 'demo-orgadmin-2026' },
	lead: { email: 'lead@demo.example', password: 'demo-lead-2026' },
	rater: { email: 'rater@demo.example', password: 'demo-rater-2026' },
	viewer: { email: 'viewer@demo.example', password: 'demo-viewer-2026' }
} as const;
export type DemoPerson = keyof typeof DEMO;

/** The demo organisation the demo people work in, with its service lead's service. */
const ORGANISATION = 'Northmoor Mental Health NHS Foundation Trust';
const LEADS_SERVICE = 'Ashford Community Mental Health Team';
/** Who may rate where: everyone across the organisation, and the lead and rater in their service. */
const RATERS_ACROSS_ORGANISATION: DemoPerson[] = ['admin', 'orgadmin', 'viewer'];
const RATERS_IN_LEADS_SERVICE: DemoPerson[] = ['lead', 'rater'];
/** Who may add progress notes: organisation administrators anywhere, the lead in the lead's service, owners on their own. */
const NOTE_AUTHORS: DemoPerson[] = ['admin', 'orgadmin', 'lead', 'rater'];
/** src/lib/domain/posting-limits.ts: nobody may add more notes than this in an hour. */
export const NOTES_PER_PERSON_PER_HOUR = 30;

// The server ---------------------------------------------------------------------------------------

export interface Server {
	baseURL: string;
	child: ChildProcess;
	/** Resolves with the exit code (null when killed by a signal) once the process has gone. */
	exited: Promise<number | null>;
}

/**
 * Starts the built app's production server (scripts/serve.js) on loopback on the given database file,
 * and waits until it answers. `output` receives what it prints, or a file descriptor takes it.
 */
export async function startAppServer(options: {
	databasePath: string;
	port?: number;
	env?: Record<string, string>;
	output?: ((text: string) => void) | number;
	timeoutMs?: number;
}): Promise<Server> {
	const port = options.port ?? (await freePort());
	const baseURL = `http://127.0.0.1:${port}`;
	const toFile = typeof options.output === 'number' ? options.output : undefined;
	const child = spawn(process.execPath, ['scripts/serve.js'], {
		env: {
			...process.env,
			DATABASE_PATH: options.databasePath,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: baseURL,
			IMROC_DEMO: '1',
			...options.env
		},
		stdio: ['ignore', toFile ?? 'pipe', toFile ?? 'pipe']
	});
	const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
	let early = '';
	const sink = typeof options.output === 'function' ? options.output : undefined;
	child.stdout?.on('data', (chunk) => {
		early += chunk;
		sink?.(String(chunk));
	});
	child.stderr?.on('data', (chunk) => {
		early += chunk;
		sink?.(String(chunk));
	});
	const deadline = Date.now() + (options.timeoutMs ?? 60_000);
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null)
			throw new Error(`The server stopped as it started:\n${early}`);
		try {
			const answer = await fetch(`${baseURL}/sign-in`);
			await answer.arrayBuffer();
			if (answer.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`The server did not answer within the time allowed:\n${early}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return { baseURL, child, exited };
}

// Posting forms --------------------------------------------------------------------------------------

export interface Answer {
	status: number;
	location: string;
}

/** Posts a form as a browser does without JavaScript: same origin, a session cookie, no redirect followed. */
export async function postForm(
	baseURL: string,
	path: string,
	form: Record<string, string>,
	cookie = ''
): Promise<Answer & { setCookies: string[] }> {
	const response = await fetch(baseURL + path, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			origin: baseURL,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded',
			cookie
		},
		body: new URLSearchParams(form)
	});
	await response.arrayBuffer();
	return {
		status: response.status,
		location: response.headers.get('location') ?? '',
		setCookies: response.headers.getSetCookie()
	};
}

/** Opens a page as a signed-in person would before using its form, and returns its status. */
export async function openPage(baseURL: string, path: string, cookie: string): Promise<number> {
	const response = await fetch(baseURL + path, { redirect: 'manual', headers: { cookie } });
	await response.arrayBuffer();
	return response.status;
}

/** Signs a demo person in and returns the Cookie header that carries their session. */
export async function signIn(baseURL: string, person: DemoPerson): Promise<string> {
	const answer = await postForm(baseURL, '/sign-in', DEMO[person]);
	if (answer.status !== 303)
		throw new Error(`Signing in as ${DEMO[person].email} answered ${answer.status}`);
	return answer.setCookies.map((line) => line.split(';')[0]).join('; ');
}

// What there is to write to --------------------------------------------------------------------------

interface AssessmentTarget {
	id: string;
	path: string;
	serviceId: string;
	serviceName: string;
	challengeIds: string[];
	levels: number[];
	/** The team's plan as saved: posted back unchanged with every save, as the page would. */
	teamResources: string;
	priorities: string[];
}

interface ActionTarget {
	id: string;
	path: string;
	serviceId: string;
	ownerEmail: string | null;
}

export interface Targets {
	organisationId: string;
	/** The organisation's assessments still being agreed in its open round; the lead's service first. */
	assessments: AssessmentTarget[];
	/** Its improvement actions still open. */
	actions: ActionTarget[];
	services: { id: string; name: string }[];
	userIds: Record<DemoPerson, string>;
}

function withDatabase<T>(databasePath: string, read: (db: Database.Database) => T): T {
	const db = new Database(databasePath, { readonly: true });
	try {
		return read(db);
	} finally {
		db.close();
	}
}

/** Reads, as an operator could, where the demo data leaves assessments and actions open to writes. */
export function readTargets(databasePath: string): Targets {
	return withDatabase(databasePath, (db) => {
		const organisationId = db
			.prepare('SELECT id FROM organisation WHERE name = ?')
			.pluck()
			.get(ORGANISATION) as string;
		const rows = db
			.prepare(
				`SELECT a.id, r.id AS roundId, r.framework_id AS frameworkId, s.id AS serviceId,
				   s.name AS serviceName, a.team_resources AS teamResources
				 FROM assessment a JOIN round r ON r.id = a.round_id JOIN service s ON s.id = a.service_id
				 WHERE r.organisation_id = ? AND r.status = 'open' AND a.status = 'in_progress'
				 ORDER BY s.name = ? DESC, s.name`
			)
			.all(organisationId, LEADS_SERVICE) as {
			id: string;
			roundId: string;
			frameworkId: string;
			serviceId: string;
			serviceName: string;
			teamResources: string;
		}[];
		const assessments = rows.map((row) => ({
			id: row.id,
			path: `/organisations/${organisationId}/rounds/${row.roundId}/assessments/${row.id}`,
			serviceId: row.serviceId,
			serviceName: row.serviceName,
			challengeIds: db
				.prepare('SELECT id FROM challenge WHERE framework_id = ? ORDER BY position')
				.pluck()
				.all(row.frameworkId) as string[],
			levels: db
				.prepare('SELECT value FROM level WHERE framework_id = ? ORDER BY value')
				.pluck()
				.all(row.frameworkId) as number[],
			teamResources: row.teamResources,
			priorities: db
				.prepare('SELECT challenge_id FROM priority WHERE assessment_id = ? ORDER BY rank')
				.pluck()
				.all(row.id) as string[]
		}));
		const actions: ActionTarget[] = (
			db
				.prepare(
					`SELECT a.id, a.service_id AS serviceId, u.email AS ownerEmail FROM improvement_action a
					 LEFT JOIN user u ON u.id = a.owner_user_id
					 WHERE a.organisation_id = ? AND a.status IN ('not_started', 'in_progress') ORDER BY a.id`
				)
				.all(organisationId) as { id: string; serviceId: string; ownerEmail: string | null }[]
		).map((a) => ({
			id: a.id,
			path: `/organisations/${organisationId}/services/${a.serviceId}/actions/${a.id}`,
			serviceId: a.serviceId,
			ownerEmail: a.ownerEmail
		}));
		const services = db
			.prepare('SELECT id, name FROM service WHERE organisation_id = ? ORDER BY name')
			.all(organisationId) as { id: string; name: string }[];
		const userIds = Object.fromEntries(
			(Object.keys(DEMO) as DemoPerson[]).map((person) => [
				person,
				db.prepare('SELECT id FROM user WHERE email = ?').pluck().get(DEMO[person].email)
			])
		) as Record<DemoPerson, string>;
		if (assessments.length === 0 || assessments[0].serviceName !== LEADS_SERVICE)
			throw new Error(`The demo data has no assessment of ${LEADS_SERVICE} being agreed`);
		return { organisationId, assessments, actions, services, userIds };
	});
}

/** Who may rate an assessment: the lead's service has five raters to choose from, the others three. */
function ratersOf(targets: Targets, assessment: AssessmentTarget): DemoPerson[] {
	return assessment === targets.assessments[0]
		? [...RATERS_ACROSS_ORGANISATION, ...RATERS_IN_LEADS_SERVICE]
		: RATERS_ACROSS_ORGANISATION;
}

/**
 * Invites raters to the given assessments (as the organisation administrator does on the raters page)
 * and has each choose a perspective, so that their ratings can be saved.
 */
export async function inviteRaters(
	baseURL: string,
	targets: Targets,
	cookies: Record<DemoPerson, string>,
	assessments: AssessmentTarget[]
): Promise<void> {
	for (const assessment of assessments) {
		for (const person of ratersOf(targets, assessment)) {
			const added = await postForm(
				baseURL,
				`${assessment.path}/raters?/add`,
				{ userId: targets.userIds[person] },
				cookies.orgadmin
			);
			if (added.status !== 303)
				throw new Error(`Adding ${person} as a rater answered ${added.status}`);
			const chose = await postForm(
				baseURL,
				`${assessment.path}/rating?/perspective`,
				{ perspective: 'staff' },
				cookies[person]
			);
			if (chose.status !== 303)
				throw new Error(`${person} choosing a perspective answered ${chose.status}`);
		}
	}
}

// The writes -----------------------------------------------------------------------------------------

export type WriteKind = 'score' | 'rating' | 'note';
export const WRITE_KINDS: WriteKind[] = ['score', 'rating', 'note'];

/** One agreed score or one rater's rating of one challenge: written by one writer at a time. */
export interface Slot {
	kind: 'score' | 'rating';
	key: string;
	assessment: AssessmentTarget;
	challengeId: string;
	/** Who writes it: for a rating, the rater. */
	person: DemoPerson;
	/** The agreed score's saved revision, which a save must start from; unknown after a lost answer. */
	revision: number | null;
	/** The numbers of the writes the server acknowledged, in order. */
	acknowledged: number[];
}

export interface NoteTarget {
	action: ActionTarget;
	person: DemoPerson;
}

/**
 * Agreed-score slots for the organisation administrator on every assessment being agreed, and rating
 * slots for each rater invited to the given assessments.
 */
export function slotsFor(targets: Targets, ratedAssessments: AssessmentTarget[]): Slot[] {
	const slots: Slot[] = [];
	for (const assessment of targets.assessments) {
		for (const challengeId of assessment.challengeIds) {
			slots.push({
				kind: 'score',
				key: `score ${assessment.id} ${challengeId}`,
				assessment,
				challengeId,
				person: 'orgadmin',
				revision: null,
				acknowledged: []
			});
		}
	}
	for (const assessment of ratedAssessments) {
		for (const person of ratersOf(targets, assessment)) {
			for (const challengeId of assessment.challengeIds) {
				slots.push({
					kind: 'rating',
					key: `rating ${assessment.id} ${person} ${challengeId}`,
					assessment,
					challengeId,
					person,
					revision: null,
					acknowledged: []
				});
			}
		}
	}
	return slots;
}

/** Each note author with an action they may note: administrators anywhere, the others their own. */
export function noteTargets(targets: Targets): NoteTarget[] {
	const leads = targets.actions.filter((a) => a.serviceId === targets.assessments[0].serviceId);
	return NOTE_AUTHORS.flatMap((person): NoteTarget[] => {
		const own = targets.actions.find((a) => a.ownerEmail === DEMO[person].email);
		const action =
			person === 'admin' || person === 'orgadmin'
				? targets.actions[NOTE_AUTHORS.indexOf(person) % targets.actions.length]
				: person === 'lead'
					? (leads[0] ?? own)
					: own;
		return action ? [{ action, person }] : [];
	});
}

/** Reads the saved revision of every agreed-score slot, after a restart or a refusal. */
export function readRevisions(databasePath: string, slots: Slot[]): void {
	withDatabase(databasePath, (db) => {
		const revision = db.prepare(
			'SELECT revision FROM agreed_score WHERE assessment_id = ? AND challenge_id = ?'
		);
		for (const slot of slots) {
			if (slot.kind !== 'score') continue;
			slot.revision = (revision.pluck().get(slot.assessment.id, slot.challengeId) as number) ?? 0;
		}
	});
}

export interface Write {
	kind: WriteKind;
	number: number;
	path: string;
	form: Record<string, string>;
	/** Whether the answer is the action's success, not a refusal. */
	succeeded: (answer: Answer) => boolean;
}

const textOf = (tag: string, kind: WriteKind, n: number) => `${tag} ${kind} #${n}`;
const numberIn = (text: string) => Number(/#(\d+)$/.exec(text)?.[1] ?? -1);

/**
 * The agreeing form as the page posts it, with only this challenge changed: every other challenge
 * says it started empty and is still empty, so saving leaves whatever is saved there alone, and the
 * team's plan goes back as it is saved.
 */
function scoreWrite(tag: string, slot: Slot, n: number): Write {
	const { assessment, challengeId } = slot;
	const form: Record<string, string> = {};
	for (const id of assessment.challengeIds)
		form[agreedScoreField.original(id)] = scoreFingerprint(EMPTY_SCORE);
	form[agreedScoreField.level(challengeId)] = String(
		assessment.levels[n % assessment.levels.length]
	);
	form[agreedScoreField.evidence(challengeId)] = textOf(tag, 'score', n);
	form[agreedScoreField.revision(challengeId)] = String(slot.revision ?? 0);
	assessment.priorities.forEach((id, i) => (form[agreedScoreField.priority(i + 1)] = id));
	form[agreedScoreField.teamResources] = assessment.teamResources;
	form[agreedScoreField.backTo] = challengeId;
	return {
		kind: 'score',
		number: n,
		path: `${assessment.path}?/save`,
		form,
		succeeded: (a) => a.status === 303 && a.location.includes(`saved=${challengeId}`)
	};
}

function ratingWrite(tag: string, slot: Slot, n: number): Write {
	const { assessment, challengeId } = slot;
	return {
		kind: 'rating',
		number: n,
		path: `${assessment.path}/rating?/save`,
		form: {
			challenge: challengeId,
			level: String(assessment.levels[n % assessment.levels.length]),
			comment: textOf(tag, 'rating', n),
			then: 'continue'
		},
		succeeded: (a) => a.status === 303 && a.location.includes('/rating?')
	};
}

export function slotWrite(tag: string, slot: Slot, n: number): Write {
	return slot.kind === 'score' ? scoreWrite(tag, slot, n) : ratingWrite(tag, slot, n);
}

export function noteWrite(tag: string, target: NoteTarget, n: number): Write {
	return {
		kind: 'note',
		number: n,
		path: `${target.action.path}?/note`,
		form: { body: textOf(tag, 'note', n) },
		succeeded: (a) => a.status === 303 && a.location.includes('?noted')
	};
}

// The ledger and the check -----------------------------------------------------------------------------

/** Every write made, what became of it, and which acknowledged ones the database was found without. */
export class Ledger {
	private counter = 0;
	readonly attempted: Record<WriteKind, number> = { score: 0, rating: 0, note: 0 };
	readonly acknowledged: Record<WriteKind, number[]> = { score: [], rating: [], note: [] };
	readonly refused: Record<WriteKind, Record<number, number>> = { score: {}, rating: {}, note: {} };
	/** Writes whose answer never came (the server died, or the connection failed). */
	readonly unanswered: Record<WriteKind, number> = { score: 0, rating: 0, note: 0 };
	readonly lost: Record<WriteKind, Set<number>> = {
		score: new Set(),
		rating: new Set(),
		note: new Set()
	};

	constructor(readonly tag: string) {}

	next(): number {
		return ++this.counter;
	}

	/** Records a write's answer (or its absence), keeping a slot's revision in step. */
	settle(write: Write, answer: Answer | null, slot?: Slot): boolean {
		this.attempted[write.kind]++;
		if (!answer) {
			this.unanswered[write.kind]++;
			if (slot) slot.revision = null;
			return false;
		}
		if (!write.succeeded(answer)) {
			const refused = this.refused[write.kind];
			refused[answer.status] = (refused[answer.status] ?? 0) + 1;
			// A refused save wrote nothing, but its refusal means the revision was not the saved one.
			if (slot?.kind === 'score' && answer.status === 409) slot.revision = null;
			return false;
		}
		this.acknowledged[write.kind].push(write.number);
		if (slot) {
			slot.acknowledged.push(write.number);
			if (slot.revision !== null) slot.revision++;
		}
		return true;
	}

	/**
	 * Looks in the database for every acknowledged write, and remembers those it cannot find. An
	 * overwritten score or rating is checked by its slot holding a number at least its last acknowledged
	 * one; every acknowledged agreed-score save must also be in the audit trail, every note a row.
	 */
	check(databasePath: string, slots: Slot[]): void {
		withDatabase(databasePath, (db) => {
			const stored = {
				score: db.prepare(
					'SELECT evidence FROM agreed_score WHERE assessment_id = ? AND challenge_id = ?'
				),
				rating: db.prepare(
					`SELECT comment FROM rating r JOIN user u ON u.id = r.user_id
					 WHERE r.assessment_id = ? AND u.email = ? AND r.challenge_id = ?`
				)
			};
			for (const slot of slots) {
				const text = (
					slot.kind === 'score'
						? stored.score.pluck().get(slot.assessment.id, slot.challengeId)
						: stored.rating
								.pluck()
								.get(slot.assessment.id, DEMO[slot.person].email, slot.challengeId)
				) as string | undefined;
				const holds = text?.startsWith(`${this.tag} ${slot.kind} #`) ? numberIn(text) : -1;
				for (const n of slot.acknowledged) if (n > holds) this.lost[slot.kind].add(n);
			}
			const audited = new Set(
				(
					db
						.prepare(
							`SELECT json_extract(after, '$.evidence') FROM audit_event
							 WHERE action IN ('agreed_score.created', 'agreed_score.updated')`
						)
						.pluck()
						.all() as (string | null)[]
				).map((text) => (text?.startsWith(`${this.tag} score #`) ? numberIn(text) : -1))
			);
			for (const n of this.acknowledged.score) if (!audited.has(n)) this.lost.score.add(n);
			const noted = new Set(
				(db.prepare('SELECT body FROM action_note').pluck().all() as string[]).map((text) =>
					text.startsWith(`${this.tag} note #`) ? numberIn(text) : -1
				)
			);
			for (const n of this.acknowledged.note) if (!noted.has(n)) this.lost.note.add(n);
		});
	}

	get totals() {
		const sum = (f: (kind: WriteKind) => number) =>
			WRITE_KINDS.reduce((total, kind) => total + f(kind), 0);
		return {
			attempted: sum((k) => this.attempted[k]),
			acknowledged: sum((k) => this.acknowledged[k].length),
			unanswered: sum((k) => this.unanswered[k]),
			refused: sum((k) => Object.values(this.refused[k]).reduce((a, b) => a + b, 0)),
			lost: sum((k) => this.lost[k].size)
		};
	}

	summary() {
		return Object.fromEntries(
			WRITE_KINDS.map((kind) => [
				kind,
				{
					attempted: this.attempted[kind],
					acknowledged: this.acknowledged[kind].length,
					refusedByStatus: this.refused[kind],
					unanswered: this.unanswered[kind],
					lost: this.lost[kind].size
				}
			])
		);
	}
}

/** SQLite's own checks of the file: integrity_check's answer and foreign_key_check's rows. */
export function checkFile(databasePath: string): { integrity: string; foreignKeyProblems: number } {
	return withDatabase(databasePath, (db) => ({
		integrity: (db.pragma('integrity_check') as { integrity_check: string }[])
			.map((row) => row.integrity_check)
			.join('; '),
		foreignKeyProblems: (db.pragma('foreign_key_check') as unknown[]).length
	}));
}
