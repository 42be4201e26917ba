import {
	expect,
	test,
	type Browser,
	type BrowserContextOptions,
	type Page
} from '@playwright/test';
import { startServer, type RunningServer } from './server';
import {
	addOrganisation,
	addService,
	createAndOpenRound,
	createFirstAdministrator,
	markComplete
} from './helpers';

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer();
});
test.afterAll(async () => {
	await server?.stop();
});

const CHALLENGES = 10;

async function invite(page: Page, email: string, role: string): Promise<string> {
	await page.getByLabel('Email address').fill(email);
	await page.getByLabel('Role').selectOption({ label: role });
	await page.getByLabel(/this address is the person’s own/).check();
	await page.getByRole('button', { name: 'Create invitation' }).click();
	await expect(page.getByRole('heading', { name: `Invitation ready for ${email}` })).toBeVisible();
	return page.getByLabel('Invitation link').inputValue();
}

/** Opens an invitation link in a fresh browser, as the invited person would, and creates the account. */
async function acceptAsNewPerson(
	browser: Browser,
	link: string,
	name: string,
	options: BrowserContextOptions = {}
): Promise<Page> {
	const page = await (await browser.newContext(options)).newPage();
	await page.goto(link);
	await page.getByLabel('Full name').fill(name);
	await page.getByLabel('Password', { exact: true }).fill('a long enough password');
	await page.getByLabel('Confirm password').fill('a long enough password');
	await page.getByRole('button', { name: 'Create account and accept' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Northmoor Mental Health NHS Foundation Trust' })
	).toBeVisible();
	return page;
}

async function choosePerspective(page: Page, ratingUrl: string, perspective: string) {
	await page.goto(ratingUrl);
	await expect(
		page.getByRole('heading', { level: 1, name: 'Which perspective are you rating from?' })
	).toBeVisible();
	await page.getByLabel(perspective, { exact: true }).check();
	await page.getByRole('button', { name: 'Save and continue' }).click();
	await expect(page.getByText(`Challenge 1 of ${CHALLENGES}`, { exact: true })).toBeVisible();
}

/** Answers challenges from..to (1-based) with the label given for each, pressing "Save and continue". */
async function rate(page: Page, from: number, to: number, answer: (n: number) => string) {
	for (let n = from; n <= to; n++) {
		await expect(page.getByText(`Challenge ${n} of ${CHALLENGES}`, { exact: true })).toBeVisible();
		await page.getByLabel(answer(n), { exact: true }).check();
		await page.getByRole('button', { name: 'Save and continue' }).click();
	}
}

async function submit(page: Page) {
	await expect(page.getByRole('heading', { level: 1, name: 'Check your ratings' })).toBeVisible();
	await page.getByRole('button', { name: 'Submit your ratings' }).click();
	await expect(page.getByText('You have submitted your ratings')).toBeVisible();
}

test('three people rate privately from their own perspectives, submit once, then see the spread', async ({
	page,
	browser
}) => {
	await createFirstAdministrator(page, server.setupUrl!);
	await addOrganisation(page, 'Northmoor Mental Health NHS Foundation Trust');
	const organisationUrl = page.url();
	await addService(page, 'Ashford CMHT', 'Community mental health team');
	const serviceUrl = page.url();

	// The administrator invites three people to the service as raters.
	await page.getByRole('link', { name: 'People in this service' }).click();
	const people = [
		{ name: 'Sam Patel', email: 'sam.patel@northmoor.example' },
		{ name: 'Uma Reid', email: 'uma.reid@northmoor.example' },
		{ name: 'Cara Jones', email: 'cara.jones@northmoor.example' }
	];
	const links: string[] = [];
	for (const person of people) {
		await page.goto(`${serviceUrl}/people`);
		links.push(await invite(page, person.email, 'Rater'));
	}
	const staff = await acceptAsNewPerson(browser, links[0], people[0].name);
	const user = await acceptAsNewPerson(browser, links[1], people[1].name, {
		viewport: { width: 375, height: 667 }
	});
	const carer = await acceptAsNewPerson(browser, links[2], people[2].name);

	await page.goto(organisationUrl);
	await createAndOpenRound(
		page,
		'Spring 2026 recovery audit',
		['1', '1', '2026'],
		['30', '6', '2026']
	);
	await page.getByRole('link', { name: /assessment of Ashford/ }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: /Ashford CMHT: agreed levels/ })
	).toBeVisible();
	const assessmentUrl = page.url().replace(/[?#].*$/, '');
	const ratersUrl = `${assessmentUrl}/raters`;
	const ratingUrl = `${assessmentUrl}/rating`;

	// Until invited, even a rater of the service cannot reach the rating page.
	expect((await staff.goto(ratingUrl))?.status()).toBe(404);

	// The lead adds them as raters, choosing from the people of the service.
	await page.goto(ratersUrl);
	await expect(page.getByRole('heading', { level: 1, name: 'Raters' })).toBeVisible();
	await expect(
		page.getByRole('link', { name: /invite them from the service’s People page first/ })
	).toHaveAttribute('href', /\/services\/[^/]+\/people$/);
	await page.getByRole('button', { name: 'Add rater' }).click();
	await expect(page.getByRole('link', { name: 'Select a person to add' })).toBeVisible();
	for (const person of people) {
		await page.getByLabel('Person').selectOption({ label: `${person.name} (${person.email})` });
		await page.getByRole('button', { name: 'Add rater' }).click();
		await expect(page.getByText(`${person.name} has been added as a rater.`)).toBeVisible();
		await expect(page.getByRole('row', { name: new RegExp(person.name) })).toContainText(
			'Not chosen yet'
		);
	}
	await expect(page.getByLabel('Person').locator('option', { hasText: 'Sam Patel' })).toHaveCount(
		0
	);

	// The lead starts agreeing before anyone has rated. A rater who has not submitted sees none of
	// that working, neither on the page nor in the data the page is made from.
	await page.goto(assessmentUrl);
	await page
		.getByRole('group', { name: '1. Day-to-day interactions' })
		.getByLabel('4. Transformation')
		.check();
	await page
		.getByLabel('Evidence for Day-to-day interactions')
		.fill('Lead draft evidence, not for raters yet');
	await page.getByLabel("The team's resources").fill('Lead draft resources, not for raters yet');
	await page.getByRole('button', { name: 'Save and come back later' }).click();
	await expect(page.getByText('Your changes have been saved')).toBeVisible();
	await page.getByLabel('Add a comment').fill('Lead draft comment, not for raters yet');
	await page.getByRole('button', { name: 'Add comment' }).click();
	await expect(page.getByText('Lead draft comment, not for raters yet')).toBeVisible();
	const draft = ['Lead draft evidence', 'Lead draft resources', 'Lead draft comment'];
	const pageData = async (rater: Page) =>
		(await rater.request.get(`${assessmentUrl}/__data.json`)).text();

	await staff.goto(assessmentUrl);
	await expect(
		staff.getByText('are shown here once you have submitted your own ratings')
	).toBeVisible();
	await expect(staff.getByText('Lead draft')).toHaveCount(0);
	const beforeSubmitting = await pageData(staff);
	expect(beforeSubmitting).toContain('Ashford CMHT');
	for (const text of draft) expect(beforeSubmitting).not.toContain(text);
	const refusedComment = await staff.request.post(`${assessmentUrl}?/comment`, {
		form: { body: 'A rater comment before submitting' },
		headers: { origin: server.baseURL, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(refusedComment.status()).toBe(403);

	// A staff member rates every challenge "3. Development" and submits.
	await choosePerspective(staff, ratingUrl, 'Staff member');
	await rate(staff, 1, CHALLENGES, () => '3. Development');
	await submit(staff);
	// Once submitted, the team's working is theirs to read too.
	const afterSubmitting = await pageData(staff);
	for (const text of draft) expect(afterSubmitting).toContain(text);

	// A person using the service, on a phone, stops part-way and comes back later.
	await choosePerspective(user, ratingUrl, 'Person using the service');
	await rate(user, 1, 3, () => '1. Not yet started');
	await expect(user.getByText(`Challenge 4 of ${CHALLENGES}`, { exact: true })).toBeVisible();
	await user.getByLabel('1. Not yet started', { exact: true }).check();
	await user.getByLabel('Comment (optional)').fill('Nobody has asked us about this.');
	await user.getByRole('button', { name: 'Save and come back later' }).click();
	await expect(user.getByText('Your answers have been saved')).toBeVisible();
	const pageWidth = await user.evaluate(() => document.documentElement.scrollWidth);
	expect(pageWidth).toBeLessThanOrEqual(375);

	await user.goto(`${ratingUrl}?challenge=4`);
	await expect(user.getByLabel('1. Not yet started', { exact: true })).toBeChecked();
	await expect(user.getByLabel('Comment (optional)')).toHaveValue(
		'Nobody has asked us about this.'
	);
	await user.getByRole('button', { name: 'Save and continue' }).click();
	await rate(user, 5, CHALLENGES, () => '1. Not yet started');

	// Before submitting, they see only their own answers, never the staff member's.
	await expect(user.getByRole('heading', { level: 1, name: 'Check your ratings' })).toBeVisible();
	await expect(user.getByText('3. Development')).toHaveCount(0);
	await expect(user.getByRole('table')).toHaveCount(0);
	await expect(user.getByText('You have submitted your ratings')).toHaveCount(0);
	await expect(user.getByText('Nobody has asked us about this.')).toBeVisible();
	await submit(user);

	// A carer answers "Don't know" for the last challenge, with the summary open in a second tab.
	await choosePerspective(carer, ratingUrl, 'Carer, family member or supporter');
	await rate(carer, 1, CHALLENGES, (n) => (n === CHALLENGES ? 'Don’t know' : '2. Engagement'));
	const secondTab = await carer.context().newPage();
	await secondTab.goto(`${ratingUrl}?challenge=summary`);
	await expect(secondTab.getByText('Don’t know', { exact: true })).toBeVisible();
	await submit(carer);

	// Submitting again from the stale tab is refused, and nothing changes.
	await secondTab.getByRole('button', { name: 'Submit your ratings' }).click();
	await expect(secondTab.getByText('You have already submitted your ratings')).toBeVisible();

	// After submitting, the spread is shown in words and in a table for each challenge.
	await carer.reload();
	await expect(carer.getByText('You have submitted your ratings')).toBeVisible();
	const first = carer.getByRole('table', {
		name: /1\. Day-to-day interactions: individual ratings/
	});
	// One person from each perspective: to a rater, each is a lone rater, so all three are
	// counted together as other perspectives, and nothing says how one perspective rated.
	await expect(first.getByRole('row', { name: /Other perspectives/ })).toBeVisible();
	await expect(first.getByRole('row', { name: /Staff member/ })).toHaveCount(0);
	await expect(first.getByRole('row', { name: /Person using the service/ })).toHaveCount(0);
	await expect(first.getByRole('row', { name: /Carer/ })).toHaveCount(0);
	await expect(carer.getByText('Views differ by two levels or more').first()).toBeVisible();
	await expect(carer.getByText('People using the service rated lower than staff')).toHaveCount(0);
	await expect(carer.getByText('2. Engagement').first()).toBeVisible();
	const carerData = await (await carer.request.get(`${ratingUrl}/__data.json`)).text();
	expect(carerData).not.toMatch(/person_using_service|"staff"/);

	// The lead sees who has submitted, and from which perspective.
	await page.goto(ratersUrl);
	await expect(page.getByRole('row', { name: /Sam Patel/ })).toContainText('Staff member');
	await expect(page.getByRole('row', { name: /Uma Reid/ })).toContainText(
		'Person using the service'
	);
	for (const person of people)
		await expect(page.getByRole('row', { name: new RegExp(person.name) })).toContainText('Yes');

	// The lead sees the spread while agreeing, agrees every level with evidence, sets three priorities and completes.
	await page.goto(assessmentUrl);
	await page.getByText('How people rated Day-to-day interactions').click();
	const spread = page.getByRole('table', {
		name: /1\. Day-to-day interactions: individual ratings/
	});
	await expect(spread.getByRole('row', { name: /Staff member/ })).toContainText('1');
	await expect(spread.getByRole('row', { name: /Carer/ })).toBeVisible();
	await expect(spread.getByRole('row', { name: /Other perspectives/ })).toHaveCount(0);
	await expect(page.getByText('Views differ by two levels or more').first()).toBeVisible();
	await expect(
		page.getByText('People using the service rated lower than staff').first()
	).toBeVisible();
	const labels = await page
		.getByRole('group')
		.filter({ has: page.getByRole('radio') })
		.evaluateAll((groups) =>
			groups.map((g) => g.querySelector('legend')?.textContent?.trim() ?? '')
		);
	for (const label of labels) {
		await page.getByRole('group', { name: label }).getByLabel('2. Engagement').check();
	}
	await page
		.getByLabel('Evidence for Day-to-day interactions')
		.fill('Staff rate it higher than people using the service; we agreed Engagement.');
	await page.getByLabel('Priority 1').selectOption({ label: '7. User involvement' });
	await page.getByLabel('Priority 2').selectOption({ label: '1. Day-to-day interactions' });
	await page.getByLabel('Priority 3').selectOption({ label: '6. Risk assessment and management' });
	await markComplete(page);
	await expect(page.getByRole('table', { name: /agreed level by round/ })).toBeVisible();

	// Closing the round makes the assessment read-only; reopening it needs a reason and is recorded.
	await page.goto(organisationUrl);
	await page.getByRole('link', { name: 'Spring 2026 recovery audit' }).click();
	await page.getByRole('button', { name: 'Close round' }).click();
	await page.goto(assessmentUrl);
	await expect(
		page.getByText('This round is closed, so its scores can no longer change.')
	).toBeVisible();
	await expect(page.getByRole('button', { name: 'Save and come back later' })).toHaveCount(0);
	await expect(
		page.getByRole('listitem').filter({ hasText: 'User involvement' }).first()
	).toBeVisible();
	const closedRating = await staff.goto(ratingUrl);
	expect(closedRating?.status()).toBe(200);
	await expect(staff.getByRole('button', { name: /Save/ })).toHaveCount(0);
});
