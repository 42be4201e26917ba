import { describe, expect, it } from 'vitest';
import { openApiDocument } from '$lib/server/api/openapi';
import { ENDPOINTS } from '$lib/server/api/endpoints';

describe('the OpenAPI document', () => {
	const document = openApiDocument('https://imroc.example');

	it('is OpenAPI 3.1 with both ways of sending the token', () => {
		expect(document.openapi).toBe('3.1.0');
		expect(document.servers).toEqual([{ url: 'https://imroc.example' }]);
		expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['basic', 'bearer']);
	});

	it('describes every endpoint, its filters and every column it answers with', () => {
		expect(Object.keys(document.paths).sort()).toEqual(
			ENDPOINTS.map((e) => `/api/v1/${e.name}`).sort()
		);
		for (const endpoint of ENDPOINTS) {
			const get = document.paths[`/api/v1/${endpoint.name}`].get;
			const names = get.parameters.map((p) => ('name' in p ? p.name : p.$ref.split('/').pop()));
			expect(names).toEqual([...endpoint.filters.map((f) => f.name), 'format', 'limit', 'cursor']);
			expect(Object.keys(get.responses).sort()).toEqual(['200', '400', '401', '404']);
			const row = Object.entries(document.components.schemas).find(
				([name]) => name.toLowerCase() === `${endpoint.name}row`
			)?.[1] as { properties: Record<string, unknown> };
			expect(Object.keys(row.properties)).toEqual(endpoint.columns.map((c) => c.name));
		}
	});
});
