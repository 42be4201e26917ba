import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from './db/client';
import { memberships, users } from './db/schema';
import { newId } from './ids';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './auth/password';
import { requiredText } from './forms';
import type { Membership, Person } from './access/policy';
import type { SessionUser } from './auth/session';

export const emailSchema = z
	.string({ error: 'Enter an email address' })
	.trim()
	.toLowerCase()
	.min(1, 'Enter an email address')
	.max(254, 'Email address must be 254 characters or fewer')
	.pipe(z.email('Enter an email address in the correct format, like name@example.nhs.uk'));

const newPasswordSchema = z
	.string({ error: 'Enter a password' })
	.min(MIN_PASSWORD_LENGTH, `Password must be at least ${MIN_PASSWORD_LENGTH} characters`)
	.max(MAX_PASSWORD_LENGTH, `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`);

const passwordsMatch = {
	path: ['confirmPassword'],
	message: 'The passwords do not match'
};

export const newAccountSchema = z
	.object({
		name: requiredText('your full name', 200),
		email: emailSchema,
		password: newPasswordSchema,
		confirmPassword: z.string()
	})
	.refine((v) => v.password === v.confirmPassword, passwordsMatch);

/** A new account whose email address is already known, as when accepting an invitation. */
export const newAccountForKnownEmailSchema = z
	.object({
		name: requiredText('your full name', 200),
		password: newPasswordSchema,
		confirmPassword: z.string()
	})
	.refine((v) => v.password === v.confirmPassword, passwordsMatch);

export function findUserByEmail(db: Db, email: string) {
	return db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
}

export async function newUserRow(
	input: { name: string; email: string; password: string; isPlatformAdmin?: boolean },
	now = new Date()
) {
	return {
		id: newId(),
		name: input.name,
		email: input.email.trim().toLowerCase(),
		passwordHash: await hashPassword(input.password),
		isPlatformAdmin: input.isPlatformAdmin ?? false,
		createdAt: now
	};
}

function membershipsOf(db: Db, userId: string): Membership[] {
	return db
		.select({
			organisationId: memberships.organisationId,
			serviceId: memberships.serviceId,
			role: memberships.role
		})
		.from(memberships)
		.where(eq(memberships.userId, userId))
		.all();
}

export function personFor(db: Db, user: SessionUser): Person {
	return {
		id: user.id,
		isPlatformAdmin: user.isPlatformAdmin,
		memberships: membershipsOf(db, user.id)
	};
}
