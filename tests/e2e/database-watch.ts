import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';

// Whether anything in a test server's database changed between two looks, table by table.
//
// Each look reads `PRAGMA data_version` first: it moves only when another connection (the server)
// has committed something, so a look after a request that wrote nothing costs one pragma. When
// it has moved, every table is digested again and compared with the last look.
//
// `leaveOut` names what a refused request may rightly change: whole tables (the session table,
// whose rows signing in and out add and remove) and columns (a token's last use, a session's last
// check), which are left out of the digest.

export interface LeaveOut {
	tables?: string[];
	columns?: Record<string, string[]>;
}

export class DatabaseWatch {
	private version: number;
	private digests: Record<string, string>;

	constructor(
		private readonly db: Database.Database,
		private readonly leaveOut: LeaveOut = {}
	) {
		this.version = this.dataVersion();
		this.digests = this.digestAll();
	}

	private dataVersion(): number {
		return this.db.pragma('data_version', { simple: true }) as number;
	}

	private digestAll(): Record<string, string> {
		const tables = (
			this.db
				.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
				.all() as { name: string }[]
		)
			.map(({ name }) => name)
			.filter((name) => !this.leaveOut.tables?.includes(name));
		return Object.fromEntries(tables.map((table) => [table, this.digest(table)]));
	}

	private digest(table: string): string {
		const skipped = this.leaveOut.columns?.[table] ?? [];
		const columns = (this.db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[])
			.map(({ name }) => name)
			.filter((name) => !skipped.includes(name));
		const hash = createHash('sha256');
		const rows = this.db
			.prepare(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}" ORDER BY rowid`)
			.raw()
			.iterate() as Iterable<unknown[]>;
		// A blob comes back as a Buffer, which JSON writes out byte by byte.
		for (const row of rows) hash.update(JSON.stringify(row));
		return hash.digest('hex');
	}

	/** The tables whose rows differ from the last look (none, cheaply, when nothing was written). */
	changedTables(): string[] {
		const version = this.dataVersion();
		if (version === this.version) return [];
		this.version = version;
		const now = this.digestAll();
		const changed = Object.keys({ ...now, ...this.digests }).filter(
			(table) => now[table] !== this.digests[table]
		);
		this.digests = now;
		return changed;
	}
}
