// The join link and its QR code, drawn on the server as SVG so the screen needs no script for it.

import { renderSVG } from 'uqr';

export const joinLink = (origin: string, code: string) => `${origin}/join/${code}`;

/** The QR code as inline SVG, named for assistive technology (the link is shown beside it as text). */
export function qrSvg(link: string): string {
	return renderSVG(link, { border: 2 }).replace(
		'<svg ',
		`<svg role="img" aria-label="QR code that opens the join link" focusable="false" `
	);
}
