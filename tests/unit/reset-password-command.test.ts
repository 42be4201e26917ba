import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import { openDatabase, type Db } from '$lib/server/db/client';
import { setAccountDisabled } from '$lib/server/accounts/administering';
import { resetPassword } from '$lib/server/accounts/reset-links';
import { auditEvents, passwordResets } from '$lib/server/db/schema';
import { insertUser } from './helpers/db';

// `npm run reset-password -- <email>` as whoever runs the server uses it: run in the folder that
// holds the server's .env, which names the database.

const REPO = resolve('.');
let dir: string;
let db: Db;

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'imroc-reset-'));
	writeFileSync(
		join(dir, '.env'),
		'DATABASE_PATH=server.sqlite\nORIGIN=https://imroc.example.nhs.uk\n'
	);
	db = openDatabase(join(dir, 'server.sqlite'));
});
afterEach(() => {
	db.$client.close();
	rmSync(dir, { recursive: true, force: true });
});

function run(...args: string[]) {
	const env = { ...process.env };
	delete env.DATABASE_PATH;
	delete env.ORIGIN;
	const result = spawnSync(
		join(REPO, 'node_modules/.bin/tsx'),
		['--tsconfig', join(REPO, 'tsconfig.json'), join(REPO, 'scripts/reset-password.ts'), ...args],
		{ cwd: dir, env, encoding: 'utf8' }
	);
	return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run reset-password', () => {
	it('prints a one-time link for the account, at ORIGIN, and records it', async () => {
		const admin = insertUser(db, {
			name: 'Alex Morgan',
			email: 'alex.morgan@trust.example',
			isPlatformAdmin: true
		});
		const { code, stdout, stderr } = run('alex.morgan@trust.example');
		expect(stderr).toBe('');
		expect(code).toBe(0);
		expect(stdout).toContain(
			'A link to set a new password for Alex Morgan (alex.morgan@trust.example):'
		);
		const token = stdout.match(
			/https:\/\/imroc\.example\.nhs\.uk\/reset-password\/([a-z0-9]+)/
		)?.[1];
		expect(token).toBeDefined();

		const events = db
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'account.password_reset_issued_on_server'))
			.all();
		expect(events).toMatchObject([{ userId: null, entityId: admin.id }]);
		expect((await resetPassword(db, token!, 'a brand new password here')).ok).toBe(true);
	}, 30_000);

	it('refuses an unknown or disabled account, and a missing address, with code 1 and no link', () => {
		const admin = insertUser(db, { isPlatformAdmin: true });
		const person = insertUser(db, { email: 'martin.lloyd@trust.example' });
		setAccountDisabled(db, admin.id, person.id, true);

		const unknown = run('nobody@trust.example');
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toContain('No account has the email address nobody@trust.example');

		const disabled = run('martin.lloyd@trust.example');
		expect(disabled.code).toBe(1);
		expect(disabled.stderr).toContain('is disabled, so it cannot have a link');

		const none = run();
		expect(none.code).toBe(1);
		expect(none.stderr).toContain('Usage: npm run reset-password -- <email address>');

		for (const { stdout } of [unknown, disabled, none])
			expect(stdout).not.toContain('reset-password/');
		expect(db.select().from(passwordResets).all()).toHaveLength(0);
	}, 30_000);

	it('says so when the database it is pointed at does not exist, and creates none', () => {
		writeFileSync(join(dir, '.env'), 'DATABASE_PATH=elsewhere.sqlite\n');
		const { code, stderr } = run('alex.morgan@trust.example');
		expect(code).toBe(1);
		expect(stderr).toContain('There is no database at elsewhere.sqlite');
		expect(existsSync(join(dir, 'elsewhere.sqlite'))).toBe(false);
	}, 30_000);
});
