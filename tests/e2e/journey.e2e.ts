import { expect, test } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import {
	ADMIN,
	addOrganisation,
	addService,
	createAndOpenRound,
	createFirstAdministrator,
	errorSummary,
	signIn,
	markComplete
} from './helpers';

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer();
});
test.afterAll(async () => {
	await server?.stop();
});

const SHORT_LABELS = [
	'Day-to-day interactions',
	'User-led education and training',
	'Recovery college',
	'Commitment, culture and leadership',
	'Personalisation and choice',
	'Risk assessment and management',
	'User involvement',
	'Workforce transformation',
	'Supporting staff',
	'Life beyond illness'
];
const LEVEL_NAMES = ['Not yet started', 'Engagement', 'Development', 'Transformation'];

test('first run: the setup link makes the first administrator once; without it the page is not there', async ({
	page
}) => {
	expect(server.setupUrl, 'the server prints a one-time setup link').not.toBeNull();
	const setupUrl = server.setupUrl!;

	const guessed = await page.goto(`${server.baseURL}/setup/not-the-token`);
	expect(guessed?.status()).toBe(404);

	await createFirstAdministrator(page, setupUrl);

	const again = await page.goto(setupUrl);
	expect(again?.status()).toBe(404);

	await page.goto(`${server.baseURL}/organisations`);
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

	const afterSignOut = await page.goto(`${server.baseURL}/organisations`);
	await expect(page).toHaveURL(/\/sign-in\?redirectTo=%2Forganisations/);
	expect(afterSignOut?.status()).toBe(200);

	await signIn(page, server.baseURL, 'nobody@trust.example', ADMIN.password);
	const unknownMessage = await errorSummary(page).innerText();
	await signIn(page, server.baseURL, ADMIN.email, 'wrong password entirely');
	await expect(errorSummary(page)).toContainText('The email address or password is not right');
	expect(await errorSummary(page).innerText()).toBe(unknownMessage);

	// Repeated failures for one account are slowed down: past two, each attempt waits its turn
	// before it is checked (1, 2, 4, 8 seconds…, one after another), so attempts sent together are
	// not all checked at once: those that would wait past 30 seconds are refused unchecked.
	const answers = await Promise.all(
		Array.from({ length: 8 }, () =>
			page.request.post(`${server.baseURL}/sign-in`, {
				form: { email: 'nobody@trust.example', password: 'still wrong' },
				headers: {
					origin: server.baseURL,
					accept: 'application/json',
					'x-sveltekit-action': 'true'
				},
				maxRedirects: 0
			})
		)
	);
	const texts = await Promise.all(answers.map((answer) => answer.text()));
	expect(
		texts.filter((text) => text.includes('Too many attempts to sign in at once')).length
	).toBeGreaterThan(0);
	expect(texts.every((text) => !text.includes('"redirect"'))).toBe(true);
});

