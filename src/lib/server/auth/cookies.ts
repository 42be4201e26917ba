// The cookies the app sets, named and flagged from ORIGIN (the address people use), never from
// the request: behind a proxy that ends TLS, the request itself arrives over plain http.

export interface CookieSettings {
	/** The session cookie. */
	session: string;
	/** The cookie that carries a sign-in between the password and the code. */
	pendingSignIn: string;
	options: { httpOnly: true; sameSite: 'lax'; secure: boolean; path: '/' };
}

/**
 * On https the names carry the `__Host-` prefix: browsers then accept the cookie only when it is
 * Secure, has Path=/ and no Domain, so no other host (a sibling subdomain, a plain-http page) can
 * set or overwrite it.
 */
export function cookieSettings(origin: string): CookieSettings {
	const secure = new URL(origin).protocol === 'https:';
	const prefix = secure ? '__Host-' : '';
	return {
		session: `${prefix}imroc_session`,
		pendingSignIn: `${prefix}imroc_sign_in`,
		options: { httpOnly: true, sameSite: 'lax', secure, path: '/' }
	};
}
