import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { startServer, type RunningServer } from './server';
import {
	ADMIN,
	createFirstAdministrator,
	errorSummary,
	expectErrorSummaryFocused,
	signIn
} from './helpers';

// A framework pack file with five problems is refused with all five listed in the error summary,
// each in plain words with its place; a file that is not JSON is placed by line and column. Both
// with JavaScript on and off.

const PACK_FILE = 'tests/fixtures/packs/small-three-level.json';

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer();
});
test.afterAll(async () => {
	await server?.stop();
});

/** The test pack with five mistakes a person might make, one of each kind. */
function fiveProblems(): Buffer {
	const pack = JSON.parse(readFileSync(PACK_FILE, 'utf8'));
	delete pack.attribution;
	pack.scale[1].value = 0;
	delete pack.challenges[0].shortLabel;
	pack.challenges[2].key = 'welcome';
	pack.challenges[3].indicators = { '5': 'There is no level 5 on this scale' };
	return Buffer.from(JSON.stringify(pack, null, '\t'));
}

async function upload(page: Page, name: string, buffer: Buffer) {
	await page
		.getByLabel('Framework pack file (JSON or Excel workbook)')
		.setInputFiles({ name, mimeType: 'application/json', buffer });
	await page.getByRole('button', { name: 'Import pack' }).click();
}

test('a pack file with five problems lists all five, in words, with their places', async ({
	page
}) => {
	await createFirstAdministrator(page, server.setupUrl!);
	await page.getByRole('link', { name: 'Framework packs' }).click();
	await upload(page, 'five-problems.json', fiveProblems());

	await expectErrorSummaryFocused(page);
	const summary = errorSummary(page);
	await expect(summary).toContainText(
		'five-problems.json could not be imported, so nothing has changed. It has 5 problems:'
	);
	const problems = summary
		.getByRole('list', { name: 'Problems in the file' })
		.getByRole('listitem');
	await expect(problems).toHaveText([
		'The attribution is missing.',
		'Level 2 of the scale: its value, 0, is not higher than the value of the level before it (0); list the levels from lowest to highest, each value once.',
		'Challenge 1: the short label is missing.',
		'Challenge 3: the key “welcome” is also the key of challenge 1; each challenge needs its own.',
		'Challenge 4: there is indicator text for level 5, which is not on the scale.'
	]);
	await expect(page.getByText(/Invalid input|expected string|received undefined/)).toHaveCount(0);

	// The summary leads back to the file chooser, which says the same beside it.
	const again =
		'Correct the 5 problems in five-problems.json listed above, then choose the file again';
	await summary.getByRole('link', { name: again }).click();
	await expect(page.getByLabel('Framework pack file (JSON or Excel workbook)')).toBeFocused();
	await expect(page.locator('.nhsuk-file-upload .nhsuk-error-message')).toContainText(again);
	await expect(page.getByRole('row').filter({ hasText: 'Team culture check' })).toHaveCount(0);

	// A file that is not JSON: the place by line and column, in a separate upload.
	const lines = readFileSync(PACK_FILE, 'utf8').split('\n');
	lines[2] = lines[2].replace(',', '');
	await upload(page, 'missing-comma.json', Buffer.from(lines.join('\n')));
	await expectErrorSummaryFocused(page);
	await expect(
		errorSummary(page).getByRole('list', { name: 'Problems in the file' }).getByRole('listitem')
	).toHaveText([
		'Line 4, column 2 is not valid JSON: a comma may be missing between two fields, or a curly bracket } left out.'
	]);
});

test('without JavaScript, the problems are listed the same way and a pack is retired only once confirmed', async ({
	browser
}) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await signIn(page, server.baseURL, ADMIN.email, ADMIN.password);
	await page.goto(`${server.baseURL}/admin/frameworks`);
	await upload(page, 'five-problems.json', fiveProblems());
	await expect(
		errorSummary(page).getByRole('list', { name: 'Problems in the file' }).getByRole('listitem')
	).toHaveCount(5);
	await upload(page, 'comment.json', Buffer.from('{\n\t"key": "x", // a comment\n}'));
	await expect(errorSummary(page)).toContainText(
		'Line 2, column 14 is not valid JSON: comments are not allowed in JSON.'
	);

	// The test pack itself imports; retiring it asks first, and a cancel changes nothing.
	await page.getByLabel('Framework pack file (JSON or Excel workbook)').setInputFiles(PACK_FILE);
	await page.getByRole('button', { name: 'Import pack' }).click();
	await expect(page.getByRole('status')).toContainText('was imported');
	const row = page.getByRole('row').filter({ hasText: 'Team culture check' });
	await row.getByRole('link', { name: /^Retire/ }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: /^Retire Team culture check \(test pack\)/ })
	).toBeVisible();
	await expect(page.getByText('No round uses it yet.')).toBeVisible();
	await page.getByRole('link', { name: 'Cancel: keep offering it' }).click();
	await expect(row).toContainText('Offered for new rounds');
	await row.getByRole('link', { name: /^Retire/ }).click();
	await page.getByRole('button', { name: 'Retire this version' }).click();
	await expect(page.getByRole('alert')).toContainText('is retired');
	await expect(row).toContainText('Retired');
	await context.close();
});
