// Reading an API request: the token from its Authorization header, and its query string checked
// against what the endpoint takes. Every refusal is a JSON error with a 4xx status.

import type { Db } from '../db/client';
import type { Endpoint, Filter } from './endpoints';
import { SERVICE_IN_SCOPE, scopeParameters, type ReadScope } from './scope';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
export const FORMATS = ['json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

const PAGING_PARAMETERS = ['format', 'limit', 'cursor'];

export class ApiRefusal extends Error {
	constructor(
		readonly status: 400 | 401 | 404 | 405,
		message: string
	) {
		super(message);
	}
}

/**
 * The token a request carries: `Authorization: Bearer <token>`, or Basic authentication with the
 * token as the password and any user name (what Power BI's Web connector sends).
 */
export function tokenFromHeader(header: string | null): string | null {
	if (!header) return null;
	const match = /^(\S+)\s+(\S+)\s*$/.exec(header);
	if (!match) return null;
	const [, scheme, value] = match;
	if (scheme.toLowerCase() === 'bearer') return value;
	if (scheme.toLowerCase() !== 'basic') return null;
	if (!/^[A-Za-z0-9+/]+=*$/.test(value)) return null;
	const decoded = Buffer.from(value, 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return null;
	return decoded.slice(colon + 1).trim() || null;
}

export interface ApiQuery {
	format: Format;
	limit: number;
	cursor: string | null;
	/** The filters given, by name, in the endpoint's order. */
	filters: Record<string, string>;
	/** The endpoint and its filters, in a fixed order: what usage is counted by and a cursor is bound to. */
	request: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(value: string): boolean {
	const match = ISO_DATE.exec(value);
	if (!match) return false;
	const date = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The query string, checked: unknown names, repeated names, bad values and page sizes are refused. */
export function readQuery(endpoint: Endpoint, url: URL): ApiQuery {
	const allowed = [...endpoint.filters.map((f) => f.name), ...PAGING_PARAMETERS];
	const seen = new Set<string>();
	for (const name of url.searchParams.keys()) {
		if (!allowed.includes(name))
			throw new ApiRefusal(
				400,
				`Unknown parameter “${name}”. /api/v1/${endpoint.name} takes: ${allowed.join(', ')}.`
			);
		if (seen.has(name)) throw new ApiRefusal(400, `Give “${name}” once only.`);
		seen.add(name);
	}
	const params = url.searchParams;
	const format = params.get('format') ?? 'json';
	if (!(FORMATS as readonly string[]).includes(format))
		throw new ApiRefusal(
			400,
			`Unknown format “${format}”: use format=json (the default) or format=csv.`
		);

	const limitText = params.get('limit');
	let limit = DEFAULT_PAGE_SIZE;
	if (limitText !== null) {
		if (!/^\d{1,7}$/.test(limitText) || Number(limitText) < 1)
			throw new ApiRefusal(400, `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
		limit = Number(limitText);
		if (limit > MAX_PAGE_SIZE)
			throw new ApiRefusal(
				400,
				`limit is at most ${MAX_PAGE_SIZE}; follow next_cursor for the rest, or use format=csv for every row at once.`
			);
	}
	const cursor = params.get('cursor');
	if (format === 'csv' && (cursor !== null || limitText !== null))
		throw new ApiRefusal(
			400,
			'format=csv returns every row in one file: leave out limit and cursor.'
		);

	const filters: Record<string, string> = {};
	for (const filter of endpoint.filters) {
		const value = params.get(filter.name);
		if (value === null) continue;
		checkFilterShape(filter, value);
		filters[filter.name] = value;
	}
	const filterText = new URLSearchParams(Object.entries(filters)).toString();
	return {
		format: format as Format,
		limit,
		cursor,
		filters,
		request: `/api/v1/${endpoint.name}${filterText ? `?${filterText}` : ''}`
	};
}

function checkFilterShape(filter: Filter, value: string) {
	switch (filter.kind) {
		case 'date':
			if (!isCalendarDate(value))
				throw new ApiRefusal(
					400,
					`${filter.name} must be a date written YYYY-MM-DD, such as 2026-04-01.`
				);
			return;
		case 'enum':
			if (!filter.values.includes(value))
				throw new ApiRefusal(
					400,
					`Unknown ${filter.name} “${value}”: use one of ${filter.values.join(', ')}.`
				);
			return;
		default:
			if (value.length === 0 || value.length > 200)
				throw new ApiRefusal(
					400,
					`${filter.name} must not be empty or longer than 200 characters.`
				);
	}
}

/**
 * Refuses a filter naming something the token cannot read, with the same 404 whether it does not
 * exist or belongs to someone else's scope, so that a guessed id confirms nothing.
 */
export function checkFilterValues(db: Db, endpoint: Endpoint, query: ApiQuery, scope: ReadScope) {
	const scopeParams = scopeParameters(scope);
	for (const filter of endpoint.filters) {
		const value = query.filters[filter.name];
		if (value === undefined) continue;
		let found = true;
		switch (filter.kind) {
			case 'organisation':
				found = scope.organisations.includes(value);
				break;
			case 'round':
				found = !!db.$client
					.prepare(
						`select 1 from round r where r.id = :id and r.organisation_id in (select value from json_each(:scopeOrganisations))`
					)
					.get({ id: value, scopeOrganisations: scopeParams.scopeOrganisations });
				break;
			case 'service':
				found = !!db.$client
					.prepare(`select 1 from service s where s.id = :id and ${SERVICE_IN_SCOPE}`)
					.get({
						id: value,
						scopeWholeOrganisations: scopeParams.scopeWholeOrganisations,
						scopeServices: scopeParams.scopeServices
					});
				break;
			case 'challenge':
				if (!db.$client.prepare('select 1 from challenge where pack_challenge_key = ?').get(value))
					throw new ApiRefusal(
						400,
						`No challenge has the key “${value}”: use a challenge_key as the scores list them.`
					);
				break;
		}
		if (!found)
			throw new ApiRefusal(
				404,
				`No ${filter.name} with the id “${value}” that this token can read.`
			);
	}
}
