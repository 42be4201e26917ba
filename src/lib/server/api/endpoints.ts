// The read API's endpoints as data: their columns (the same names in JSON, CSV and the OpenAPI
// document), their filters, and the SQL that reads them in pages ordered by a stable key.

import { ACTION_STATUSES } from '$lib/domain/actions';
import { ROUND_STATUSES } from '$lib/domain/rounds';
import { ORGANISATION_IN_SCOPE, SERVICE_IN_SCOPE } from './scope';

export type ColumnType = 'string' | 'integer' | 'boolean' | 'date' | 'date-time';

export interface Column {
	name: string;
	type: ColumnType;
	nullable?: boolean;
	description: string;
}

export type FilterKind =
	| { kind: 'organisation' | 'service' | 'round' }
	| { kind: 'challenge' }
	| { kind: 'enum'; values: readonly string[] }
	| { kind: 'date' };

export type Filter = FilterKind & {
	name: string;
	description: string;
	/** The SQL condition, with the value bound as `:<name>`. */
	condition: string;
};

export interface Endpoint {
	name: 'organisations' | 'services' | 'rounds' | 'scores' | 'actions';
	summary: string;
	columns: Column[];
	filters: Filter[];
	/** Expressions selected for the columns, in the same order. */
	select: string[];
	from: string;
	/** The scope condition and any condition every row meets. */
	where: string[];
	/** The stable sort key (text columns), also what a cursor carries. */
	key: string[];
}

const organisationFilter: Filter = {
	name: 'organisation',
	kind: 'organisation',
	description: 'Only this organisation (its id).',
	condition: 'o.id = :organisation'
};
const serviceFilter: Filter = {
	name: 'service',
	kind: 'service',
	description: 'Only this service (its id).',
	condition: 's.id = :service'
};
const fromFilter: Filter = {
	name: 'from',
	kind: 'date',
	description: 'Only rounds whose period ends on or after this date (YYYY-MM-DD).',
	condition: 'r.period_end >= :from'
};
const toFilter: Filter = {
	name: 'to',
	kind: 'date',
	description: 'Only rounds whose period starts on or before this date (YYYY-MM-DD).',
	condition: 'r.period_start <= :to'
};

const epochToIso = (column: string) =>
	`case when ${column} is null then null else strftime('%Y-%m-%dT%H:%M:%fZ', ${column} / 1000.0, 'unixepoch') end`;

