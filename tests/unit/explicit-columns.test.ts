import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Form input reaches the database only through columns named one by one: spreading what a form
// posted (or anything parsed from it) into an insert or an update would write whatever field a
// schema change or a careless transform lets through.

const SPREAD_OF_INPUT = /\.\.\.(input|parsed\.data|data|who\.newAccount)\b/g;

function serverFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return serverFiles(path);
		return entry.name.endsWith('.ts') ? [path] : [];
	});
}

describe('writes to the database', () => {
	it('name each column instead of spreading parsed input', () => {
		const offending = serverFiles('src/lib/server')
			.filter((file) => {
				const text = readFileSync(file, 'utf8');
				return /\.(insert|update)\(/.test(text);
			})
			.flatMap((file) =>
				[...readFileSync(file, 'utf8').matchAll(SPREAD_OF_INPUT)].map((m) => `${file}: ${m[0]}`)
			);
		expect(offending).toEqual([]);
	});
});
