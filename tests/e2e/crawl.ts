import { expect, type Page } from '@playwright/test';
import { VISITORS, type Visitor } from '../route-rules';

/**
 * The kind of page a path is: its ids and query replaced, so /organisations/abc… and
 * /organisations/def…?sort=name are one kind.
 */
export function pageKind(path: string): string {
	return path.split('?')[0].replace(/\/[a-z2-7]{24}(?=\/|$)/g, '/[id]');
}

export async function signInAs(
	page: Page,
	baseURL: string,
	visitor: Exclude<Visitor, 'anonymous'>
) {
	await page.goto(`${baseURL}/sign-in`, { waitUntil: 'networkidle' });
	await page.getByLabel('Email address').fill(VISITORS[visitor].email);
	await page.getByLabel('Password').fill(VISITORS[visitor].password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
}

/**
 * Follows the app's own links from `start`, opening up to `perKind` pages of each kind, and calls
 * `check` on each HTML page once it has loaded. Returns the paths checked. New pages are found
 * by the crawl, so tests built on it cover them without being edited.
 */
export async function crawl(
	page: Page,
	baseURL: string,
	start: string,
	check: (path: string) => Promise<void>,
	perKind = 2
): Promise<string[]> {
	const queue = [start];
	const seen = new Set<string>();
	const openedPerKind = new Map<string, number>();
	const checked: string[] = [];

	while (queue.length > 0) {
		const path = queue.shift()!;
		if (seen.has(path)) continue;
		seen.add(path);
		const kind = pageKind(path);
		if ((openedPerKind.get(kind) ?? 0) >= perKind) continue;
		openedPerKind.set(kind, (openedPerKind.get(kind) ?? 0) + 1);

		const response = await page.goto(baseURL + path);
		if (!response || !response.headers()['content-type']?.includes('text/html')) continue;
		checked.push(path);
		await check(path);

		const links = await page
			.locator('a[href]')
			.evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
		for (const href of links) {
			const url = new URL(href);
			if (url.origin !== baseURL || /\.(csv|xlsx)$/.test(url.pathname)) continue;
			const next = url.pathname + url.search;
			if (!seen.has(next)) queue.push(next);
		}
	}
	return checked;
}

/** The path of a demo service's assessment in the open round, read from the server's database. */
export async function openRoundAssessmentPath(
	databasePath: string,
	serviceName: string
): Promise<string> {
	const { default: Database } = await import('better-sqlite3');
	const db = new Database(databasePath, { readonly: true });
	try {
		const row = db
			.prepare(
				`SELECT o.id AS o, r.id AS r, a.id AS a FROM assessment a
				 JOIN round r ON r.id = a.round_id JOIN organisation o ON o.id = r.organisation_id
				 JOIN service s ON s.id = a.service_id
				 WHERE s.name = ? AND r.status = 'open'`
			)
			.get(serviceName) as { o: string; r: string; a: string };
		return `/organisations/${row.o}/rounds/${row.r}/assessments/${row.a}`;
	} finally {
		db.close();
	}
}
