// `npm run reset-password -- <email>`: prints a one-time link to set a new password, for whoever
// runs the server. It is the way back in for a platform administrator who has no other to ask;
// everyone else can ask one. It reads the server's own settings (.env, DATABASE_PATH, ORIGIN), and
// the link is the kind an administrator issues from Manage accounts, recorded in the audit trail.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { issueResetLinkForEmail } from '$lib/server/accounts/forgotten-password';
import { config, publicOrigin } from '$lib/server/config';
import { openDatabase } from '$lib/server/db/client';
import { emailSchema } from '$lib/server/users';
import { formatInstant } from '$lib/format/dates';

const USAGE = `Prints a one-time link to set a new password for an account, for whoever runs the server.

Usage: npm run reset-password -- <email address>`;

/** Says why no link was made, and ends with code 1. */
function stop(message: string): never {
	console.error(message);
	process.exit(1);
}

const args = process.argv.slice(2);
if (args.includes('--help')) {
	console.log(USAGE);
	process.exit(0);
}
if (args.length !== 1) stop(`Give the email address of one account.\n\n${USAGE}`);
const email = emailSchema.safeParse(args[0]);
if (!email.success) stop(`${email.error.issues[0].message}.\n\n${USAGE}`);

// The same settings as the server: a .env file beside package.json, which the environment overrides.
if (existsSync('.env')) process.loadEnvFile('.env');
let databasePath: string;
try {
	databasePath = config().databasePath;
} catch (error) {
	stop(error instanceof Error ? error.message : String(error));
}
// Opening a missing file would create an empty database, and then find no account in it.
if (!existsSync(databasePath)) {
	stop(
		`There is no database at ${databasePath}. Run this where the server runs, with its DATABASE_PATH (or .env).`
	);
}

const db = openDatabase(databasePath, {
	migrationsFolder: fileURLToPath(new URL('../migrations', import.meta.url))
});
const issued = issueResetLinkForEmail(db, email.data, 'command');
db.$client.close();

if (!issued.ok) {
	stop(
		issued.problem === 'unknown'
			? `No account has the email address ${email.data} (in ${databasePath}).`
			: `The account with the email address ${email.data} is disabled, so it cannot have a link. A platform administrator can enable it from Manage accounts.`
	);
}
console.log(`A link to set a new password for ${issued.name} (${issued.email}):

  ${publicOrigin()}/reset-password/${issued.token}

It works once, until ${formatInstant(issued.expiresAt)}. Whoever opens it can set the password, so
give it only to that person.`);
