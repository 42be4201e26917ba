// Paging cursors: the last row's sort key and a digest of the request it belongs to, signed with
// HMAC-SHA-256. A cursor that was changed, or used with other filters, is refused (400) rather
// than trusted. The key lives for the process: after a restart, old cursors are refused and the
// client starts again from the first page.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const key = randomBytes(32);

function mac(payload: string): Buffer {
	return createHmac('sha256', key).update(payload).digest().subarray(0, 16);
}

export function encodeCursor(after: string[], request: string): string {
	const payload = Buffer.from(JSON.stringify({ a: after, r: digest(request) })).toString(
		'base64url'
	);
	return `${payload}.${mac(payload).toString('base64url')}`;
}

function digest(request: string): string {
	return createHmac('sha256', key).update(`request:${request}`).digest('base64url').slice(0, 16);
}

/** The sort key after which the next page starts, or null when the cursor is not one we gave for this request. */
export function decodeCursor(cursor: string, request: string, keyLength: number): string[] | null {
	const parts = cursor.split('.');
	if (parts.length !== 2 || cursor.length > 2000) return null;
	const [payload, signature] = parts;
	const given = Buffer.from(signature, 'base64url');
	const expected = mac(payload);
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
	try {
		const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
		if (!value || typeof value !== 'object') return null;
		const { a, r } = value as { a?: unknown; r?: unknown };
		if (r !== digest(request)) return null;
		if (!Array.isArray(a) || a.length !== keyLength || !a.every((k) => typeof k === 'string'))
			return null;
		return a as string[];
	} catch {
		return null;
	}
}
