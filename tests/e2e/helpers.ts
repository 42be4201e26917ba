import { expect, type Locator, type Page } from '@playwright/test';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';

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

// Two-step sign-in, as a person with an authenticator app does it: the app is this map of the
// secrets each account was given (per server), and codes are made with @oslojs/otp from them.
const authenticatorApp = new Map<string, { secret: Uint8Array; lastStep: number }>();
const appKey = (page: Page, email: string) => `${new URL(page.url()).origin} ${email}`;

/** The setup key the page shows, as the app would store it. */
export function secretFromSetupKey(text: string): Uint8Array {
	return decodeBase32IgnorePadding(text.replace(/\s/g, ''));
}

/**
 * A code the server has not yet seen for this account: the app's current one, or the next
 * step's (within the one step of drift the server allows), waiting for a new step if both are used.
 */
export async function codeFor(page: Page, email: string): Promise<string> {
	const held = authenticatorApp.get(appKey(page, email));
	if (!held) throw new Error(`no authenticator secret for ${email}`);
	for (;;) {
		const now = Math.floor(Date.now() / 30_000);
		const step = Math.max(now, held.lastStep + 1);
		if (step <= now + 1) {
			held.lastStep = step;
			return generateHOTP(held.secret, BigInt(step), 6);
		}
		await page.waitForTimeout((now + 1) * 30_000 - Date.now() + 100);
	}
}

/** The code last sent for this account: what someone replaying it would send. */
export function lastCodeFor(page: Page, email: string): string {
	const held = authenticatorApp.get(appKey(page, email));
	if (!held) throw new Error(`no authenticator secret for ${email}`);
	return generateHOTP(held.secret, BigInt(held.lastStep), 6);
}

/** Adds the account to the "app": the setup key shown on the page that offers two-step sign-in. */
export async function rememberSetupKey(page: Page, email: string) {
	await expect(page.getByRole('heading', { level: 1, name: 'Two-step sign-in' })).toBeVisible();
	const key = await page.getByText(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/).textContent();
	authenticatorApp.set(appKey(page, email), { secret: secretFromSetupKey(key!), lastStep: 0 });
}

/** Sets up two-step sign-in on the page that offers it; returns the recovery codes shown. */
export async function turnOnTwoStep(
	page: Page,
	who: { email: string; password: string }
): Promise<string[]> {
	const { email, password } = who;
	await rememberSetupKey(page, email);
	await page.getByLabel('Your password').fill(password);
	await page.getByLabel('Security code').fill(await codeFor(page, email));
	await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
	await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible();
	return (
		await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allTextContents()
	).map((code) => code.trim());
}

/** The second step of signing in, when the page asks for it. */
export async function enterSecurityCode(page: Page, email: string) {
	await expect(
		page.getByRole('heading', { level: 1, name: 'Enter your security code' })
	).toBeVisible();
	await page.getByLabel('Security code').fill(await codeFor(page, email));
	await page.getByRole('button', { name: 'Continue' }).click();
}

/**
 * Completes the first-run page as the person reading the server log would, and sets up two-step
 * sign-in, which a platform administrator must before anything else.
 */
export async function createFirstAdministrator(page: Page, setupUrl: string) {
	await page.goto(setupUrl, { waitUntil: 'networkidle' });
	await expect(page.getByRole('heading', { name: 'Create the first administrator' })).toBeVisible();
	await page.getByLabel('Full name').fill(ADMIN.name);
	await page.getByLabel('Email address').fill(ADMIN.email);
	await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
	await page.getByLabel('Confirm password').fill(ADMIN.password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await turnOnTwoStep(page, ADMIN);
	await page.getByRole('link', { name: 'Continue' }).click();
	await expect(page.getByRole('heading', { name: 'Organisations' })).toBeVisible();
}

/**
 * Signs in; for an account with two-step sign-in set up here, enters a code from the app too when
 * the password was right.
 */
export async function signIn(page: Page, baseURL: string, email: string, password: string) {
	await page.goto(`${baseURL}/sign-in`, { waitUntil: 'networkidle' });
	await page.getByLabel('Email address').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await enterCodeIfAsked(page, email);
}

/** After a password is sent: the code, if the account has two-step sign-in and the password was right. */
export async function enterCodeIfAsked(page: Page, email: string) {
	if (!authenticatorApp.has(appKey(page, email))) return;
	const codeStep = page.getByRole('heading', { level: 1, name: 'Enter your security code' });
	await expect(codeStep.or(errorSummary(page))).toBeVisible();
	if (await codeStep.isVisible()) await enterSecurityCode(page, email);
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
