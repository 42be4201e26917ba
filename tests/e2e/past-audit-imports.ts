import { expect, type APIRequestContext } from '@playwright/test';
import type { PlaceIds } from './places';

// What the access tables' rows for past-audit imports need on the demo data, made through the
// app's own forms by Northmoor's administrator: an import that has been undone (so that posting
// its undo again changes nothing) and a file waiting on its preview that is already imported (so
// that confirming it changes nothing either).

const CHALLENGES = 10;

function auditCsv(roundTitle: string, year: number): Buffer {
	const rows = [
		['Round title', 'Round start', 'Round end', 'Service', 'Challenge', 'Agreed level']
	];
	for (let challenge = 1; challenge <= CHALLENGES; challenge += 1)
		rows.push([
			roundTitle,
			`01/04/${year}`,
			`30/06/${year}`,
			'Ashford Community Mental Health Team',
			String(challenge),
			'2'
		]);
	return Buffer.from(rows.map((row) => row.join(',')).join('\r\n'));
}

async function post(
	request: APIRequestContext,
	baseURL: string,
	path: string,
	multipart?: Record<string, string | { name: string; mimeType: string; buffer: Buffer }>
): Promise<string> {
	const response = await request.post(baseURL + path, {
		multipart: multipart ?? { nothing: '' },
		headers: { origin: baseURL, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(response.status(), `${path} answers with a redirect: ${await response.text()}`).toBe(303);
	return response.headers()['location'];
}

async function uploadAndConfirm(
	request: APIRequestContext,
	baseURL: string,
	ids: PlaceIds,
	file: { name: string; buffer: Buffer },
	confirm: boolean
): Promise<{ upload: string; importId: string | null }> {
	const imports = `/organisations/${ids.organisation}/imports`;
	const preview = await post(request, baseURL, `${imports}?/upload`, {
		framework: ids.framework,
		file: { ...file, mimeType: 'text/csv' }
	});
	const upload = /\/uploads\/([^/?#]+)$/.exec(preview)?.[1];
	expect(upload, `the upload goes on to its preview: ${preview}`).toBeTruthy();
	if (!confirm) return { upload: upload!, importId: null };
	const done = await post(request, baseURL, `${imports}/uploads/${upload}?/confirm`);
	const importId = /[?&]imported=([^&#]+)/.exec(done)?.[1] ?? null;
	expect(importId, `the import is confirmed: ${done}`).toBeTruthy();
	return { upload: upload!, importId };
}

/**
 * Imports two rounds of Northmoor's Ashford CMHT and undoes the first, then uploads the second's
 * file again. Returns the undone import's id and the waiting upload's, for the routes' parameters.
 */
export async function preparePastAuditImports(
	organisationAdmin: APIRequestContext,
	baseURL: string,
	home: PlaceIds
): Promise<{ import: string; upload: string }> {
	const first = { name: 'audit 2019.csv', buffer: auditCsv('Spring 2019 audit', 2019) };
	const second = { name: 'audit 2020.csv', buffer: auditCsv('Spring 2020 audit', 2020) };
	const undone = await uploadAndConfirm(organisationAdmin, baseURL, home, first, true);
	await post(
		organisationAdmin,
		baseURL,
		`/organisations/${home.organisation}/imports/${undone.importId}/undo`
	);
	await uploadAndConfirm(organisationAdmin, baseURL, home, second, true);
	const waiting = await uploadAndConfirm(organisationAdmin, baseURL, home, second, false);
	return { import: undone.importId!, upload: waiting.upload };
}
