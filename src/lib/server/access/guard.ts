import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { may, type Action, type Person, type Resource } from './policy';

/** The signed-in person, or a redirect to sign-in that comes back here afterwards. */
export function requirePerson(event: Pick<RequestEvent, 'locals' | 'url' | 'request'>): Person {
	const person = event.locals.person;
	if (!person) {
		// After a form post, come back to the page itself, not to the action.
		const back =
			event.request.method === 'GET' ? event.url.pathname + event.url.search : event.url.pathname;
		redirect(303, `/sign-in?redirectTo=${encodeURIComponent(back)}`);
	}
	return person;
}

/**
 * Signed in and allowed, or the request ends. What a person may not reach answers 404, so a
 * guessed id does not even confirm that the thing exists.
 */
export function authorise(
	event: Pick<RequestEvent, 'locals' | 'url' | 'request'>,
	action: Action,
	resource: Resource = {}
): Person {
	const person = requirePerson(event);
	if (!may(person, action, resource)) {
		console.warn(
			`access refused: person=${person.id} action=${action} resource=${JSON.stringify(resource)} ${event.request.method} ${event.url.pathname}`
		);
		error(404, 'Page not found');
	}
	return person;
}
