import { describe, expect, it } from 'vitest';
import type { RequestEvent } from '@sveltejs/kit';
import {
	actionsOfRoute,
	FILE_FORM_LIMIT,
	FORM_LIMIT,
	isOwnAction,
	mediaType,
	refuseFormPost,
	requestedAction
} from '$lib/server/http/form-posts';
import { safeRedirectTarget } from '$lib/server/auth/redirect';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import { z } from 'zod';
import { ACTION_RULES, splitActionKey } from '../action-rules';

const ORIGIN = 'http://localhost';
const url = (query: string) => new URL(`http://localhost/account${query}`);

describe('which action a form post asks for', () => {
	it('reads the name as SvelteKit does: the first query parameter that starts with a slash', () => {
		expect(requestedAction(url(''))).toEqual({ name: 'default', explicit: false });
		expect(requestedAction(url('?/save'))).toEqual({ name: 'save', explicit: true });
		expect(requestedAction(url('?redirectTo=/x&/save&/other'))).toEqual({
			name: 'save',
			explicit: true
		});
		expect(requestedAction(url('?/%5F%5Fproto%5F%5F'))).toEqual({
			name: '__proto__',
			explicit: true
		});
		expect(requestedAction(url('?/default'))).toEqual({ name: 'default', explicit: true });
	});

	it('lets through only a page’s own actions, and its default action only unnamed', () => {
		const named = { save: () => {}, submit: () => {} };
		const only = { default: () => {} };
		expect(isOwnAction(named, { name: 'save', explicit: true })).toBe(true);
		for (const name of [
			'__proto__',
			'constructor',
			'toString',
			'hasOwnProperty',
			'valueOf',
			'isPrototypeOf',
			'__defineGetter__',
			'default',
			'missing',
			''
		]) {
			expect(isOwnAction(named, { name, explicit: true }), name).toBe(false);
			expect(isOwnAction(only, { name, explicit: true }), name).toBe(false);
		}
		expect(isOwnAction(only, { name: 'default', explicit: false })).toBe(true);
		expect(isOwnAction(named, { name: 'default', explicit: false })).toBe(false);
		// An own property that is not a function is not an action either.
		expect(isOwnAction({ save: 'nope' }, { name: 'save', explicit: true })).toBe(false);
	});

	it('finds every action of tests/action-rules.ts in its route’s own module, and nothing else', async () => {
		const missing: string[] = [];
		for (const key of Object.keys(ACTION_RULES)) {
			const { route, name } = splitActionKey(key);
			const actions = await actionsOfRoute(route);
			if (!actions || !isOwnAction(actions, { name, explicit: name !== 'default' }))
				missing.push(key);
			if (actions && isOwnAction(actions, { name: '__proto__', explicit: true }))
				missing.push(`${route}?/__proto__ passes`);
		}
		expect(missing).toEqual([]);
		expect(await actionsOfRoute('/organisations/[organisation]/dashboard')).toBeUndefined();
		expect(await actionsOfRoute('/no/such/route')).toBeUndefined();
		expect(await actionsOfRoute(null)).toBeUndefined();
	});

	it('reads a content type without its parameters, in any case', () => {
		expect(mediaType('Multipart/Form-Data; boundary=x')).toBe('multipart/form-data');
		expect(mediaType(' application/x-www-form-urlencoded ;charset=UTF-8')).toBe(
			'application/x-www-form-urlencoded'
		);
		expect(mediaType(null)).toBe('');
	});
});

describe('a place to return to after signing in', () => {
	it('is never one that cannot go into a Location header as it is', () => {
		for (const target of [
			'/\n/evil',
			'/\r\nSet-Cookie:x',
			'/\0',
			'/\x7f',
			'/\u202e',
			'/\u0085',
			'/\t/evil',
			'/a b'
		])
			expect(safeRedirectTarget(target, ORIGIN), JSON.stringify(target)).toMatch(
				/^\/(?!\/)[\x21-\x7e]*$/
			);
		// A browser drops tabs and new lines, so these would lead to another host.
		for (const target of ['/\n/evil', '/\t/evil'])
			expect(safeRedirectTarget(target, ORIGIN)).toBe('/organisations');
		expect(safeRedirectTarget('/organisations/abc?x=%0A', ORIGIN)).toBe('/organisations/abc?x=%0A');
	});
});

describe('a posted field named __proto__', () => {
	const posted = () => {
		const form = new FormData();
		for (const value of ['1', '2']) form.append('__proto__', value);
		form.append('name', 'Ward 3');
		return form;
	};

	it('is left out of what a refused form keeps, which stays a plain object', () => {
		const { data } = formFailure({ url: new URL('http://localhost/x?/save') }, 400, posted(), {
			message: 'No'
		});
		for (const kept of [data.values, data.lists]) {
			expect(Object.getPrototypeOf(kept)).toBe(Object.prototype);
			expect(Object.keys(kept)).not.toContain('__proto__');
		}
		expect(data.values).toEqual({ name: 'Ward 3' });
	});

	it('is not read into a parsed form', () => {
		const parsed = parseForm(z.object({ name: z.string() }).strict(), posted());
		expect(parsed).toEqual({ ok: true, data: { name: 'Ward 3' } });
	});
});

describe('how much a form may send', () => {
	const post = (routeId: string, path: string, bytes: number) =>
		refuseFormPost({
			route: { id: routeId },
			url: new URL(`http://localhost${path}`),
			request: new Request(`http://localhost${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: `a=${'x'.repeat(bytes - 2)}`
			})
		} as unknown as RequestEvent);

	it('takes a 10 MB file on the forms that upload one, and 4 MB on any other', async () => {
		const imports = '/organisations/[organisation]/imports';
		const fiveMegabytes = 5 * 1024 * 1024;
		expect(await post(imports, '/organisations/o/imports?/upload', fiveMegabytes)).toBeNull();
		expect(await post('/admin/frameworks', '/admin/frameworks?/import', fiveMegabytes)).toBeNull();
		const tooBig = await post(imports, '/organisations/o/imports?/upload', FILE_FORM_LIMIT + 1);
		expect(tooBig?.status).toBe(413);
		expect(await tooBig?.text()).toMatch(/10 MB or smaller/);
		const ordinary = await post(
			'/organisations/[organisation]/groupings',
			'/organisations/o/groupings',
			FORM_LIMIT + 1
		);
		expect(ordinary?.status).toBe(413);
	});
});
