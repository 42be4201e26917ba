// `npm run restore -- <file>`: puts a backup in place of the app's database, while the server is
// stopped. It checks the backup first and keeps the current database aside. It reads the server's
// own settings (.env, DATABASE_PATH). See src/lib/server/backups.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { config } from '$lib/server/config';
import { restoreBackup } from '$lib/server/backups/restore';

const USAGE = `Puts a backup in place of the app's database. Stop the server first; the current
database is kept aside, beside it.

Usage: npm run restore -- <backup file>`;

/** Says why nothing was restored, in one line, and ends with code 1. */
function stop(message: string): never {
	console.error(message);
	process.exit(1);
}

const args = process.argv.slice(2);
if (args.includes('--help')) {
	console.log(USAGE);
	process.exit(0);
}
if (args.length !== 1 || !args[0].trim())
	stop('Give the backup file to restore: npm run restore -- <file> (see --help).');

// The same settings as the server: a .env file beside package.json, which the environment overrides.
if (existsSync('.env')) process.loadEnvFile('.env');
try {
	restoreBackup({
		backupPath: args[0],
		databasePath: config().databasePath,
		migrationsFolder: fileURLToPath(new URL('../migrations', import.meta.url)),
		say: (line) => console.log(line)
	});
} catch (error) {
	stop(`Nothing was restored. ${error instanceof Error ? error.message : String(error)}`);
}
