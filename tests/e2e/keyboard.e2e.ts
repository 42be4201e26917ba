import { expect, test, type Locator, type Page } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import { openRoundAssessmentPath } from './crawl';
import {
	ADMIN,
	codeFor,
	createFirstAdministrator,
	errorSummary,
	expectErrorSummaryFocused,
	rememberSetupKey
} from './helpers';
import { startSmtpCatcher } from '../smtp-catcher';
import { VISITORS } from '../route-rules';

// Journeys done with the keyboard alone: every step is a key press, focus is always on something
// visible with a visible focus indicator, and never lost to the page body.

let server: RunningServer;
let assessmentPath: string;

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
	assessmentPath = await openRoundAssessmentPath(
		server.databasePath,
		'Ashford Community Mental Health Team'
	);
});
test.afterAll(async () => {
	await server?.stop();
});

/** True when the focused element shows a focus indicator (its own, or its label's for NHS radios). */
async function focusIsVisible(page: Page): Promise<string | null> {
	return page.evaluate(() => {
		const el = document.activeElement as HTMLElement | null;
		if (!el || el === document.body) return 'focus is on the page body';
		const box = el.getBoundingClientRect();
		const label = (el as HTMLInputElement).labels?.[0];
		const visibleBox = box.width > 0 && box.height > 0 ? box : label?.getBoundingClientRect();
		if (!visibleBox || visibleBox.width === 0) return `${el.tagName} is not visible`;
		const style = getComputedStyle(el);
		const outlined = style.outlineStyle !== 'none' && style.outlineWidth !== '0px';
		const shadowed = style.boxShadow !== 'none';
		const labelShadowed = label ? getComputedStyle(label, '::before').boxShadow !== 'none' : false;
		return outlined || shadowed || labelShadowed
			? null
			: `${el.tagName} "${el.textContent?.trim().slice(0, 40)}" has no visible focus indicator`;
	});
}

/** Presses Tab until `target` has focus, checking the focus indicator at every stop. */
async function tabTo(page: Page, target: Locator, maxPresses = 120) {
	// After a client-side navigation SvelteKit moves focus to the new page once it has rendered;
	// let that happen first, as it would before any person pressed a key.
	await page.evaluate(
		() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))
	);
	for (let i = 0; i < maxPresses; i++) {
		await page.keyboard.press('Tab');
		expect(await focusIsVisible(page)).toBeNull();
		if (await target.evaluate((el) => el === document.activeElement)) return;
	}
	throw new Error(`Tab never reached ${target}`);
}

