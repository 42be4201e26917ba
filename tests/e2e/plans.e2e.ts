import { expect, test, type Page } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import {
	addOrganisation,
	addService,
	createAndOpenRound,
	createFirstAdministrator,
	errorSummary,
	fillDate,
	markComplete
} from './helpers';

// The plan side of TRIP: priorities become actions, actions are followed up, and the next round
// reviews what was still open.

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer();
});
test.afterAll(async () => {
	await server?.stop();
});

async function addAction(
	page: Page,
	action: { challenge: string; title: string; owner: string; due: [string, string, string] }
) {
	await page.getByRole('link', { name: 'Add an action' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Add an action' })).toBeVisible();
	await page.getByLabel('Challenge', { exact: true }).selectOption({ label: action.challenge });
	await page.getByLabel('Action', { exact: true }).fill(action.title);
	await page.getByLabel("Or the owner's name").fill(action.owner);
	await fillDate(page, 'Start date (optional)', '1', '4', '2026');
	await fillDate(page, 'Due date', ...action.due);
	await page.getByRole('button', { name: 'Add action' }).click();
	await expect(page.getByRole('heading', { level: 1, name: action.title })).toBeVisible();
	await page.getByRole('link', { name: 'Improvement plan' }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: 'Improvement plan' })).toBeVisible();
}

