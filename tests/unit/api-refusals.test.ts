import { describe, expect, it } from 'vitest';
import { isApiPath, refuseApiRequest } from '$lib/server/api/handle';

const event = (method: string, routeId: string | null) => ({
	request: new Request('http://localhost/api/v1/scores', { method }),
	route: { id: routeId }
});

describe('requests the read API takes no endpoint for', () => {
	it('answers an address that is not an endpoint with a JSON 404, whatever the method', async () => {
		for (const method of ['GET', 'POST']) {
			const answer = refuseApiRequest(event(method, null))!;
			expect(answer.status).toBe(404);
			expect(await answer.json()).toMatchObject({ error: { status: 404 } });
		}
	});

	it('answers any method but GET and HEAD with a JSON 405 that says which it takes', async () => {
		for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
			const answer = refuseApiRequest(event(method, '/api/v1/scores'))!;
			expect(answer.status, method).toBe(405);
			expect(answer.headers.get('allow')).toBe('GET, HEAD');
			const { error } = await answer.json();
			expect(error.status).toBe(405);
			expect(error.message).toContain(method);
		}
	});

	it('lets GET and HEAD through to the endpoint', () => {
		expect(refuseApiRequest(event('GET', '/api/v1/scores'))).toBeNull();
		expect(refuseApiRequest(event('HEAD', '/api/v1/scores'))).toBeNull();
	});

	it('knows the API’s paths from the site’s', () => {
		expect(isApiPath('/api')).toBe(true);
		expect(isApiPath('/api/v1/scores')).toBe(true);
		expect(isApiPath('/apiary')).toBe(false);
		expect(isApiPath('/organisations')).toBe(false);
	});
});
