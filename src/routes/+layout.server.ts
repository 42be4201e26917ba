import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import type { LayoutServerLoad } from './$types';

/** Whose input is kept across an expired session (see $lib/forms/keep-input.ts), without the id itself. */
const keepKeyFor = (userId: string) =>
	encodeHexLowerCase(sha256(new TextEncoder().encode(`kept-input:${userId}`))).slice(0, 32);

// Only what the page header needs; never a token, hash or membership list.
export const load = (({ locals }) => ({
	user: locals.user ? { name: locals.user.name, keepKey: keepKeyFor(locals.user.id) } : null
})) satisfies LayoutServerLoad;
