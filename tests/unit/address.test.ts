import { describe, expect, it } from 'vitest';
import {
	isBrowserNavigation,
	openedElsewhere,
	wrongAddressLocation
} from '$lib/server/http/address';

const ORIGIN = 'http://localhost:3000';
const noProxySettings = {};

const request = (headers: Record<string, string>, httpVersion = '1.1') => ({
	headers: new Headers(headers),
	httpVersion
});

describe('a browser navigation', () => {
	it('is what fetch metadata says it is', () => {
		expect(isBrowserNavigation(new Headers({ 'sec-fetch-mode': 'navigate' }))).toBe(true);
		expect(isBrowserNavigation(new Headers({ 'sec-fetch-mode': 'cors' }))).toBe(false);
		expect(
			isBrowserNavigation(
				new Headers({ 'sec-fetch-mode': 'same-origin', 'upgrade-insecure-requests': '1' })
			)
		).toBe(false);
	});

	it('is told by Upgrade-Insecure-Requests where browsers send no fetch metadata (plain http)', () => {
		expect(isBrowserNavigation(new Headers({ 'upgrade-insecure-requests': '1' }))).toBe(true);
		expect(isBrowserNavigation(new Headers({ accept: 'text/html' }))).toBe(false);
	});
});

describe('a page opened at another address than ORIGIN', () => {
	it('is the address the browser used, when its Host is not ORIGIN’s', () => {
		expect(openedElsewhere(request({ host: '127.0.0.1:3000' }), ORIGIN, noProxySettings)).toBe(
			'http://127.0.0.1:3000'
		);
		expect(openedElsewhere(request({ host: 'imroc-server:3000' }), ORIGIN, noProxySettings)).toBe(
			'http://imroc-server:3000'
		);
		expect(openedElsewhere(request({ host: '[::1]:3000' }), ORIGIN, noProxySettings)).toBe(
			'http://[::1]:3000'
		);
	});

	it('is nothing when Host is ORIGIN’s, whatever its case or a default port', () => {
		expect(openedElsewhere(request({ host: 'localhost:3000' }), ORIGIN, noProxySettings)).toBe(
			null
		);
		expect(openedElsewhere(request({ host: 'LocalHost:3000' }), ORIGIN, noProxySettings)).toBe(
			null
		);
		expect(
			openedElsewhere(
				request({ host: 'imroc.example.nhs.uk:80' }),
				'http://imroc.example.nhs.uk',
				noProxySettings
			)
		).toBe(null);
	});

	it('cannot be told through a proxy, which may put its own upstream in Host', () => {
		const upstream = { host: '127.0.0.1:3000' };
		const proxyHeaders: Record<string, string>[] = [
			{ 'x-forwarded-for': '203.0.113.7' },
			{ 'x-forwarded-host': 'imroc.example.nhs.uk' },
			{ 'x-forwarded-proto': 'https' },
			{ forwarded: 'for=203.0.113.7;proto=https' },
			{ via: '1.1 proxy' },
			{ 'x-real-ip': '203.0.113.7' }
		];
		for (const headers of proxyHeaders) {
			expect(
				openedElsewhere(request({ ...upstream, ...headers }), ORIGIN, noProxySettings),
				JSON.stringify(headers)
			).toBe(null);
		}
		// nginx's bare proxy_pass: HTTP/1.0, its upstream as Host, and no forwarded header at all.
		expect(openedElsewhere(request(upstream, '1.0'), ORIGIN, noProxySettings)).toBe(null);
		for (const setting of ['HOST_HEADER', 'PROTOCOL_HEADER', 'PORT_HEADER', 'ADDRESS_HEADER']) {
			expect(
				openedElsewhere(request(upstream), ORIGIN, { [setting]: 'x-forwarded-whatever' }),
				setting
			).toBe(null);
		}
	});

	it('is nothing when Host is missing or not a plain host and port', () => {
		expect(openedElsewhere(request({}), ORIGIN, noProxySettings)).toBe(null);
		for (const host of ['evil.example/path', 'user@evil.example', 'a b', 'host:port']) {
			expect(openedElsewhere(request({ host }), ORIGIN, noProxySettings), host).toBe(null);
		}
	});
});

describe('the way to the wrong-address page', () => {
	it('keeps the path to open at the right address, and says when something was not saved', () => {
		expect(wrongAddressLocation('/organisations?sort=name', false)).toBe(
			'/wrong-address?path=%2Forganisations%3Fsort%3Dname'
		);
		expect(wrongAddressLocation('/sign-in', true)).toBe('/wrong-address?path=%2Fsign-in&refused=1');
	});
});
