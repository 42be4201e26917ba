import { describe, expect, it } from 'vitest';
import { safeRedirectTarget } from '$lib/server/auth/redirect';

const ORIGIN = 'http://localhost:3000';
const target = (candidate: string | null) => safeRedirectTarget(candidate, ORIGIN, '/fallback');

/** Where a browser would go from this page if sent `location` in a redirect. */
const browserGoesTo = (location: string) => new URL(location, `${ORIGIN}/sign-in`);

describe('the place to return to after signing in', () => {
	it('keeps a path on this site, with its query and fragment', () => {
		expect(target('/organisations/abc?round=2#scores')).toBe('/organisations/abc?round=2#scores');
		expect(target('/')).toBe('/');
	});

	it('refuses nothing, other sites and addresses that are not paths', () => {
		for (const candidate of [
			null,
			'',
			'organisations',
			'https://evil.example/',
			'//evil.example',
			'javascript:alert(1)',
			'http://localhost:3000.evil.example/'
		]) {
			expect(target(candidate), String(candidate)).toBe('/fallback');
		}
	});

	it('refuses a path that browsers turn into another site (tab, new line, backslash)', () => {
		for (const candidate of [
			'/\t/evil.example',
			'/\n/evil.example',
			'/\r\n/evil.example',
			'/\\evil.example',
			'/\\/evil.example',
			'\\\\evil.example',
			'/\t\\evil.example',
			' //evil.example',
			'/./\\evil.example'
		]) {
			const location = target(candidate);
			expect(browserGoesTo(location).origin, JSON.stringify(candidate)).toBe(ORIGIN);
			expect(location.startsWith('//'), JSON.stringify(candidate)).toBe(false);
		}
	});

	it('never answers with a path that starts with two slashes (a scheme-relative address)', () => {
		for (const candidate of ['/.//evil.example', '/..//evil.example', '/a/..//evil.example']) {
			const location = target(candidate);
			expect(location.startsWith('//'), candidate).toBe(false);
			expect(browserGoesTo(location).origin, candidate).toBe(ORIGIN);
		}
	});

	it('keeps encoded slashes and backslashes as a harmless path on this site', () => {
		for (const candidate of ['/%2F%2Fevil.example', '/%5Cevil.example', '/%2f/evil.example']) {
			const location = target(candidate);
			expect(location.startsWith('/'), candidate).toBe(true);
			expect(location.startsWith('//'), candidate).toBe(false);
			expect(browserGoesTo(location).origin, candidate).toBe(ORIGIN);
		}
	});

	it('answers with something a Location header can carry, whatever control characters came in', () => {
		for (const candidate of [
			'/a\u0000b',
			'/a\u0007b?x=\u001b',
			'/\u007f',
			'/caf\u00e9',
			'/a\u2028b'
		]) {
			const location = target(candidate);
			expect(() => new Headers({ location }), JSON.stringify(candidate)).not.toThrow();
			expect(browserGoesTo(location).origin).toBe(ORIGIN);
		}
	});
});
