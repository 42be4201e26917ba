import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The systemd unit the README offers (deploy/imroc.service): what an information governance
// review looks for, and systemd's own check of the file where systemd is installed.

const UNIT = 'deploy/imroc.service';
const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';

/** Every value of each setting in the unit, in order. */
function settings(): Map<string, string[]> {
	const found = new Map<string, string[]>();
	for (const line of readFileSync(UNIT, 'utf8').split('\n')) {
		const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
		if (match) found.set(match[1], [...(found.get(match[1]) ?? []), match[2]]);
	}
	return found;
}

describe('the systemd unit', () => {
	const unit = settings();
	const one = (name: string) => unit.get(name)?.at(-1);

	it('runs the built app through its own server, as an unprivileged user, stopped with SIGTERM', () => {
		expect(one('ExecStart')).toBe('/usr/bin/node scripts/serve.js');
		expect(one('User')).toBe('imroc');
		expect(one('KillSignal')).toBe('SIGTERM');
		// Longer than the server's own 30 s for requests under way, so systemd never cuts them off.
		expect(Number(one('TimeoutStopSec'))).toBeGreaterThan(30);
		expect(unit.get('Environment')).toEqual(
			expect.arrayContaining(['HOST=127.0.0.1', 'DATABASE_PATH=/var/lib/imroc/imroc.sqlite'])
		);
	});

	it('may write only to its data and backup directories, and can gain no privilege', () => {
		expect(one('ProtectSystem')).toBe('strict');
		expect(one('ReadWritePaths')?.split(' ')).toEqual(['/var/lib/imroc', '/var/backups/imroc']);
		for (const name of [
			'NoNewPrivileges',
			'ProtectHome',
			'PrivateTmp',
			'PrivateDevices',
			'ProtectKernelTunables',
			'ProtectKernelModules',
			'ProtectControlGroups',
			'RestrictNamespaces',
			'RestrictSUIDSGID',
			'LockPersonality'
		])
			expect(one(name), name).toBe('yes');
		expect(one('CapabilityBoundingSet')).toBe('');
		expect(one('RestrictAddressFamilies')).toBe('AF_INET AF_INET6 AF_UNIX');
	});

	it.runIf(existsSync(SYSTEMD_ANALYZE))('passes systemd-analyze verify', () => {
		// It exits with 0 even for an unknown setting, which it only mentions: nothing may be said.
		const checked = spawnSync(SYSTEMD_ANALYZE, ['verify', UNIT], { encoding: 'utf8' });
		expect(checked.stdout + checked.stderr).toBe('');
		expect(checked.status).toBe(0);
	});
});
