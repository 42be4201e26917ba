// Reading an endpoint's rows in key order, a page or a batch at a time. Each batch is its own
// short query (keyset paging), so a long CSV download never holds the database connection between
// batches and never has more than one batch in memory.

import type Database from 'better-sqlite3';
import type { CsvValue } from '$lib/format/csv';
import type { Db } from '../db/client';
import type { Column, Endpoint } from './endpoints';
import { scopeParameters, type ReadScope } from './scope';

export type ApiValue = string | number | boolean | null;

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function prepared(db: Db, sql: string): Database.Statement {
	let cache = statements.get(db.$client);
	if (!cache) statements.set(db.$client, (cache = new Map()));
	let statement = cache.get(sql);
	if (!statement) {
		statement = db.$client.prepare(sql).raw(true);
		cache.set(sql, statement);
	}
	return statement;
}

function pageSql(endpoint: Endpoint, filterNames: string[], after: boolean): string {
	const conditions = [
		...endpoint.where,
		...endpoint.filters.filter((f) => filterNames.includes(f.name)).map((f) => f.condition)
	];
	const key = endpoint.key;
	if (after && key.length === 1) conditions.push(`${key[0]} > :after0`);
	// Written as a range on the first column (which an index can seek to), not as a row value.
	if (after && key.length === 2)
		conditions.push(`${key[0]} >= :after0 and (${key[0]} > :after0 or ${key[1]} > :after1)`);
	return `select ${[...endpoint.select, ...key].join(', ')} from ${endpoint.from} where ${conditions.join(' and ')} order by ${key.join(', ')} limit :limit`;
}

function toValue(column: Column, value: unknown): ApiValue {
	if (value === null || value === undefined) return null;
	if (column.type === 'boolean') return value === 1 || value === true;
	return value as string | number;
}

export interface RowsAfter {
	rows: ApiValue[][];
	/** Each row's sort key, to continue after it. */
	keys: string[][];
}

/** Up to `limit` rows after `after` (or from the start), in key order. */
export function readRows(
	db: Db,
	endpoint: Endpoint,
	scope: ReadScope,
	filters: Record<string, string>,
	after: string[] | null,
	limit: number
): RowsAfter {
	const sql = pageSql(endpoint, Object.keys(filters), after !== null);
	const all: Record<string, unknown> = {
		...scopeParameters(scope),
		...filters,
		limit,
		...Object.fromEntries((after ?? []).map((k, i) => [`after${i}`, k]))
	};
	// better-sqlite3 refuses named parameters the statement does not use.
	const params = Object.fromEntries(
		Object.entries(all).filter(([name]) => sql.includes(`:${name}`))
	);
	const raw = prepared(db, sql).all(params) as unknown[][];
	const width = endpoint.columns.length;
	const rows = raw.map((row) => endpoint.columns.map((column, i) => toValue(column, row[i])));
	return { rows, keys: raw.map((row) => row.slice(width) as string[]) };
}

// About 100 KB of CSV a batch: text this small stays in V8's young generation, which is collected
// often and cheaply, where larger strings would pile up in the old one between full collections.
export const CSV_BATCH_ROWS = 500;

/** Every row, a batch at a time, for a CSV download. */
export function* rowBatches(
	db: Db,
	endpoint: Endpoint,
	scope: ReadScope,
	filters: Record<string, string>,
	batchRows = CSV_BATCH_ROWS
): Generator<CsvValue[][]> {
	let after: string[] | null = null;
	for (;;) {
		const { rows, keys } = readRows(db, endpoint, scope, filters, after, batchRows);
		if (rows.length > 0) yield rows;
		if (rows.length < batchRows) return;
		after = keys[keys.length - 1];
	}
}
