import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { startServer, type RunningServer } from './server';
import { signInAs } from './crawl';

// My work on the demo data: the rater, a peer support worker, owns one of the team's actions.

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
});
test.afterAll(async () => {
	await server?.stop();
});

test('an action’s owner finds it in My work and adds a progress note, but cannot change the plan', async ({
	page
}) => {
	await signInAs(page, server.baseURL, 'rater');
	await page.getByRole('link', { name: 'My work' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'My work' })).toBeVisible();
	const owned = page.getByRole('table', { name: /Your open actions/ });
	await expect(owned.getByRole('row')).toHaveCount(2);
	await expect(owned).toContainText('Overdue');
	await owned.getByRole('link').first().click();

	await expect(page.getByRole('heading', { name: 'Overdue' })).toBeVisible();
	await expect(
		page.getByRole('link', { name: 'Change, re-assign or close this action' })
	).toHaveCount(0);
	await page
		.getByLabel('Add a progress note')
		.fill('Spoke to the carers’ group; first meeting booked for January.');
	await page.getByRole('button', { name: 'Add note' }).click();
	await expect(
		page.getByText('Spoke to the carers’ group; first meeting booked for January.')
	).toBeVisible();

	// Someone else's action in the same service takes no note from them.
	const db = new Database(server.databasePath, { readonly: true });
	const other = db
		.prepare(
			`SELECT a.id, a.organisation_id, a.service_id FROM improvement_action a JOIN service s ON s.id = a.service_id
			 WHERE s.name = 'Ashford Community Mental Health Team' AND a.owner_user_id IS NULL LIMIT 1`
		)
		.get() as { id: string; organisation_id: string; service_id: string };
	db.close();
	const url = `${server.baseURL}/organisations/${other.organisation_id}/services/${other.service_id}/actions/${other.id}`;
	await page.goto(url);
	await expect(page.getByLabel('Add a progress note')).toHaveCount(0);
	const posted = await page.request.post(`${url}?/note`, {
		form: { body: 'Not mine to note' },
		headers: { origin: server.baseURL, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(posted.status()).toBe(404);
});

test('an action with many progress notes shows them 20 a page, with links to the rest', async ({
	page
}) => {
	const db = new Database(server.databasePath);
	const action = db
		.prepare(
			`SELECT a.id, a.organisation_id, a.service_id FROM improvement_action a JOIN service s ON s.id = a.service_id
			 WHERE s.name = 'Ashford Community Mental Health Team' ORDER BY a.id LIMIT 1`
		)
		.get() as { id: string; organisation_id: string; service_id: string };
	const insert = db.prepare(
		`INSERT INTO action_note (id, action_id, user_id, body, created_at) VALUES (?, ?, NULL, ?, ?)`
	);
	// Dated after every other note, so the newest page holds only these.
	const start = Date.now() + 24 * 60 * 60 * 1000;
	db.transaction(() => {
		for (let i = 1; i <= 60; i++)
			insert.run(`many-notes-${i}`, action.id, `Paged note number ${i}.`, start + i * 60_000);
	})();
	db.close();

	await signInAs(page, server.baseURL, 'serviceLead');
	const url = `${server.baseURL}/organisations/${action.organisation_id}/services/${action.service_id}/actions/${action.id}`;
	await page.goto(url);
	await expect(page.getByText(/^Paged note number \d+\.$/)).toHaveCount(20);
	await expect(page.getByText('Paged note number 60.', { exact: true })).toBeVisible();
	const notes = page.getByRole('heading', { name: 'Progress notes' });
	await expect(notes).toBeVisible();
	await expect(page.getByText('Paged note number 41.', { exact: true })).toBeVisible();
	await expect(page.getByText('Paged note number 40.', { exact: true })).toHaveCount(0);
	await page.getByRole('link', { name: /Next page/ }).click();
	await expect(page).toHaveURL(/notes-page=2/);
	await expect(page.getByText(/progress notes, newest first, page 2 of \d+/)).toBeVisible();
	await expect(page.getByText(/^Paged note number \d+\.$/)).toHaveCount(20);
	await expect(page.getByText('Paged note number 40.', { exact: true })).toBeVisible();
	await page.getByRole('link', { name: 'Show oldest first' }).click();
	await expect(page).toHaveURL(/notes-order=oldest/);
	await expect(page.getByText('Paged note number 60.', { exact: true })).toHaveCount(0);
});
