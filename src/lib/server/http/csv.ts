import { csvRow, type CsvValue } from '$lib/format/csv';
import { dataTableCsv, fileSlug, type DataTable } from '$lib/format/data-table';

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

/** A download that cannot be made as asked, with what to ask instead. */
export function badDownload(message: string): Response {
	return new Response(`${message}\n`, { status: 400, headers: TEXT });
}

function csvHeaders(filename: string) {
	return {
		'content-type': 'text/csv; charset=utf-8',
		'content-disposition': `attachment; filename="${filename}"`
	};
}

/** One of a dashboard's tables as a CSV file, or a 400 that names the tables there are. */
export function tableCsvResponse(
	tables: Record<string, DataTable>,
	requested: string | null,
	filenameBase: string
): Response {
	if (!requested || !Object.hasOwn(tables, requested))
		return badDownload(`Choose which table to download: ${Object.keys(tables).join(', ')}.`);
	return new Response(dataTableCsv(tables[requested]), {
		headers: csvHeaders(`${fileSlug(filenameBase)}-${requested}.csv`)
	});
}

/**
 * A CSV file of any length, written a batch of rows at a time as the client reads it, so a long
 * file never sits whole in memory. Stopping the download stops the batches.
 */
export function streamedCsvResponse(
	filename: string,
	header: readonly string[],
	batches: Generator<CsvValue[][]>
): Response {
	const encoder = new TextEncoder();
	// The byte order mark tells spreadsheet programs the file is UTF-8, so names keep their accents.
	let head: string | null = '\uFEFF' + csvRow(header);
	const body = new ReadableStream<Uint8Array>({
		pull(controller) {
			const next = batches.next();
			let text = head ?? '';
			head = null;
			if (!next.done) text += next.value.map((row) => csvRow(row)).join('');
			if (text) controller.enqueue(encoder.encode(text));
			if (next.done) controller.close();
		},
		cancel() {
			batches.return(undefined);
		}
	});
	return new Response(body, { headers: csvHeaders(filename) });
}

/**
 * The same batches, the first read now: what a download records about itself once it has begun
 * (see recordDownload) is then newer than everything it lists, so it never lists itself.
 */
export function firstBatchRead<T>(batches: Generator<T>): Generator<T> {
	const first = batches.next();
	return (function* () {
		if (first.done) return;
		yield first.value;
		yield* batches;
	})();
}
