import { expect, type Locator, type Page } from '@playwright/test';

export const ADMIN = {
	name: 'Alex Morgan',
	email: 'alex.morgan@trust.example',
	password: 'correct horse battery staple'
};

/**
 * The error summary of a refused form, found as a screen reader meets it: the alert that says
 * "There is a problem".
 */
export function errorSummary(page: Page): Locator {
	return page
		.getByRole('alert')
		.filter({ has: page.getByRole('heading', { name: 'There is a problem' }) });
}

/**
 * Passes once focus is on the error summary, as it must be after every refused submit: on the box
 * that holds its alert, which NHS.UK frontend keeps apart from the focus so that it is read in full.
 */
export async function expectErrorSummaryFocused(page: Page) {
	await expect(errorSummary(page)).toBeVisible();
	await expect
		.poll(() =>
			errorSummary(page).evaluate((alert) => alert.closest('[tabindex]') === document.activeElement)
		)
		.toBe(true);
}

/** Completes the first-run page as the person reading the server log would. */
export async function createFirstAdministrator(page: Page, setupUrl: string) {
	await page.goto(setupUrl, { waitUntil: 'networkidle' });
	await expect(page.getByRole('heading', { name: 'Create the first administrator' })).toBeVisible();
	await page.getByLabel('Full name').fill(ADMIN.name);
	await page.getByLabel('Email address').fill(ADMIN.email);
	await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
	await page.getByLabel('Confirm password').fill(ADMIN.password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByRole('heading', { name: 'Organisations' })).toBeVisible();
}

export async function signIn(page: Page, baseURL: string, email: string, password: string) {
	await page.goto(`${baseURL}/sign-in`, { waitUntil: 'networkidle' });
	await page.getByLabel('Email address').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function addOrganisation(page: Page, name: string) {
	await page.getByRole('link', { name: 'Add an organisation' }).click();
	await page.getByLabel('Organisation name').fill(name);
	await page.getByRole('button', { name: 'Add organisation' }).click();
	await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

export async function addService(page: Page, name: string, type: string) {
	await page.getByRole('link', { name: 'Add a service' }).click();
	await page.getByLabel('Service name').fill(name);
	await page.getByLabel('Type of service').selectOption(type);
	await page.getByRole('button', { name: 'Add service' }).click();
	await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

export async function fillDate(
	page: Page,
	legend: string,
	day: string,
	month: string,
	year: string
) {
	const group = page.getByRole('group', { name: legend });
	await group.getByLabel('Day').fill(day);
	await group.getByLabel('Month').fill(month);
	await group.getByLabel('Year').fill(year);
}

/** Creates and opens a round in which every service of the organisation takes part. */
export async function createAndOpenRound(
	page: Page,
	title: string,
	start: [string, string, string],
	end: [string, string, string]
) {
	await page.getByRole('link', { name: 'Create a round' }).click();
	await page.getByLabel('Title').fill(title);
	await fillDate(page, 'Start of the period', ...start);
	await fillDate(page, 'End of the period', ...end);
	await page.getByLabel('ImROC organisational challenges (2010) (version 1)').check();
	await page.getByRole('button', { name: 'Create round' }).click();
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await page.getByRole('button', { name: 'Open round' }).click();
	await expect(page.getByText('Open', { exact: true })).toBeVisible();
}

/** The records of an RFC 4180 file, enough to read what the app writes. */
export function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted && c === '"' && text[i + 1] === '"') {
			field += '"';
			i++;
		} else if (c === '"') {
			quoted = !quoted;
		} else if (!quoted && c === ',') {
			row.push(field);
			field = '';
		} else if (!quoted && c === '\r' && text[i + 1] === '\n') {
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
			i++;
		} else {
			field += c;
		}
	}
	return rows;
}

/**
 * Marks the assessment on the page complete, as a person does: saves and goes on to the
 * confirmation step, then confirms there.
 */
export async function markComplete(page: Page) {
	await page.getByRole('button', { name: 'Save and continue to mark complete' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Mark the assessment complete' })
	).toBeVisible();
	await page.getByRole('button', { name: 'Mark complete' }).click();
}
