import type { Cookies, RequestEvent } from '@sveltejs/kit';
import { sessionLimits } from '../config';
import {
	SESSION_COOKIE,
	createSession,
	invalidateSession,
	validateSessionToken
} from '../auth/session';
import { personFor } from '../users';

type SessionEvent = Pick<RequestEvent, 'cookies' | 'locals' | 'url'>;

const isSecure = (url: URL) => url.protocol === 'https:';

function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date, secure: boolean) {
	cookies.set(SESSION_COOKIE, token, {
		httpOnly: true,
		sameSite: 'lax',
		secure,
		path: '/',
		expires: expiresAt
	});
}

function deleteSessionCookie(cookies: Cookies, secure: boolean) {
	cookies.set(SESSION_COOKIE, '', {
		httpOnly: true,
		sameSite: 'lax',
		secure,
		path: '/',
		maxAge: 0
	});
}

/** Signs a person in on this browser: sign-in, first-run setup and accepting an invitation. */
export function startSession(event: SessionEvent, userId: string): void {
	const { token, session } = createSession(event.locals.db, userId, sessionLimits());
	setSessionCookie(event.cookies, token, session.expiresAt, isSecure(event.url));
}

/** Reads the session cookie into `locals` (renewing it), or clears a cookie that is no good. */
export function resumeSession(event: SessionEvent): void {
	event.locals.user = null;
	event.locals.session = null;
	event.locals.person = null;
	const token = event.cookies.get(SESSION_COOKIE);
	if (!token) return;
	const result = validateSessionToken(event.locals.db, token, sessionLimits());
	if (!result) {
		deleteSessionCookie(event.cookies, isSecure(event.url));
		return;
	}
	event.locals.user = result.user;
	event.locals.session = result.session;
	event.locals.person = personFor(event.locals.db, result.user);
	setSessionCookie(event.cookies, token, result.session.expiresAt, isSecure(event.url));
}

/** Signs out of this browser. */
export function endSession(event: SessionEvent): void {
	if (event.locals.session) invalidateSession(event.locals.db, event.locals.session.id);
	deleteSessionCookie(event.cookies, isSecure(event.url));
}