test('a lead plans three actions, closes one, one falls overdue, and the next round reviews the other two', async ({
	page
}) => {
	await createFirstAdministrator(page, server.setupUrl!);
	await addOrganisation(page, 'Southbrook Partnership NHS Trust');
	await addService(page, 'Harbour Community Mental Health Team', 'Community mental health team');
	const serviceUrl = page.url();
	await page.getByRole('link', { name: 'Southbrook Partnership NHS Trust' }).first().click();
	await createAndOpenRound(
		page,
		'Spring 2026 recovery audit',
		['1', '1', '2026'],
		['30', '6', '2026']
	);

	// Priorities on the assessment.
	await page.goto(serviceUrl);
	await page.getByRole('link', { name: 'Spring 2026 recovery audit' }).click();
	await page.getByLabel('Priority 1').selectOption({ label: '7. User involvement' });
	await page.getByLabel('Priority 2').selectOption({ label: '1. Day-to-day interactions' });
	await page.getByLabel('Priority 3').selectOption({ label: '6. Risk assessment and management' });
	await page.getByRole('button', { name: 'Save and come back later' }).click();
	await expect(page.getByText('Your changes have been saved')).toBeVisible();
	await page
		.getByRole('link', { name: 'Plan actions for the priorities on the improvement plan' })
		.click();
	await expect(
		page.getByRole('heading', { name: 'Priority 1: 7. User involvement' })
	).toBeVisible();

	// A due date before the start date is refused, and what was typed is kept.
	await page.getByRole('link', { name: 'Add an action' }).click();
	await page.getByLabel('Action', { exact: true }).fill('Service user forum');
	await page.getByLabel("Or the owner's name").fill('Dev Sharma, service user representative');
	await fillDate(page, 'Start date (optional)', '1', '5', '2026');
	await fillDate(page, 'Due date', '1', '4', '2026');
	await page.getByRole('button', { name: 'Add action' }).click();
	const summary = errorSummary(page);
	await expect(summary).toContainText('Select the challenge the action is about');
	await expect(summary).toContainText('The due date must be the same as or after the start date');
	await expect(page.getByLabel('Action', { exact: true })).toHaveValue('Service user forum');
	await expect(page.getByLabel("Or the owner's name")).toHaveValue(
		'Dev Sharma, service user representative'
	);
	await page.getByRole('link', { name: 'Improvement plan' }).first().click();

	await addAction(page, {
		challenge: '7. User involvement',
		title: 'Monthly service user and carer forum',
		owner: 'Dev Sharma, service user representative',
		due: ['30', '9', '2026']
	});
	await addAction(page, {
		challenge: '1. Day-to-day interactions',
		title: 'Co-produced one-page profiles',
		owner: 'Sam Patel, peer support worker',
		due: ['31', '12', '2030']
	});
	await addAction(page, {
		challenge: '6. Risk assessment and management',
		title: 'Shared safety plans pilot',
		owner: 'Chris Nolan, team manager',
		due: ['31', '12', '2030']
	});
	const planUrl = page.url();
	const priorityTable = (rank: number) =>
		page.getByRole('table', { name: `Actions for priority ${rank}` });
	await expect(priorityTable(1)).toContainText('Monthly service user and carer forum');
	await expect(priorityTable(2)).toContainText('Co-produced one-page profiles');
	await expect(priorityTable(3)).toContainText('Shared safety plans pilot');

	// Done, with an outcome; closing without one is refused.
	await page.getByRole('link', { name: 'Monthly service user and carer forum' }).click();
	await page.getByRole('link', { name: 'Change, re-assign or close this action' }).click();
	await page.getByLabel('Status').selectOption({ label: 'Done' });
	await page.getByRole('button', { name: 'Save changes' }).click();
	await expect(summary).toContainText('Enter an outcome note saying why the action is done');
	await page
		.getByLabel('Outcome note')
		.fill('The forum has met every month since May, chaired by a peer worker.');
	await page.getByRole('button', { name: 'Save changes' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Monthly service user and carer forum' })
	).toBeVisible();
	await expect(page.getByText('The forum has met every month since May')).toBeVisible();
	await page.getByLabel('Add a progress note').fill('Carers asked for an evening meeting too.');
	await page.getByRole('button', { name: 'Add note' }).click();
	await expect(page.getByText('Carers asked for an evening meeting too.')).toBeVisible();

	// Overdue once its due date is in the past.
	await page.goto(planUrl);
	await page.getByRole('link', { name: 'Shared safety plans pilot' }).click();
	await page.getByRole('link', { name: 'Change, re-assign or close this action' }).click();
	await fillDate(page, 'Due date', '1', '6', '2026');
	await page.getByRole('button', { name: 'Save changes' }).click();
	await expect(page.getByRole('heading', { name: 'Overdue' })).toBeVisible();
	await page.goto(planUrl);
	await expect(page.getByText('3 actions, 1 overdue.')).toBeVisible();
	await expect(
		priorityTable(3).getByRole('row', { name: /Shared safety plans pilot/ })
	).toContainText('Overdue');
	await expect(
		priorityTable(1).getByRole('row', { name: /Monthly service user/ })
	).not.toContainText('Overdue');

	// Filters narrow the plan, in the address.
	await page.getByLabel('Status').selectOption({ label: 'Done' });
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await expect(page).toHaveURL(/status=done/);
	await expect(page.getByText('1 action matches the filters')).toBeVisible();

	// The next round: the two open actions come up for review, and completing waits for it.
	await page.getByRole('link', { name: 'Southbrook Partnership NHS Trust' }).first().click();
	await createAndOpenRound(
		page,
		'Autumn 2026 recovery audit',
		['1', '7', '2026'],
		['31', '12', '2026']
	);
	await page.goto(serviceUrl);
	await page.getByRole('link', { name: 'Autumn 2026 recovery audit' }).click();
	await expect(page.getByRole('heading', { name: 'Actions from the last round' })).toBeVisible();
	await expect(
		page.getByText('0 of 2 actions still open when this round started have a decision.')
	).toBeVisible();
	for (const group of await page
		.getByRole('group')
		.filter({ has: page.getByRole('radio') })
		.all()) {
		await group.getByRole('radio').nth(1).check();
	}
	await page.getByRole('button', { name: 'Save and continue to mark complete' }).click();
	await expect(summary).toContainText(
		'Review the 2 actions from the last round before marking the assessment complete'
	);

	// The refused completion saved nothing, so leaving for the review asks first; the lead leaves
	// anyway and agrees the levels again afterwards.
	const leaving = page.waitForEvent('dialog').then((dialog) => dialog.accept());
	await page.getByRole('link', { name: 'Review last round’s actions' }).click();
	await leaving;
	await expect(
		page.getByRole('heading', { level: 1, name: "Review last round's actions" })
	).toBeVisible();
	const listed = page.getByRole('group').filter({ has: page.getByRole('radio') });
	await expect(listed).toHaveCount(2);
	await expect(
		page.getByRole('heading', { name: 'Monthly service user and carer forum' })
	).toHaveCount(0);
	await page
		.getByRole('group', { name: 'Co-produced one-page profiles' })
		.getByLabel('Carry forward')
		.check();
	await page
		.getByRole('group', { name: 'Shared safety plans pilot' })
		.getByLabel('Dropped')
		.check();
	await page.getByRole('button', { name: 'Save the review' }).click();
	await expect(summary).toContainText(
		'Enter a note saying what happened to “Shared safety plans pilot”'
	);
	await expect(
		page.getByRole('group', { name: 'Co-produced one-page profiles' }).getByLabel('Carry forward')
	).toBeChecked();
	await page
		.getByLabel('Note on “Shared safety plans pilot”')
		.fill('Replaced by the trust-wide safety planning programme.');
	await page.getByRole('button', { name: 'Save the review' }).click();
	await expect(
		page.getByText('2 of 2 actions still open when this round started have a decision.')
	).toBeVisible();
	for (const group of await page
		.getByRole('group')
		.filter({ has: page.getByRole('radio') })
		.all()) {
		await group.getByRole('radio').nth(1).check();
	}
	await markComplete(page);
	await expect(
		page.getByRole('heading', { level: 1, name: 'Harbour Community Mental Health Team' })
	).toBeVisible();

	// The carried-forward action is still open on the plan; the dropped one is closed with its note.
	await page.goto(planUrl);
	await expect(page.getByRole('row', { name: /Co-produced one-page profiles/ })).toContainText(
		'Not started'
	);
	await expect(page.getByRole('row', { name: /Shared safety plans pilot/ })).toContainText(
		'Dropped'
	);

	// Leadership sees it across services, with counts.
	await page.getByRole('link', { name: 'Southbrook Partnership NHS Trust' }).first().click();
	await page.getByRole('link', { name: 'Improvement actions across services' }).click();
	const counts = page.getByRole('table', { name: /Actions by challenge and status/ });
	await expect(counts.getByRole('row', { name: /All challenges/ })).toHaveText(
		/All challenges\s*1\s*0\s*1\s*1\s*0\s*3/
	);
	await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Dropped' });
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await expect(page).toHaveURL(/status=dropped/);
	await expect(page.getByRole('table', { name: /1 action matching the filters/ })).toContainText(
		'Shared safety plans pilot'
	);
});
