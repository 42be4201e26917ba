import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	checkFile,
	DEMO,
	inviteRaters,
	Ledger,
	noteTargets,
	noteWrite,
	openPage,
	postForm,
	readRevisions,
	readTargets,
	signIn,
	slotsFor,
	slotWrite,
	startAppServer,
	type Answer,
	type DemoPerson,
	type NoteTarget,
	type Server,
	type Slot,
	type Write
} from '../../scripts/acknowledged-writes';

// The server is killed with SIGKILL, as the operating system's out-of-memory killer or a pulled
// container would, while people save agreed scores, ratings and progress notes; it is restarted on
// the same file each time. Every save it acknowledged before a kill must be there afterwards.

const KILLS = 22;
/** How long writes run before each kill: a random moment in this range. */
const RUN_MS = { min: 400, max: 2400 };
const TAG = 'Crash test';

interface Flight {
	stopped: boolean;
	inFlight: number;
}

async function send(
	server: Server,
	cookie: string,
	write: Write,
	flight: Flight
): Promise<Answer | null> {
	flight.inFlight++;
	try {
		return await postForm(server.baseURL, write.path, write.form, cookie);
	} catch {
		return null; // the server died with the write in flight: not acknowledged
	} finally {
		flight.inFlight--;
	}
}

test('every write acknowledged before a SIGKILL is in the database after the restart', async () => {
	test.setTimeout(240_000);
	const dir = mkdtempSync(join(tmpdir(), 'imroc-crash-'));
	const databasePath = join(dir, 'crash.sqlite');
	let log = '';
	const start = () =>
		startAppServer({ databasePath, env: { LOG_LEVEL: 'warn' }, output: (t) => (log += t) });
	let server = await start();
	try {
		const targets = readTargets(databasePath);
		const cookies = {} as Record<DemoPerson, string>;
		for (const person of Object.keys(DEMO) as DemoPerson[])
			cookies[person] = await signIn(server.baseURL, person);
		const rated = [targets.assessments[0]];
		await inviteRaters(server.baseURL, targets, cookies, rated);

		const slots = slotsFor(targets, rated);
		const notes = noteTargets(targets);
		const ledger = new Ledger(TAG);
		// Each writer works through its own slots in turn, so no two saves of one slot overlap.
		const scoreWriters = targets.assessments.map((a) =>
			slots.filter((s) => s.kind === 'score' && s.assessment === a)
		);
		const ratingWriters = (Object.keys(DEMO) as DemoPerson[])
			.map((person) => slots.filter((s) => s.kind === 'rating' && s.person === person))
			.filter((own) => own.length > 0);
		const pages: [string, string][] = [
			...targets.assessments.map((a): [string, string] => [a.path, cookies.orgadmin]),
			...ratingWriters.map((own): [string, string] => [
				`${own[0].assessment.path}/rating`,
				cookies[own[0].person]
			]),
			...notes.map((n): [string, string] => [n.action.path, cookies[n.person]])
		];
		const turns = new Map<Slot[], number>();
		const notesRefused = new Set<NoteTarget>();

		const slotWriter = async (own: Slot[], flight: Flight) => {
			while (!flight.stopped) {
				const turn = turns.get(own) ?? 0;
				turns.set(own, turn + 1);
				const slot = own[turn % own.length];
				if (slot.kind === 'score' && slot.revision === null) readRevisions(databasePath, [slot]);
				const write = slotWrite(TAG, slot, ledger.next());
				const answer = await send(server, cookies[slot.person], write, flight);
				ledger.settle(write, answer, slot);
				if (!answer) return;
			}
		};
		// Notes are few (30 a person an hour): spread over the run, and stopped once refused for that.
		const noteWriter = async (target: NoteTarget, flight: Flight) => {
			while (!flight.stopped && !notesRefused.has(target)) {
				await new Promise((r) => setTimeout(r, 100 + Math.random() * 300));
				if (flight.stopped) return;
				const write = noteWrite(TAG, target, ledger.next());
				const answer = await send(server, cookies[target.person], write, flight);
				ledger.settle(write, answer);
				if (!answer) return;
				if (answer.status === 429) notesRefused.add(target);
			}
		};

		const inFlightAtKills: number[] = [];
		for (let kill = 0; kill < KILLS; kill++) {
			if (kill > 0) server = await start();
			// What the last kill left: every acknowledged write so far, and the revisions to go on from.
			ledger.check(databasePath, slots);
			readRevisions(databasePath, slots);
			// Everyone opens their page before saving, as in a browser. Done before anyone saves: a
			// freshly started server loads a route's code on its first request, and under a stream of
			// other saves that load can wait seconds.
			const opened = await Promise.all(
				pages.map(([path, cookie]) => openPage(server.baseURL, path, cookie))
			);
			expect(opened.every((status) => status === 200)).toBe(true);
			const flight: Flight = { stopped: false, inFlight: 0 };
			const writers = [
				...scoreWriters.map((own) => slotWriter(own, flight)),
				...ratingWriters.map((own) => slotWriter(own, flight)),
				...notes.map((target) => noteWriter(target, flight))
			];
			await new Promise((r) =>
				setTimeout(r, RUN_MS.min + Math.random() * (RUN_MS.max - RUN_MS.min))
			);
			while (flight.inFlight === 0) await new Promise((r) => setTimeout(r, 1));
			inFlightAtKills.push(flight.inFlight);
			server.child.kill('SIGKILL');
			expect(await server.exited).toBeNull();
			flight.stopped = true;
			await Promise.all(writers);
		}

		server = await start();
		ledger.check(databasePath, slots);
		const file = checkFile(databasePath);
		const totals = ledger.totals;
		console.log(
			[
				`Crash test: ${inFlightAtKills.length} SIGKILLs, with ${Math.min(...inFlightAtKills)} to ${Math.max(...inFlightAtKills)} writes in flight at each.`,
				`Writes: ${totals.attempted} made, ${totals.acknowledged} acknowledged, ${totals.refused} refused, ${totals.unanswered} cut off by a kill, ${totals.lost} acknowledged but lost.`,
				...Object.entries(ledger.summary()).map(
					([kind, s]) =>
						`  ${kind}: ${s.acknowledged} acknowledged, ${s.unanswered} cut off, refused ${JSON.stringify(s.refusedByStatus)}, ${s.lost} lost`
				),
				`integrity_check: ${file.integrity}; foreign_key_check: ${file.foreignKeyProblems} problem(s).`
			].join('\n')
		);

		expect(inFlightAtKills).toHaveLength(KILLS);
		expect(inFlightAtKills.every((n) => n > 0)).toBe(true);
		for (const kind of ['score', 'rating', 'note'] as const)
			expect(ledger.acknowledged[kind].length, `${kind} writes acknowledged`).toBeGreaterThan(0);
		expect(ledger.summary()).toMatchObject({
			score: { lost: 0 },
			rating: { lost: 0 },
			note: { lost: 0 }
		});
		expect(file).toEqual({ integrity: 'ok', foreignKeyProblems: 0 });
		expect(log).not.toMatch(/SQLITE_(BUSY|CORRUPT|IOERR)/);
	} finally {
		if (server.child.exitCode === null && server.child.signalCode === null) {
			server.child.kill('SIGTERM');
			await server.exited;
		}
		rmSync(dir, { recursive: true, force: true });
	}
});
