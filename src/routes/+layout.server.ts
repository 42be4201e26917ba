import type { LayoutServerLoad } from './$types';

// Only what the page header needs; never a token, hash or membership list.
export const load = (({ locals }) => ({
	user: locals.user ? { name: locals.user.name } : null
})) satisfies LayoutServerLoad;
