// The running header and page numbers of a printed report, as a small stylesheet of its own.
// Chromium prints @page margin boxes on every page, but their text can only come from CSS, and
// the content security policy allows no inline style: so the page links this stylesheet, made on
// the server for the report it belongs to, and printing needs no JavaScript.

/** A CSS string literal, whatever the text holds. */
export function cssString(text: string): string {
	return `"${text
		.replace(/\\/g, '\\\\')
		.replace(/"/g, '\\"')
		.replace(/[\r\n\f]+/g, ' ')}"`;
}

export function runningHeaderCss(parts: string[]): string {
	const header = cssString(parts.filter((p) => p !== '').join(' · '));
	return `@page {
	size: A4;
	margin: 18mm 15mm 16mm;
	@top-left {
		content: ${header};
		font: 9pt arial, sans-serif;
		color: #4c6272;
	}
	@bottom-right {
		content: "Page " counter(page) " of " counter(pages);
		font: 9pt arial, sans-serif;
		color: #4c6272;
	}
}
`;
}

export function cssResponse(css: string): Response {
	return new Response(css, {
		headers: {
			'content-type': 'text/css; charset=utf-8',
			// Names a round and an organisation: kept out of shared caches.
			'cache-control': 'private, no-store'
		}
	});
}
