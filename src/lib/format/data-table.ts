import { toCsv, type CsvValue } from './csv';

/**
 * The numbers behind a chart, as the page shows them in its table and as the CSV download
 * carries them: one source, so the two can never disagree.
 */
export interface DataTable {
	caption: string;
	head: string[];
	/** The first cell of each row names it (a challenge, a service, a round). */
	rows: CsvValue[][];
}

export function dataTableCsv(table: DataTable): string {
	// The byte order mark tells spreadsheet programs the file is UTF-8.
	return '\uFEFF' + toCsv(table.head, table.rows);
}

/** A name safe for any file system and header: lower case letters, digits and hyphens. */
export function fileSlug(text: string, fallback = 'download'): string {
	return (
		text
			.normalize('NFKD')
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 60)
			.replace(/-+$/, '') || fallback
	);
}
