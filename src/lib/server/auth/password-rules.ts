// What makes a new password acceptable, beyond its length: it is not one of the passwords people
// use most (which are guessed first), and it does not contain the person's own name or email name
// (which anyone who knows them would try).

// The list and its licence are in ./common-passwords/ (see the README there).
import commonPasswordList from './common-passwords/common-passwords.txt?raw';
import longCommonPasswordList from './common-passwords/long-common-passwords.txt?raw';

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
	common ??= new Set(
		`${commonPasswordList}\n${longCommonPasswordList}`
			.split('\n')
			.map((line) => line.trim().toLowerCase())
			.filter(Boolean)
	);
	return common;
}

export const COMMON_PASSWORD_MESSAGE =
	'This is one of the most common passwords, so it is among the first that anyone guessing would try. Choose another: a few unrelated words work well.';
export const PERSONAL_PASSWORD_MESSAGE =
	'Your password must not contain your name or the first part of your email address: they are the first things someone who knows you would try.';

/** The parts of a person's name and email address a password must not contain (4 characters or more). */
function personalWords(person: { name?: string; email?: string }): string[] {
	const words: string[] = [];
	const emailName = person.email?.split('@')[0]?.toLowerCase() ?? '';
	if (emailName.length >= 4) words.push(emailName);
	for (const word of (person.name ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
		if (word.length >= 4) words.push(word);
	}
	return words;
}

/** Why a new password cannot be used, in plain words, or null when it can. */
export function passwordProblem(
	password: string,
	person: { name?: string; email?: string }
): string | null {
	const lower = password.toLowerCase();
	if (commonPasswords().has(lower)) return COMMON_PASSWORD_MESSAGE;
	if (personalWords(person).some((word) => lower.includes(word))) return PERSONAL_PASSWORD_MESSAGE;
	return null;
}

/**
 * The failure's field errors when a new password posted in `field` cannot be used, or null. Every
 * form that sets a password asks this after its own checks (length, confirmation) pass.
 */
export function refuseNewPassword(
	field: string,
	password: string,
	person: { name?: string; email?: string }
): { errors: Record<string, string> } | null {
	const problem = passwordProblem(password, person);
	return problem ? { errors: { [field]: problem } } : null;
}
