// adapter-node's App.Platform: the incoming Node request, as `event.platform.req`.
/// <reference types="@sveltejs/adapter-node" />
import type { Person } from '$lib/server/access/policy';
import type { Db } from '$lib/server/db';
import type { SessionUser, ValidSession } from '$lib/server/auth/session';

declare global {
	namespace App {
		interface Error {
			message: string;
			/** The request's id, as in its X-Request-Id header and every line it logged. */
			requestId?: string;
		}
		interface Locals {
			/** Set first for every request; see requestLog in hooks.server.ts. */
			requestId: string;
			/** The app's database, the same handle for every request. */
			db: Db;
			user: SessionUser | null;
			session: ValidSession | null;
			person: Person | null;
			/** Signed in, but must set up two-step sign-in before using anything else. */
			mustEnrolInMfa: boolean;
		}
	}
}

export {};
