import { config } from '../config';
import { log } from '../log';
import { startBackupSchedule } from './schedule';

/**
 * Starts the scheduled backups when BACKUP_DIR is set, for the server's init hook; they stop when
 * the server shuts down.
 */
export function startScheduledBackups(): void {
	const { backups, databasePath } = config();
	if (!backups) return;
	const schedule = startBackupSchedule({ ...backups, databasePath, log: log() });
	process.once('sveltekit:shutdown', schedule.stop);
}