// Runs first: once the lead marks the assessment complete, ratings can no longer be given.
test('a rater chooses a perspective, rates every challenge and submits, by keyboard alone', async ({
	browser
}) => {
	// The service lead invites the demo rater to give their own rating.
	const lead = await (await browser.newContext()).newPage();
	await lead.goto(`${server.baseURL}/sign-in`);
	await lead.getByLabel('Email address').fill(VISITORS.serviceLead.email);
	await lead.getByLabel('Password').fill(VISITORS.serviceLead.password);
	await lead.getByRole('button', { name: 'Sign in' }).click();
	await expect(lead.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
	await lead.goto(`${server.baseURL}${assessmentPath}/raters`);
	await lead.getByLabel('Person').selectOption({ label: `Dan Evans (${VISITORS.rater.email})` });
	await lead.getByRole('button', { name: 'Add rater' }).click();
	await expect(lead.getByText('Dan Evans has been added as a rater.')).toBeVisible();

	const page = await (await browser.newContext()).newPage();
	await page.goto(`${server.baseURL}/sign-in`);
	await page.getByLabel('Email address').focus();
	await page.keyboard.type(VISITORS.rater.email);
	await page.keyboard.press('Tab');
	await page.keyboard.type(VISITORS.rater.password);
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
	await page.goto(`${server.baseURL}${assessmentPath}/rating`);

	// Tab enters a radio group at its first option; arrow keys move through it and choose.
	await tabTo(page, page.getByRole('radio', { name: 'Staff member' }));
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('ArrowDown');
	await expect(page.getByRole('radio', { name: 'Peer support worker' })).toBeChecked();
	await tabTo(page, page.getByRole('button', { name: 'Save and continue' }));
	await page.keyboard.press('Enter');

	for (let n = 1; ; n++) {
		const heading = page.getByText(/^Challenge \d+ of \d+$/);
		await expect(heading).toHaveText(new RegExp(`^Challenge ${n} of `));
		const total = Number((await heading.innerText()).split(' of ')[1]);
		await tabTo(page, page.getByRole('radio').first());
		await page.keyboard.press('Space');
		await page.keyboard.press('ArrowDown');
		await tabTo(page, page.getByRole('button', { name: 'Save and continue' }));
		await page.keyboard.press('Enter');
		if (n === total) break;
	}

	await expect(page.getByRole('heading', { level: 1, name: 'Check your ratings' })).toBeVisible();
	await tabTo(page, page.getByRole('button', { name: 'Submit your ratings' }), 300);
	await page.keyboard.press('Enter');
	await expect(page.getByText('You have submitted your ratings')).toBeVisible();
});

// Before the lead completes the assessment, which ends what can be rated.
test('a lead runs a rating session and a participant rates on a phone, by keyboard alone', async ({
	browser
}) => {
	const lead = await (await browser.newContext()).newPage();
	await lead.goto(`${server.baseURL}/sign-in`);
	await lead.getByLabel('Email address').fill(VISITORS.serviceLead.email);
	await lead.getByLabel('Password').fill(VISITORS.serviceLead.password);
	await lead.getByRole('button', { name: 'Sign in' }).click();
	await expect(lead.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
	await lead.goto(`${server.baseURL}${assessmentPath}`);
	await tabTo(lead, lead.getByRole('link', { name: 'Run a rating session in the room' }), 200);
	await lead.keyboard.press('Enter');
	await expect(
		lead.getByRole('heading', { level: 1, name: 'Rating session in the room' })
	).toBeVisible();
	// The pace's first option is chosen already; the arrow keys would change it.
	await tabTo(lead, lead.getByRole('radio', { name: /^Together/ }));
	await expect(lead.getByRole('radio', { name: /^Together/ })).toBeChecked();
	await tabTo(lead, lead.getByRole('button', { name: 'Start the session' }));
	await lead.keyboard.press('Enter');
	await expect(lead.locator('.app-join-code')).toBeVisible();
	const code = (await lead.locator('.app-join-code').textContent())!.trim();
	await tabTo(lead, lead.getByRole('button', { name: 'Next challenge' }));
	await lead.keyboard.press('Enter');
	await expect(lead.getByText(/^2 of \d+:/)).toBeVisible();

	const phone = await (
		await browser.newContext({ viewport: { width: 375, height: 740 } })
	).newPage();
	await phone.goto(`${server.baseURL}/join`);
	await tabTo(phone, phone.getByLabel('The code on the screen'));
	await phone.keyboard.type(code);
	await phone.keyboard.press('Enter');
	await expect(phone.getByRole('heading', { level: 1, name: /^Give your view of/ })).toBeVisible();
	await tabTo(phone, phone.getByRole('radio', { name: 'Staff member' }));
	await phone.keyboard.press('ArrowDown');
	await expect(phone.getByRole('radio', { name: 'Team manager' })).toBeChecked();
	await tabTo(phone, phone.getByRole('button', { name: 'Join and start' }));
	await phone.keyboard.press('Enter');
	await expect(phone.getByText(/^Challenge 2 of \d+$/)).toBeVisible();
	await tabTo(phone, phone.getByRole('radio').first());
	await phone.keyboard.press('Space');
	await tabTo(phone, phone.getByRole('button', { name: 'Save my answer' }));
	await phone.keyboard.press('Enter');
	await expect(phone.getByText('Your answer has been saved.')).toBeVisible();
	await tabTo(phone, phone.getByRole('button', { name: 'Submit my answers' }));
	await phone.keyboard.press('Enter');
	await expect(
		phone.getByRole('heading', { name: 'Thank you: your answers are in' })
	).toBeVisible();

	await lead.reload();
	await tabTo(lead, lead.getByRole('link', { name: 'Close the session' }), 200);
	await lead.keyboard.press('Enter');
	await expect(lead.getByRole('button', { name: 'Yes, close the session' })).toBeVisible();
	await tabTo(lead, lead.getByRole('button', { name: 'Yes, close the session' }));
	await lead.keyboard.press('Enter');
	await expect(lead.getByText(/The last session closed on/)).toBeVisible();
});

test('a service lead signs in, agrees a level for every challenge, reviews last round’s actions, completes and adds an action, by keyboard alone', async ({
	page
}) => {
	await page.goto(`${server.baseURL}/sign-in`);

	// The skip link comes first and takes focus into the main content.
	await page.keyboard.press('Tab');
	await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeFocused();
	expect(await focusIsVisible(page)).toBeNull();
	await page.keyboard.press('Enter');
	await page.keyboard.press('Tab');
	await expect(page.getByLabel('Email address')).toBeFocused();

	await page.keyboard.type(VISITORS.serviceLead.email);
	await page.keyboard.press('Tab');
	await page.keyboard.type(VISITORS.serviceLead.password);
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();

	await page.goto(server.baseURL + assessmentPath);
	const challenges = page.getByRole('group').filter({ has: page.getByRole('radio') });
	const count = await challenges.count();
	expect(count).toBeGreaterThan(1);

	for (let i = 0; i < count; i++) {
		const group = challenges.nth(i);
		const radios = group.getByRole('radio');
		const checked = await radios.evaluateAll((all) =>
			all.findIndex((r) => (r as HTMLInputElement).checked)
		);
		await tabTo(page, checked >= 0 ? radios.nth(checked) : radios.first());
		// Arrow keys move between levels and choose; the target is the third level, or the last.
		const target = Math.min(2, (await radios.count()) - 1);
		if (checked < 0) await page.keyboard.press('Space');
		const from = Math.max(checked, 0);
		for (let step = from; step < target; step++) await page.keyboard.press('ArrowDown');
		for (let step = from; step > target; step--) await page.keyboard.press('ArrowUp');
		await expect(radios.nth(target)).toBeChecked();

		await tabTo(page, page.getByRole('textbox', { name: /^Evidence for/ }).nth(i));
		await page.keyboard.press('ControlOrMeta+a');
		await page.keyboard.type(`Evidence typed by keyboard for challenge ${i + 1}.`);
	}

	await tabTo(page, page.getByRole('button', { name: 'Save and come back later' }));
	await page.keyboard.press('Enter');
	await expect(page.getByText('Your changes have been saved')).toBeVisible();

	// Last round's open actions are reviewed before the assessment can be completed.
	await tabTo(page, page.getByRole('link', { name: 'Review last round’s actions' }), 400);
	await page.keyboard.press('Enter');
	await expect(
		page.getByRole('heading', { level: 1, name: "Review last round's actions" })
	).toBeVisible();
	const toReview = page.getByRole('group').filter({ has: page.getByRole('radio') });
	const reviewCount = await toReview.count();
	expect(reviewCount).toBeGreaterThan(0);
	for (let i = 0; i < reviewCount; i++) {
		const group = toReview.nth(i);
		await tabTo(page, group.getByRole('radio', { name: 'Done' }));
		await page.keyboard.press('Space');
		// The first is carried forward; the rest are done, which needs a note.
		if (i === 0) {
			await page.keyboard.press('ArrowDown');
			await expect(group.getByRole('radio', { name: 'Carry forward' })).toBeChecked();
		} else {
			await expect(group.getByRole('radio', { name: 'Done' })).toBeChecked();
			await tabTo(page, page.getByRole('textbox', { name: /^Note on/ }).nth(i));
			await page.keyboard.type('Finished over the summer, typed by keyboard.');
		}
	}
	await tabTo(page, page.getByRole('button', { name: 'Save the review' }));
	await page.keyboard.press('Enter');
	await expect(page.getByText(`${reviewCount} of ${reviewCount} action`)).toBeVisible();

	// Completion has a confirmation step that lists what it locks; confirming there completes.
	await tabTo(page, page.getByRole('button', { name: 'Save and continue to mark complete' }), 400);
	await page.keyboard.press('Enter');
	await expect(
		page.getByRole('heading', { level: 1, name: 'Mark the assessment complete' })
	).toBeVisible();
	await expect(page.getByRole('heading', { name: 'What marking it complete locks' })).toBeVisible();
	await tabTo(page, page.getByRole('button', { name: 'Mark complete' }), 200);
	await page.keyboard.press('Enter');
	await expect(
		page.getByRole('heading', { level: 1, name: 'Ashford Community Mental Health Team' })
	).toBeVisible();
	// Focus lands on the success banner once the navigation settles; a Tab pressed before that
	// would be undone by SvelteKit's focus reset, as no person could press it that fast.
	await expect(page.getByRole('alert').filter({ hasText: 'Success' })).toBeFocused();

	// From the service page to the plan, and a new action, still by keyboard alone.
	await tabTo(page, page.getByRole('link', { name: 'Improvement plan' }));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Improvement plan' })).toBeVisible();
	await tabTo(page, page.getByRole('link', { name: 'Add an action' }));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Add an action' })).toBeVisible();
	await tabTo(page, page.getByLabel('Challenge', { exact: true }));
	await page.keyboard.press('ArrowDown');
	await expect(page.getByLabel('Challenge', { exact: true })).not.toHaveValue('');
	await tabTo(page, page.getByLabel('Action', { exact: true }));
	await page.keyboard.type('Peer worker joins every new assessment, planned by keyboard');
	await tabTo(page, page.getByLabel("Or the owner's name"));
	await page.keyboard.type('Sam Patel, peer support worker');
	await tabTo(page, page.getByRole('group', { name: 'Due date' }).getByLabel('Day'));
	await page.keyboard.type('31');
	await page.keyboard.press('Tab');
	await page.keyboard.type('3');
	await page.keyboard.press('Tab');
	await page.keyboard.type('2027');
	await tabTo(page, page.getByRole('button', { name: 'Add action' }));
	await page.keyboard.press('Enter');
	await expect(
		page.getByRole('heading', {
			level: 1,
			name: 'Peer worker joins every new assessment, planned by keyboard'
		})
	).toBeVisible();
	await expect(page.getByText('Sam Patel, peer support worker')).toBeVisible();

	await page.goto(server.baseURL + assessmentPath);
	await expect(page.getByText('This assessment has been marked complete.')).toBeVisible();
	await expect(page.getByRole('row', { name: /^1\. Day-to-day interactions/ })).toContainText(
		'Evidence typed by keyboard for challenge 1.'
	);
});

// Runs after the service lead's journey, which completed the assessment.
test('an organisation administrator undoes a completion with a reason, by keyboard alone', async ({
	page
}) => {
	await page.goto(`${server.baseURL}/sign-in`);
	await page.getByLabel('Email address').focus();
	await page.keyboard.type(VISITORS.organisationAdmin.email);
	await page.keyboard.press('Tab');
	await page.keyboard.type(VISITORS.organisationAdmin.password);
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
	await page.goto(server.baseURL + assessmentPath);
	await expect(page.getByText('This assessment has been marked complete.')).toBeVisible();

	// Without a reason it is refused, and the error summary leads to the field.
	await tabTo(page, page.getByRole('button', { name: 'Undo completion' }), 300);
	await page.keyboard.press('Enter');
	await expectErrorSummaryFocused(page);
	await tabTo(
		page,
		errorSummary(page).getByRole('link', { name: 'Enter the reason for undoing the completion' })
	);
	await page.keyboard.press('Enter');
	await expect(page.getByLabel('Reason for undoing the completion')).toBeFocused();
	await page.keyboard.type('The carers’ group has not seen the evidence yet, undone by keyboard.');
	await tabTo(page, page.getByRole('button', { name: 'Undo completion' }));
	await page.keyboard.press('Enter');

	await expect(page.getByRole('alert').filter({ hasText: 'Success' })).toBeFocused();
	await expect(page.getByText('The completion has been undone')).toBeVisible();
	await expect(page.getByText(/^Stage: Agreeing/)).toBeVisible();
	await tabTo(page, page.getByRole('button', { name: 'Save and continue to mark complete' }), 400);
});

// After the completion is undone: a sheet can be entered only while the assessment is not locked.
test('a paper rating sheet is typed in by keyboard alone', async ({ page }) => {
	await page.goto(`${server.baseURL}/sign-in`);
	await page.getByLabel('Email address').focus();
	await page.keyboard.type(VISITORS.serviceLead.email);
	await page.keyboard.press('Tab');
	await page.keyboard.type(VISITORS.serviceLead.password);
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
	await page.goto(server.baseURL + assessmentPath);
	await tabTo(page, page.getByRole('link', { name: 'Enter paper rating sheets' }));
	await page.keyboard.press('Enter');
	await expect(
		page.getByRole('heading', { level: 1, name: 'Enter paper rating sheets' })
	).toBeVisible();

	// Nothing is chosen yet: Tab enters the perspectives at the first, Space chooses it.
	await tabTo(page, page.getByRole('radio', { name: 'Staff member' }));
	await page.keyboard.press('Space');
	await expect(page.getByRole('radio', { name: 'Staff member' })).toBeChecked();
	// Each challenge starts at "Left blank"; the arrow keys choose a level above it.
	const first = page.getByRole('group', { name: '1. Day-to-day interactions' });
	await tabTo(page, first.getByRole('radio', { name: 'Left blank' }));
	await page.keyboard.press('ArrowUp');
	await expect(first.getByRole('radio', { name: 'Don’t know' })).toBeChecked();
	await page.keyboard.press('ArrowUp');
	await expect(first.getByRole('radio', { name: '4. Transformation' })).toBeChecked();
	await page.keyboard.press('Tab');
	await expect(page.getByLabel('Comment on Day-to-day interactions (optional)')).toBeFocused();
	await page.keyboard.type('Typed in from a sheet, by keyboard.');
	await tabTo(page, page.getByRole('button', { name: 'Enter this sheet' }));
	await page.keyboard.press('Enter');

	await expect(page.getByRole('alert').filter({ hasText: 'Sheet 1 entered' })).toBeFocused();
	await expect(page.getByRole('row', { name: /Staff member/ })).toContainText('1 of 10 challenges');
});

test('after a failed submit, focus moves to the error summary and its links reach the fields', async ({
	page
}) => {
	await page.goto(`${server.baseURL}/sign-in`);
	await page.getByLabel('Email address').focus();
	await page.keyboard.type(VISITORS.organisationAdmin.email);
	await page.keyboard.press('Tab');
	await page.keyboard.type(VISITORS.organisationAdmin.password);
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();

	// After each navigation focus starts again at the top of the new page, as on a full page load.
	await tabTo(
		page,
		page.getByRole('link', { name: 'Northmoor Mental Health NHS Foundation Trust' })
	);
	await page.keyboard.press('Enter');
	await expect(
		page.getByRole('heading', { level: 1, name: 'Northmoor Mental Health NHS Foundation Trust' })
	).toBeVisible();
	await tabTo(page, page.getByRole('link', { name: 'Add a service' }));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Add a service' })).toBeVisible();
	await tabTo(page, page.getByRole('button', { name: 'Add service' }));
	await page.keyboard.press('Enter');

	const summary = errorSummary(page);
	await expectErrorSummaryFocused(page);
	await page.keyboard.press('Enter');
	await tabTo(page, summary.getByRole('link', { name: 'Enter the service name' }));
	await page.keyboard.press('Enter');
	await expect(page.getByLabel('Service name')).toBeFocused();
	await page.keyboard.type('Keyboard Crisis Team');

	// A second failed submit moves focus to the summary again.
	await tabTo(page, page.getByRole('button', { name: 'Add service' }));
	await page.keyboard.press('Enter');
	await expectErrorSummaryFocused(page);
	await expect(summary).toContainText('Select the type of service');
	await expect(page.getByLabel('Service name')).toHaveValue('Keyboard Crisis Team');
});

test('a framework pack file’s problems are reached from the error summary, by keyboard alone', async ({
	page
}) => {
	await page.goto(`${server.baseURL}/sign-in`);
	await page.getByLabel('Email address').focus();
	await page.keyboard.type(VISITORS.platformAdmin.email);
	await page.keyboard.press('Tab');
	await page.keyboard.type(VISITORS.platformAdmin.password);
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
	await tabTo(page, page.getByRole('link', { name: 'Framework packs' }));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Framework packs' })).toBeVisible();

	// The file chooser opens from the keyboard; the browser's own dialog is answered by the test.
	const fileInput = page.getByLabel('Framework pack file (JSON or Excel workbook)');
	await tabTo(page, fileInput);
	const chooser = page.waitForEvent('filechooser');
	await page.keyboard.press('Space');
	await (
		await chooser
	).setFiles({
		name: 'no-challenges.json',
		mimeType: 'application/json',
		buffer: Buffer.from('{\n\t"key": "keyboard-pack",\n\t"version": 1,\n\t"scale": []\n}')
	});
	await tabTo(page, page.getByRole('button', { name: 'Import pack' }));
	await page.keyboard.press('Enter');

	await expectErrorSummaryFocused(page);
	const problems = errorSummary(page)
		.getByRole('list', { name: 'Problems in the file' })
		.getByRole('listitem');
	await expect(problems).toHaveText([
		'The pack’s name is missing.',
		'The attribution is missing.',
		'The scale has 0 levels; it needs at least 2.',
		'The list of challenges is missing.'
	]);
	await tabTo(
		page,
		errorSummary(page).getByRole('link', { name: /^Correct the 4 problems in no-challenges.json/ })
	);
	await page.keyboard.press('Enter');
	await expect(fileInput).toBeFocused();
});

test('a session that ends while someone types keeps their input and asks them to sign in again', async ({
	page,
	context
}) => {
	await page.goto(`${server.baseURL}/sign-in`);
	await page.getByLabel('Email address').fill(VISITORS.organisationAdmin.email);
	await page.getByLabel('Password').fill(VISITORS.organisationAdmin.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();

	await page.goto(
		server.baseURL +
			assessmentPath.replace(/assessments\/.*/, '').replace(/rounds\/.*/, 'services/new')
	);
	await page.getByLabel('Service name').fill('Typed before the session ended');
	await page.getByLabel('Type of service').selectOption('Perinatal');

	await context.clearCookies();
	await page.getByRole('button', { name: 'Add service' }).click();
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	await page.getByLabel('Email address').fill(VISITORS.organisationAdmin.email);
	await page.getByLabel('Password').fill(VISITORS.organisationAdmin.password);
	await page.getByRole('button', { name: 'Sign in' }).click();

	await expect(page.getByText('we kept what you had typed')).toBeVisible();
	await expect(page.getByLabel('Service name')).toHaveValue('Typed before the session ended');
	await expect(page.getByLabel('Type of service')).toHaveValue('Perinatal');
	await page.getByRole('button', { name: 'Add service' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Typed before the session ended' })
	).toBeVisible();
});

test('on a shared computer, input kept for one person is never given to the next, and signing out clears it', async ({
	page,
	context
}) => {
	const signInAs = async (who: { email: string; password: string }) => {
		await page.getByLabel('Email address').fill(who.email);
		await page.getByLabel('Password').fill(who.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
	};
	const keptInput = () => page.evaluate(() => sessionStorage.getItem('imroc:kept-input'));
	const newServicePath = assessmentPath
		.replace(/assessments\/.*/, '')
		.replace(/rounds\/.*/, 'services/new');

	await page.goto(`${server.baseURL}/sign-in`);
	await signInAs(VISITORS.organisationAdmin);
	await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
	await page.goto(server.baseURL + newServicePath);
	await page.getByLabel('Service name').fill('A ward note nobody else should read');
	await context.clearCookies();
	await page.getByRole('button', { name: 'Add service' }).click();
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	expect(await keptInput()).toContain('A ward note nobody else should read');

	// Someone else sits down and signs in: the last person's text is thrown away, not shown.
	await signInAs(VISITORS.viewer);
	await expect(page.getByRole('link', { name: /your account/ })).toBeVisible();
	await expect(page.getByText('we kept what you had typed')).toHaveCount(0);
	expect(await keptInput()).toBeNull();

	// Signing out tells the browser to clear this site's storage, whatever is in it.
	await page.evaluate(() => sessionStorage.setItem('imroc:kept-input', '{"owner":"anyone"}'));
	const signOut = page.waitForResponse(
		(response) => response.url().endsWith('/sign-out') && response.request().method() === 'POST'
	);
	await page.getByRole('button', { name: 'Sign out' }).click();
	expect((await (await signOut).allHeaders())['clear-site-data']).toBe('"storage"');
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	expect(await keptInput()).toBeNull();
});

test('two-step sign-in is set up from Your account by keyboard alone', async ({ page }) => {
	await page.goto(`${server.baseURL}/sign-in`);
	await page.getByLabel('Email address').fill(VISITORS.viewer.email);
	await page.getByLabel('Password').fill(VISITORS.viewer.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();

	await tabTo(page, page.getByRole('link', { name: /your account/ }));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
	await tabTo(page, page.getByRole('link', { name: 'Set up two-step sign-in' }));
	await page.keyboard.press('Enter');
	await rememberSetupKey(page, VISITORS.viewer.email);

	// An empty form is refused with focus on the summary; then the password and the app's code.
	await tabTo(page, page.getByRole('button', { name: 'Turn on two-step sign-in' }));
	await page.keyboard.press('Enter');
	await expectErrorSummaryFocused(page);
	await tabTo(page, page.getByLabel('Your password'));
	await page.keyboard.type(VISITORS.viewer.password);
	await tabTo(page, page.getByLabel('Security code'));
	await page.keyboard.type(await codeFor(page, VISITORS.viewer.email));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible();
	await tabTo(page, page.getByRole('link', { name: 'Continue' }));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
});

test('someone who has forgotten their password asks for a link and sets a new one, by keyboard alone', async ({
	browser
}) => {
	// Its own server, which sends email to an SMTP server on loopback (the demo server sends none).
	const catcher = await startSmtpCatcher();
	const emailing = await startServer({ SMTP_URL: catcher.url });
	try {
		const setup = await browser.newPage();
		await createFirstAdministrator(setup, emailing.setupUrl!);
		await setup.close();

		const page = await browser.newPage();
		await page.goto(`${emailing.baseURL}/sign-in`, { waitUntil: 'networkidle' });
		await tabTo(page, page.getByRole('link', { name: 'Forgotten your password?' }));
		await page.keyboard.press('Enter');
		await expect(
			page.getByRole('heading', { level: 1, name: 'Forgotten your password?' })
		).toBeVisible();
		await tabTo(page, page.getByLabel('Email address'));
		await page.keyboard.type(ADMIN.email);
		await page.keyboard.press('Enter');
		await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();

		await expect.poll(() => catcher.emails.length).toBe(1);
		const link = catcher.emails[0].text.match(/https?:\/\/\S+\/reset-password\/[a-z0-9]+/)![0];
		await page.goto(link, { waitUntil: 'networkidle' });
		await tabTo(page, page.getByLabel('New password', { exact: true }));
		await page.keyboard.type('a new password typed by keyboard');
		await page.keyboard.press('Tab');
		await page.keyboard.type('a new password typed by keyboard');
		await page.keyboard.press('Enter');
		await expect(page.getByText('Your new password has been set')).toBeVisible();

		await tabTo(page, page.getByLabel('Email address'));
		await page.keyboard.type(ADMIN.email);
		await page.keyboard.press('Tab');
		await page.keyboard.type('a new password typed by keyboard');
		await page.keyboard.press('Enter');
		// The second step: a code from the authenticator app the administrator set up.
		await expect(
			page.getByRole('heading', { level: 1, name: 'Enter your security code' })
		).toBeVisible();
		await tabTo(page, page.getByLabel('Security code'));
		await page.keyboard.type(await codeFor(page, ADMIN.email));
		await page.keyboard.press('Enter');
		await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
	} finally {
		await emailing.stop();
		await catcher.stop();
	}
});

test('a dashboard’s framework is chosen, and a pack version retired after its confirmation, by keyboard alone', async ({
	page
}) => {
	await page.goto(`${server.baseURL}/sign-in`);
	await page.getByLabel('Email address').focus();
	await page.keyboard.type(VISITORS.platformAdmin.email);
	await page.keyboard.press('Tab');
	await page.keyboard.type(VISITORS.platformAdmin.password);
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();

	await page.goto(server.baseURL + assessmentPath.replace(/\/rounds\/.*/, '/dashboard'), {
		waitUntil: 'networkidle'
	});
	await expect(page.getByText('Framework: ImROC organisational challenges (2010)')).toBeVisible();
	const choice = page.getByLabel('Framework', { exact: true });
	await tabTo(page, choice);
	// A closed select takes the option whose name begins with the letters typed.
	await page.keyboard.type('Peer');
	await expect(choice).toHaveValue('peer-support-check');
	await tabTo(page, page.getByRole('button', { name: 'Show this framework' }));
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/framework=peer-support-check/);
	await expect(
		page.getByText('Framework: Peer support check (demo pack), version 1.')
	).toBeVisible();

	await page.goto(`${server.baseURL}/admin/frameworks`, { waitUntil: 'networkidle' });
	const name = 'Peer support check (demo pack) version 1';
	await tabTo(page, page.getByRole('link', { name: `Retire ${name}` }));
	await page.keyboard.press('Enter');
	await expect(
		page.getByRole('heading', {
			level: 1,
			name: 'Retire Peer support check (demo pack), version 1?'
		})
	).toBeVisible();
	await tabTo(page, page.getByRole('button', { name: 'Retire this version' }));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('alert')).toContainText(`${name} is retired`);
	// Offered again, by keyboard too, so the demo is as it was.
	await tabTo(page, page.getByRole('button', { name: `Offer again ${name}` }));
	await page.keyboard.press('Enter');
	await expect(
		page.getByRole('row').filter({ hasText: 'Peer support check (demo pack)' })
	).toContainText('Offered for new rounds');
});

test('several services are pasted, previewed and added by keyboard alone', async ({ page }) => {
	await page.goto(`${server.baseURL}/sign-in`);
	await page.getByLabel('Email address').focus();
	await page.keyboard.type(VISITORS.organisationAdmin.email);
	await page.keyboard.press('Tab');
	await page.keyboard.type(VISITORS.organisationAdmin.password);
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();

	await tabTo(
		page,
		page.getByRole('link', { name: 'Northmoor Mental Health NHS Foundation Trust' })
	);
	await page.keyboard.press('Enter');
	await expect(
		page.getByRole('heading', { level: 1, name: 'Northmoor Mental Health NHS Foundation Trust' })
	).toBeVisible();
	await tabTo(page, page.getByRole('link', { name: 'Add several services' }));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Add several services' })).toBeVisible();

	// The list of types opens and closes from the keyboard too.
	// (Tab stops on the summary, the text's parent.)
	await tabTo(page, page.getByText('The types of service').locator('..'));
	await page.keyboard.press('Enter');
	await expect(page.getByText('Peer support service', { exact: true })).toBeVisible();

	await tabTo(page, page.getByLabel('Services, one on each line'));
	await page.keyboard.type('Keyboard Ward One, Acute inpatient ward\n');
	await page.keyboard.type('Keyboard Ward One, Rehabilitation, Adult community services');
	await tabTo(page, page.getByRole('button', { name: 'Preview the list' }));
	await page.keyboard.press('Enter');
	await expectErrorSummaryFocused(page);
	await expect(errorSummary(page)).toContainText('Line 2: “Keyboard Ward One” is also on line 1');

	// Back into the list from the summary, to put line 2 right.
	await page.keyboard.press('Enter');
	await tabTo(page, errorSummary(page).getByRole('link', { name: /^Correct the problem/ }));
	await page.keyboard.press('Enter');
	await expect(page.getByLabel('Services, one on each line')).toBeFocused();
	await page.keyboard.press('ControlOrMeta+End');
	for (let i = 0; i < 'One, Rehabilitation, Adult community services'.length; i++)
		await page.keyboard.press('Backspace');
	await page.keyboard.type('Two, Rehabilitation, Adult community services');
	await tabTo(page, page.getByRole('button', { name: 'Preview the list' }));
	await page.keyboard.press('Enter');
	await expect(
		page.getByRole('heading', { name: 'Check the list, then add the services' })
	).toBeFocused();

	await tabTo(page, page.getByRole('button', { name: 'Add 2 services' }));
	await page.keyboard.press('Enter');
	await expect(
		page.getByRole('alert').filter({ hasText: '2 services have been added' })
	).toBeFocused();
	await expect(page.getByRole('link', { name: 'Keyboard Ward Two' })).toBeVisible();
});

test('past audits are previewed, put right, imported and undone by keyboard alone', async ({
	page
}) => {
	await page.goto(`${server.baseURL}/sign-in`);
	await page.getByLabel('Email address').focus();
	await page.keyboard.type(VISITORS.organisationAdmin.email);
	await page.keyboard.press('Tab');
	await page.keyboard.type(VISITORS.organisationAdmin.password);
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
	await tabTo(
		page,
		page.getByRole('link', { name: 'Northmoor Mental Health NHS Foundation Trust' })
	);
	await page.keyboard.press('Enter');
	await expect(
		page.getByRole('heading', { level: 1, name: 'Northmoor Mental Health NHS Foundation Trust' })
	).toBeVisible();
	await tabTo(page, page.getByRole('link', { name: 'Bring in past audits from a spreadsheet' }));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: 'Bring in past audits' })).toBeVisible();

	// Choosing the file happens in the system's own dialog, outside the page.
	const rows = ['Round title,Round start,Round end,Team / ward name,Challenge,Agreed level'];
	for (let challenge = 1; challenge <= 10; challenge += 1)
		rows.push(`Spring 2019 audit,01/04/2019,30/06/2019,Ashford CMHT,${challenge},2`);
	await page.getByLabel('Spreadsheet of past audits').setInputFiles({
		name: 'keyboard audit.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(rows.join('\n'))
	});
	await tabTo(page, page.getByRole('button', { name: 'Upload and preview' }));
	await page.keyboard.press('Enter');
	await expect(
		page.getByRole('heading', { level: 1, name: 'Check before importing' })
	).toBeVisible();

	// A closed select takes the option whose name begins with the letters typed.
	const column = page.getByLabel('Column D: “Team / ward name”');
	await tabTo(page, column);
	await page.keyboard.type('Serv');
	await expect(column).toHaveValue('service');
	await tabTo(page, page.getByRole('button', { name: 'Update the preview' }));
	await page.keyboard.press('Enter');
	const ashford = page.getByLabel('Yes, it is Ashford Community Mental Health Team');
	await expect(ashford).toBeVisible();
	await tabTo(page, ashford);
	await page.keyboard.press('Space');
	await expect(ashford).toBeChecked();
	await tabTo(page, page.getByRole('button', { name: 'Update the preview' }));
	await page.keyboard.press('Enter');
	await expect(page.locator('.nhsuk-summary-list')).toContainText(/Problems\s*None/);
	await tabTo(page, page.getByRole('button', { name: 'Import 10 agreed levels' }));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('alert')).toContainText('keyboard audit.csv has been imported');

	await tabTo(page, page.getByRole('link', { name: 'Undo the import of keyboard audit.csv' }));
	await page.keyboard.press('Enter');
	await expect(
		page.getByRole('heading', { level: 1, name: 'Undo the import of keyboard audit.csv' })
	).toBeVisible();
	await tabTo(page, page.getByRole('button', { name: 'Undo the import' }));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('alert')).toContainText('has been undone');
});
