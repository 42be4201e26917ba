// The OpenAPI 3.1 document, written from the same endpoint definitions the API answers from, so
// the two cannot drift apart.

import { ENDPOINTS, type Column, type Endpoint, type Filter } from './endpoints';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './requests';
import { UNAUTHORISED_MESSAGE } from './handle';

function columnSchema(column: Column) {
	const base =
		column.type === 'date'
			? { type: 'string', format: 'date' }
			: column.type === 'date-time'
				? { type: 'string', format: 'date-time' }
				: { type: column.type };
	return {
		...base,
		...(column.nullable ? { type: [base.type, 'null'] } : {}),
		description: column.description
	};
}

function filterParameter(filter: Filter) {
	const schema =
		filter.kind === 'enum'
			? { type: 'string', enum: [...filter.values] }
			: filter.kind === 'date'
				? { type: 'string', format: 'date' }
				: { type: 'string' };
	return {
		name: filter.name,
		in: 'query',
		required: false,
		description: filter.description,
		schema
	};
}

const errorResponse = (description: string) => ({
	description,
	content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }
});

function path(endpoint: Endpoint) {
	const row = `${endpoint.name[0].toUpperCase()}${endpoint.name.slice(1)}Row`;
	return {
		get: {
			operationId: `list${row.slice(0, -3)}`,
			summary: endpoint.summary,
			parameters: [
				...endpoint.filters.map(filterParameter),
				{ $ref: '#/components/parameters/format' },
				{ $ref: '#/components/parameters/limit' },
				{ $ref: '#/components/parameters/cursor' }
			],
			responses: {
				'200': {
					description:
						'A page of rows as JSON, or with format=csv every row as a CSV file (UTF-8 with a byte-order mark).',
					content: {
						'application/json': {
							schema: {
								type: 'object',
								required: ['data', 'next_cursor', 'next'],
								properties: {
									data: { type: 'array', items: { $ref: `#/components/schemas/${row}` } },
									next_cursor: {
										type: ['string', 'null'],
										description: 'Pass as cursor for the next page; null on the last page.'
									},
									next: {
										type: ['string', 'null'],
										description: 'The address of the next page, or null.'
									}
								}
							}
						},
						'text/csv': { schema: { type: 'string' } }
					}
				},
				'400': errorResponse('A parameter the endpoint does not take, or a value it cannot use.'),
				'401': errorResponse(UNAUTHORISED_MESSAGE),
				'404': errorResponse('A filter names something this token cannot read.')
			}
		}
	};
}

export function openApiDocument(serverUrl: string) {
	return {
		openapi: '3.1.0',
		info: {
			title: 'ImROC self-assessment read API',
			version: '1.0.0',
			description:
				'Read-only access to what the token’s holder can see in the app, as it is at the moment of each call. Make a token under Your account → API tokens.'
		},
		servers: [{ url: serverUrl }],
		security: [{ bearer: [] }, { basic: [] }],
		paths: Object.fromEntries(ENDPOINTS.map((e) => [`/api/v1/${e.name}`, path(e)])),
		components: {
			securitySchemes: {
				bearer: { type: 'http', scheme: 'bearer', description: 'The API token.' },
				basic: {
					type: 'http',
					scheme: 'basic',
					description: 'Any user name, with the API token as the password (as Power BI sends it).'
				}
			},
			parameters: {
				format: {
					name: 'format',
					in: 'query',
					required: false,
					schema: { type: 'string', enum: ['json', 'csv'], default: 'json' }
				},
				limit: {
					name: 'limit',
					in: 'query',
					required: false,
					description: 'Rows per page (JSON only).',
					schema: {
						type: 'integer',
						minimum: 1,
						maximum: MAX_PAGE_SIZE,
						default: DEFAULT_PAGE_SIZE
					}
				},
				cursor: {
					name: 'cursor',
					in: 'query',
					required: false,
					description: 'The next_cursor of the previous page (JSON only), with the same filters.',
					schema: { type: 'string' }
				}
			},
			schemas: {
				Error: {
					type: 'object',
					required: ['error'],
					properties: {
						error: {
							type: 'object',
							required: ['status', 'message'],
							properties: { status: { type: 'integer' }, message: { type: 'string' } }
						}
					}
				},
				...Object.fromEntries(
					ENDPOINTS.map((e) => [
						`${e.name[0].toUpperCase()}${e.name.slice(1)}Row`,
						{
							type: 'object',
							required: e.columns.map((c) => c.name),
							properties: Object.fromEntries(e.columns.map((c) => [c.name, columnSchema(c)]))
						}
					])
				)
			}
		}
	};
}
