/** An Excel workbook to save, never kept by a browser or proxy cache: it holds the teams' evidence. */
export function xlsxResponse(file: Buffer, fileName: string): Response {
	return new Response(new Uint8Array(file), {
		headers: {
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': `attachment; filename="${fileName}"`,
			'cache-control': 'no-store'
		}
	});
}
