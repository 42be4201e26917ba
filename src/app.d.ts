import type { Person } from '$lib/server/access/policy';
import type { SessionUser, ValidSession } from '$lib/server/auth/session';

declare global {
	namespace App {
		interface Error {
			message: string;
			errorId?: string;
		}
		interface Locals {
			user: SessionUser | null;
			session: ValidSession | null;
			person: Person | null;
		}
	}
}

export {};
