// How long a request spent in SQLite, for the Server-Timing header the benchmark reads
// (SERVER_TIMING=1). Every statement better-sqlite3 runs goes through its Statement class, so
// timing its methods once counts drizzle's statements and hand-written ones alike.

import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';

export interface StatementTally {
	ms: number;
	statements: number;
}

const tallies = new AsyncLocalStorage<StatementTally>();
const timed = new WeakSet<object>();

/** Times every statement run through `sqlite`'s Statement class from now on. */
export function timeStatements(sqlite: Database.Database): void {
	const prototype = Object.getPrototypeOf(sqlite.prepare('select 1')) as Record<
		'run' | 'get' | 'all',
		(...args: unknown[]) => unknown
	>;
	if (timed.has(prototype)) return;
	timed.add(prototype);
	for (const method of ['run', 'get', 'all'] as const) {
		const untimed = prototype[method];
		prototype[method] = function (this: unknown, ...args: unknown[]) {
			const tally = tallies.getStore();
			if (!tally) return untimed.apply(this, args);
			const started = performance.now();
			try {
				return untimed.apply(this, args);
			} finally {
				tally.ms += performance.now() - started;
				tally.statements++;
			}
		};
	}
}

/** Runs `answer`, counting the statements it runs and the time they take into `tally`. */
export function withStatementTally<T>(tally: StatementTally, answer: () => T): T {
	return tallies.run(tally, answer);
}

/** The Server-Timing value for a request's statements. */
export function serverTiming(tally: StatementTally): string {
	return `sql;dur=${tally.ms.toFixed(2)};desc="${tally.statements} statements"`;
}