test('the whole journey: organisation, service, two rounds, agreed levels and the progress chart', async ({
	page
}) => {
	const browserErrors: string[] = [];
	page.on('console', (message) => {
		if (message.type() === 'error') browserErrors.push(message.text());
	});
	await signIn(page, server.baseURL, ADMIN.email, ADMIN.password);
	await expect(page.getByRole('heading', { name: 'Organisations' })).toBeVisible();

	await addOrganisation(page, 'Northmoor Mental Health NHS Foundation Trust');
	await addService(page, 'Ashford Community Mental Health Team', 'Community mental health team');
	await page.getByRole('link', { name: 'Northmoor Mental Health NHS Foundation Trust' }).click();

	await createAndOpenRound(
		page,
		'Spring 2026 recovery audit',
		['1', '1', '2026'],
		['30', '6', '2026']
	);
	await page.getByRole('link', { name: /assessment of Ashford/ }).click();
	await expect(
		page.getByRole('heading', {
			level: 1,
			name: /Ashford Community Mental Health Team: agreed levels/
		})
	).toBeVisible();

	// Every challenge with every level and its description.
	for (const [i, label] of SHORT_LABELS.entries()) {
		const group = page.getByRole('group', { name: `${i + 1}. ${label}` });
		await expect(group).toBeVisible();
		for (const [v, name] of LEVEL_NAMES.entries()) {
			await expect(group.getByLabel(`${v + 1}. ${name}`)).toBeVisible();
		}
	}
	await expect(
		page.getByText('The challenge is recognised and talked about').first()
	).toBeVisible();

	// Part-way: levels for the first five, evidence for one, then save and leave.
	for (const [i, label] of SHORT_LABELS.slice(0, 5).entries()) {
		await page
			.getByRole('group', { name: `${i + 1}. ${label}` })
			.getByLabel('2. Engagement')
			.check();
	}
	await page
		.getByLabel('Evidence for Day-to-day interactions')
		.fill('Ward community meetings now co-chaired by a peer worker.');
	await page.getByRole('button', { name: 'Save and come back later' }).click();
	await expect(page.getByText('Your changes have been saved')).toBeVisible();

	const assessmentUrl = page.url().replace(/\?saved$/, '');
	await page.goto(`${server.baseURL}/organisations`);
	await page.goto(assessmentUrl);
	await expect(
		page.getByRole('group', { name: '1. Day-to-day interactions' }).getByLabel('2. Engagement')
	).toBeChecked();
	await expect(
		page
			.getByRole('group', { name: '6. Risk assessment and management' })
			.getByLabel('2. Engagement')
	).not.toBeChecked();
	await expect(page.getByLabel('Evidence for Day-to-day interactions')).toHaveValue(
		'Ward community meetings now co-chaired by a peer worker.'
	);

	for (const [i, label] of SHORT_LABELS.entries()) {
		await page
			.getByRole('group', { name: `${i + 1}. ${label}` })
			.getByLabel(i < 5 ? '2. Engagement' : '1. Not yet started')
			.check();
	}
	await markComplete(page);

	// The service page: a chart and the same numbers in its table.
	await expect(
		page.getByRole('heading', { level: 1, name: 'Ashford Community Mental Health Team' })
	).toBeVisible();
	await expect(page.locator('canvas')).toBeVisible();
	const table = page.getByRole('table', { name: /agreed level by round/ });
	await expect(
		table.getByRole('columnheader', { name: /Spring 2026 recovery audit/ })
	).toBeVisible();
	await expect(table.getByRole('row', { name: /Day-to-day interactions/ })).toContainText(
		'2 Engagement'
	);
	await expect(table.getByRole('row', { name: /Life beyond illness/ })).toContainText(
		'1 Not yet started'
	);

	// A second round, completed, shows beside the first.
	await page
		.getByRole('link', { name: 'Northmoor Mental Health NHS Foundation Trust' })
		.first()
		.click();
	await createAndOpenRound(
		page,
		'Autumn 2026 recovery audit',
		['1', '7', '2026'],
		['31', '12', '2026']
	);
	await page.getByRole('link', { name: /assessment of Ashford/ }).click();
	for (const [i, label] of SHORT_LABELS.entries()) {
		await page
			.getByRole('group', { name: `${i + 1}. ${label}` })
			.getByLabel(i === 0 ? '3. Development' : '2. Engagement')
			.check();
	}
	await markComplete(page);

	const both = page.getByRole('table', { name: /agreed level by round/ });
	await expect(
		both.getByRole('columnheader', { name: /Autumn 2026 recovery audit/ })
	).toBeVisible();
	const firstRow = both.getByRole('row', { name: /Day-to-day interactions/ });
	await expect(firstRow.getByRole('cell')).toHaveText([/2 Engagement/, /3 Development/]);
	const lastRow = both.getByRole('row', { name: /Life beyond illness/ });
	await expect(lastRow.getByRole('cell')).toHaveText([/1 Not yet started/, /2 Engagement/]);

	// The finished assessment is read-only.
	await page.getByRole('link', { name: 'Autumn 2026 recovery audit' }).click();
	await expect(page.getByText('This assessment has been marked complete.')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Save and come back later' })).toHaveCount(0);

	// The content security policy blocked nothing the app itself needs, and no script failed.
	expect(browserErrors).toEqual([]);
});
