import { expect, type APIRequestContext } from '@playwright/test';
import { VISITORS, type Visitor } from '../route-rules';

/** Signs a request context in as a demo visitor, as a browser's form post would. */
export async function signInRequest(
	request: APIRequestContext,
	baseURL: string,
	visitor: Exclude<Visitor, 'anonymous'>
) {
	const { email, password } = VISITORS[visitor];
	const response = await request.post(`${baseURL}/sign-in`, {
		form: { email, password },
		headers: { origin: baseURL, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(response.status(), `${email} signs in`).toBe(303);
}

/** Makes an API token through the account page's own form, and reads it from the page it answers. */
export async function makeToken(
	request: APIRequestContext,
	baseURL: string,
	name = 'API access test'
): Promise<string> {
	const response = await request.post(`${baseURL}/account/tokens?/create`, {
		form: { name, days: '30' },
		headers: { origin: baseURL, accept: 'text/html' }
	});
	expect(response.status()).toBe(200);
	const token = /imroc_[a-z2-7]{32}/.exec(await response.text())?.[0];
	expect(token, 'the new token is on the page').toBeDefined();
	return token!;
}