export const ENDPOINTS: Endpoint[] = [
	{
		name: 'organisations',
		summary: 'The organisations the token’s holder has a role in.',
		columns: [
			{ name: 'organisation_id', type: 'string', description: 'The organisation’s id.' },
			{ name: 'organisation', type: 'string', description: 'Its name.' },
			{ name: 'ods_code', type: 'string', nullable: true, description: 'Its ODS code, if set.' },
			{
				name: 'grouping_label',
				type: 'string',
				description: 'What it calls its groupings of services, e.g. Directorate.'
			}
		],
		filters: [],
		select: ['o.id', 'o.name', 'o.ods_code', 'o.grouping_label'],
		from: 'organisation o',
		where: [ORGANISATION_IN_SCOPE],
		key: ['o.id']
	},
	{
		name: 'services',
		summary: 'Services (teams) the token’s holder can see.',
		columns: [
			{ name: 'service_id', type: 'string', description: 'The service’s id.' },
			{ name: 'service', type: 'string', description: 'Its name.' },
			{ name: 'organisation_id', type: 'string', description: 'Its organisation’s id.' },
			{ name: 'organisation', type: 'string', description: 'Its organisation’s name.' },
			{ name: 'grouping', type: 'string', nullable: true, description: 'Its grouping, if any.' },
			{ name: 'service_type', type: 'string', description: 'The kind of service.' },
			{ name: 'archived', type: 'boolean', description: 'Whether it has been archived.' }
		],
		filters: [organisationFilter],
		select: ['s.id', 's.name', 'o.id', 'o.name', 'g.name', 's.type', '(s.archived_at is not null)'],
		from: 'service s join organisation o on o.id = s.organisation_id left join grouping g on g.id = s.grouping_id',
		where: [SERVICE_IN_SCOPE],
		key: ['s.id']
	},
	{
		name: 'rounds',
		summary: 'Assessment rounds of the organisations the token’s holder has a role in.',
		columns: [
			{ name: 'round_id', type: 'string', description: 'The round’s id.' },
			{ name: 'round', type: 'string', description: 'Its title.' },
			{ name: 'organisation_id', type: 'string', description: 'Its organisation’s id.' },
			{ name: 'organisation', type: 'string', description: 'Its organisation’s name.' },
			{ name: 'period_start', type: 'date', description: 'The first day of its period.' },
			{ name: 'period_end', type: 'date', description: 'The last day of its period.' },
			{ name: 'status', type: 'string', description: 'draft, open or closed.' },
			{ name: 'framework', type: 'string', description: 'The framework it rates against.' },
			{ name: 'framework_version', type: 'integer', description: 'That framework’s version.' },
			{
				name: 'closed_at',
				type: 'date-time',
				nullable: true,
				description: 'When it was closed (UTC).'
			}
		],
		filters: [
			organisationFilter,
			{
				name: 'status',
				kind: 'enum',
				values: ROUND_STATUSES,
				description: 'Only rounds with this status.',
				condition: 'r.status = :status'
			},
			fromFilter,
			toFilter
		],
		select: [
			'r.id',
			'r.title',
			'o.id',
			'o.name',
			'r.period_start',
			'r.period_end',
			'r.status',
			'f.name',
			'f.version',
			epochToIso('r.closed_at')
		],
		from: 'round r join organisation o on o.id = r.organisation_id join framework f on f.id = r.framework_id',
		where: [ORGANISATION_IN_SCOPE],
		key: ['r.id']
	},
	{
		name: 'scores',
		summary:
			'Agreed levels, one row per service, round and challenge (levels not yet agreed are left out).',
		columns: [
			{ name: 'organisation_id', type: 'string', description: 'The organisation’s id.' },
			{ name: 'organisation', type: 'string', description: 'The organisation’s name.' },
			{ name: 'service_id', type: 'string', description: 'The service’s id.' },
			{ name: 'service', type: 'string', description: 'The service’s name.' },
			{ name: 'round_id', type: 'string', description: 'The round’s id.' },
			{ name: 'round', type: 'string', description: 'The round’s title.' },
			{ name: 'period_start', type: 'date', description: 'The first day of the round’s period.' },
			{ name: 'period_end', type: 'date', description: 'The last day of the round’s period.' },
			{
				name: 'assessment_complete',
				type: 'boolean',
				description:
					'Whether the service has marked its assessment complete (the dashboards count only these).'
			},
			{
				name: 'challenge_key',
				type: 'string',
				description: 'The challenge’s key in its framework, stable across versions.'
			},
			{ name: 'challenge_position', type: 'integer', description: 'The challenge’s number.' },
			{ name: 'challenge', type: 'string', description: 'The challenge’s name.' },
			{ name: 'level', type: 'integer', description: 'The agreed level.' },
			{ name: 'level_name', type: 'string', description: 'The agreed level’s name.' }
		],
		filters: [
			organisationFilter,
			{ ...serviceFilter },
			{
				name: 'round',
				kind: 'round',
				description: 'Only this round (its id).',
				condition: 'r.id = :round'
			},
			{
				name: 'challenge',
				kind: 'challenge',
				description: 'Only this challenge (its key, as in challenge_key).',
				condition: 'c.pack_challenge_key = :challenge'
			},
			fromFilter,
			toFilter
		],
		select: [
			'o.id',
			'o.name',
			's.id',
			's.name',
			'r.id',
			'r.title',
			'r.period_start',
			'r.period_end',
			"(a.status = 'complete')",
			'c.pack_challenge_key',
			'c.position',
			'c.name',
			'sc.level',
			'l.name'
		],
		// CROSS JOIN fixes the order SQLite reads in: assessments by id, then each one's scores by
		// challenge (its primary key), so rows come out already in key order and a batch never
		// sorts the whole table. Left to itself, the planner starts from the scope's services and
		// sorts every matching score for every batch.
		from: `assessment a
			cross join service s on s.id = a.service_id
			cross join agreed_score sc on sc.assessment_id = a.id
			join organisation o on o.id = s.organisation_id
			join round r on r.id = a.round_id
			join challenge c on c.id = sc.challenge_id
			left join level l on l.framework_id = c.framework_id and l.value = sc.level`,
		where: ['sc.level is not null', SERVICE_IN_SCOPE],
		key: ['a.id', 'sc.challenge_id']
	},
	{
		name: 'actions',
		summary: 'Improvement actions in the plans of the services the token’s holder can see.',
		columns: [
			{ name: 'action_id', type: 'string', description: 'The action’s id.' },
			{ name: 'title', type: 'string', description: 'What is to be done.' },
			{ name: 'organisation_id', type: 'string', description: 'The organisation’s id.' },
			{ name: 'organisation', type: 'string', description: 'The organisation’s name.' },
			{ name: 'service_id', type: 'string', description: 'The service’s id.' },
			{ name: 'service', type: 'string', description: 'The service’s name.' },
			{ name: 'challenge_key', type: 'string', description: 'The challenge it is about.' },
			{ name: 'challenge', type: 'string', description: 'That challenge’s name.' },
			{ name: 'owner', type: 'string', nullable: true, description: 'Who owns it.' },
			{ name: 'start_date', type: 'date', nullable: true, description: 'When it starts.' },
			{ name: 'due_date', type: 'date', description: 'When it is due.' },
			{
				name: 'status',
				type: 'string',
				description: 'not_started, in_progress, done or dropped.'
			},
			{
				name: 'closed_at',
				type: 'date-time',
				nullable: true,
				description: 'When it was done or dropped (UTC).'
			}
		],
		filters: [
			organisationFilter,
			serviceFilter,
			{
				name: 'status',
				kind: 'enum',
				values: ACTION_STATUSES,
				description: 'Only actions with this status.',
				condition: 'ia.status = :status'
			}
		],
		select: [
			'ia.id',
			'ia.title',
			'o.id',
			'o.name',
			's.id',
			's.name',
			'c.pack_challenge_key',
			'c.name',
			'coalesce(u.name, ia.owner_name)',
			'ia.start_date',
			'ia.due_date',
			'ia.status',
			epochToIso('ia.closed_at')
		],
		from: `improvement_action ia
			join service s on s.id = ia.service_id
			join organisation o on o.id = s.organisation_id
			join challenge c on c.id = ia.challenge_id
			left join user u on u.id = ia.owner_user_id`,
		where: [SERVICE_IN_SCOPE],
		key: ['ia.id']
	}
];

export function endpointNamed(name: string): Endpoint | undefined {
	return ENDPOINTS.find((e) => e.name === name);
}
