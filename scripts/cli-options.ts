// Command-line options for the scripts, read with Node's parseArgs and checked with zod, so a
// mistyped option stops with a clear message instead of running with a surprise.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';

/** A whole number option between min and max, such as --rounds 20. */
export const wholeNumber = (name: string, min: number, max: number) =>
	z
		.string()
		.regex(/^\d+$/, `--${name} must be a whole number`)
		.transform(Number)
		.pipe(
			z
				.number()
				.min(min, `--${name} must be at least ${min.toLocaleString('en-GB')}`)
				.max(max, `--${name} must be at most ${max.toLocaleString('en-GB')}`)
		);

export function fail(message: string): never {
	console.error(`${message}\nRun with --help to see the options.`);
	process.exit(1);
}

/** The options on the command line, or the process stops with every problem listed. */
export function parseCommandLine<S extends z.ZodType>(
	argv: string[],
	options: NonNullable<ParseArgsConfig['options']>,
	schema: S
): z.infer<S> {
	let values: Record<string, unknown> = {};
	try {
		({ values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options }));
	} catch (error) {
		fail(error instanceof Error ? error.message : String(error));
	}
	const parsed = schema.safeParse(values);
	if (!parsed.success) fail(parsed.error.issues.map((issue) => issue.message).join('\n'));
	return parsed.data;
}

/** Prints a plain table: the first column left-aligned, the others right-aligned. */
export function printTable(head: string[], rows: string[][]): void {
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (cells: string[]) =>
		cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
	console.log(line(head));
	console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
	for (const row of rows) console.log(line(row));
}
