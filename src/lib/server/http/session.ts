import type { Cookies, RequestEvent } from '@sveltejs/kit';
import { config, publicOrigin, sessionLimits } from '../config';
import { cookieSettings } from '../auth/cookies';
import { mfaRequiredFor, mfaState } from '../auth/mfa';
import { createSession, invalidateSession, validateSessionToken } from '../auth/session';
import { heldSignIn, holdSignIn, releaseSignIn } from '../auth/sign-in';
import { personFor } from '../users';

type SessionEvent = Pick<RequestEvent, 'cookies' | 'locals' | 'url'>;

const cookies = () => cookieSettings(publicOrigin());

function setSessionCookie(jar: Cookies, token: string, expiresAt: Date) {
	const { session, options } = cookies();
	jar.set(session, token, { ...options, expires: expiresAt });
}

function deleteSessionCookie(jar: Cookies) {
	const { session, options } = cookies();
	jar.set(session, '', { ...options, maxAge: 0 });
}

/**
 * Signs a person in on this browser: sign-in, first-run setup and accepting an invitation. Any
 * session this browser already had is ended first, so a shared computer never carries the last
 * person's session alongside the next one's, and the id is always a new one.
 */
export function startSession(event: SessionEvent, userId: string): void {
	if (event.locals.session) invalidateSession(event.locals.db, event.locals.session.id);
	const { token, session } = createSession(event.locals.db, userId, sessionLimits());
	setSessionCookie(event.cookies, token, session.expiresAt);
}

/**
 * A new session id for the person already signed in on this browser, after anything that changes
 * what the session stands for (a new password, two-step sign-in turned on, a new role): an id
 * someone may have seen before is then worth nothing.
 */
export function rotateSession(event: SessionEvent): void {
	const user = event.locals.user;
	if (!user) return;
	startSession(event, user.id);
}

/** Nobody signed in, whatever cookie came with the request. */
export function withoutSession(event: Pick<RequestEvent, 'locals'>): void {
	event.locals.user = null;
	event.locals.session = null;
	event.locals.person = null;
	event.locals.mustEnrolInMfa = false;
}

/** Reads the session cookie into `locals` (renewing it), or clears a cookie that is no good. */
export function resumeSession(event: SessionEvent): void {
	withoutSession(event);
	const token = event.cookies.get(cookies().session);
	if (!token) return;
	const result = validateSessionToken(event.locals.db, token, sessionLimits());
	if (!result) {
		deleteSessionCookie(event.cookies);
		return;
	}
	event.locals.user = result.user;
	event.locals.session = result.session;
	event.locals.person = personFor(event.locals.db, result.user);
	event.locals.mustEnrolInMfa =
		!config().demo &&
		mfaRequiredFor(event.locals.db, event.locals.person) &&
		!mfaState(event.locals.db, result.user.id).enabled;
	setSessionCookie(event.cookies, token, result.session.expiresAt);
}

/**
 * The Set-Cookie header resumeSession asked for, for an answer made without SvelteKit's resolve
 * (which adds the cookies set through `event.cookies` only to answers it makes).
 */
export function renewedSessionCookie(
	event: Pick<RequestEvent, 'cookies' | 'locals'>
): string | null {
	const token = event.cookies.get(cookies().session);
	if (!token || !event.locals.session) return null;
	const { session, options } = cookies();
	return event.cookies.serialize(session, token, {
		...options,
		expires: event.locals.session.expiresAt
	});
}

/** Signs out of this browser. */
export function endSession(event: SessionEvent): void {
	if (event.locals.session) invalidateSession(event.locals.db, event.locals.session.id);
	deleteSessionCookie(event.cookies);
}

/** Holds a sign-in whose password was right until its code is given (see auth/sign-in.ts). */
export function holdSignInForCode(event: SessionEvent, userId: string, redirectTo: string): void {
	const { pendingSignIn, options } = cookies();
	event.cookies.set(pendingSignIn, holdSignIn(userId, redirectTo), {
		...options,
		maxAge: 5 * 60
	});
}

export function signInAwaitingCode(event: Pick<RequestEvent, 'cookies'>) {
	return heldSignIn(event.cookies.get(cookies().pendingSignIn));
}

export function releaseSignInAwaitingCode(event: Pick<RequestEvent, 'cookies'>): void {
	const { pendingSignIn, options } = cookies();
	releaseSignIn(event.cookies.get(pendingSignIn));
	event.cookies.set(pendingSignIn, '', { ...options, maxAge: 0 });
}
