// The forms of one's own account, of a forgotten password and of administering accounts.

import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/password';
import { emailSchema } from '../users';

const newPasswordField = z
	.string({ error: 'Enter a new password' })
	.min(1, 'Enter a new password')
	.min(MIN_PASSWORD_LENGTH, `New password must be at least ${MIN_PASSWORD_LENGTH} characters`)
	.max(MAX_PASSWORD_LENGTH, `New password must be ${MAX_PASSWORD_LENGTH} characters or fewer`);

const confirmField = z
	.string({ error: 'Enter your new password again' })
	.min(1, 'Enter your new password again');

const passwordsMatch = {
	path: ['confirmPassword'],
	message: 'The new passwords do not match'
};

export const changePasswordSchema = z
	.object({
		currentPassword: z
			.string({ error: 'Enter your current password' })
			.min(1, 'Enter your current password')
			.max(MAX_PASSWORD_LENGTH, 'Your current password is not right'),
		newPassword: newPasswordField,
		confirmPassword: confirmField
	})
	.refine((v) => v.newPassword === v.confirmPassword, passwordsMatch);

export const resetPasswordSchema = z
	.object({ newPassword: newPasswordField, confirmPassword: confirmField })
	.refine((v) => v.newPassword === v.confirmPassword, passwordsMatch);

/** Asking for a reset link by email, from the sign-in page. */
export const forgottenPasswordSchema = z.object({ email: emailSchema });

/** The account an administrator acts on, from a hidden form field. */
export const accountIdSchema = z.object({
	accountId: z
		.string({ error: 'No account was chosen' })
		.trim()
		.min(1, 'No account was chosen')
		.max(64, 'No such account')
		.regex(/^[a-z0-9]+$/, 'No such account')
});
