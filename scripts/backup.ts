// `npm run backup -- <file>`: a consistent copy of the live database, taken while the server runs
// (SQLite's online backup), checked, and written to a new file. It reads the server's own settings
// (.env, DATABASE_PATH). See src/lib/server/backups.
import { existsSync } from 'node:fs';
import { config } from '$lib/server/config';
import { fileSize } from '$lib/server/backups/naming';
import { takeBackup } from '$lib/server/backups/take';

const USAGE = `Takes a checked copy of the app's database while the server runs.

Usage: npm run backup -- <file to write, which must not exist yet>`;

/** Says why there is no backup, in one line, and ends with code 1. */
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
	stop('Give the file to write the backup to: npm run backup -- <file> (see --help).');

// The same settings as the server: a .env file beside package.json, which the environment overrides.
if (existsSync('.env')) process.loadEnvFile('.env');
try {
	const { databasePath } = config();
	const backup = await takeBackup(databasePath, args[0]);
	console.log(
		`Backed up ${databasePath} to ${backup.path} (${fileSize(backup.bytes)}, ${(backup.durationMs / 1000).toFixed(1)} s); it passes the integrity and foreign key checks.`
	);
} catch (error) {
	stop(`No backup was made. ${error instanceof Error ? error.message : String(error)}`);
}
