import { requirePerson } from '$lib/server/http/require';
import { myWork } from '$lib/server/actions/my-work';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const person = requirePerson(event);
	return { work: myWork(event.locals.db, person) };
}) satisfies PageServerLoad;
