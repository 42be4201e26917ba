import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { crawl, signInAs } from './crawl';
import { createAndOpenRound, fillDate, markComplete } from './helpers';
import { startServer, type RunningServer } from './server';

// Text people type is stored, and shown back on many pages. Here hostile text is typed into the
// app's own forms, in the browser: the names of an organisation, a grouping, a service, a round
// and a person, evidence, why and next step, a strength, a comment, an action's title,
// description and owner, a progress note and a token's name. Then every page that shows them is
// opened, and none may run any of it:
// - in a browser that ignores the content security policy (bypassCSP), so that escaping alone is
//   what is tested: a payload that got in as markup would run there, and open a dialog;
// - with the policy on, where a payload that got in would be blocked, and reported as a violation;
// - the text must be shown as typed, and no element the payloads describe may exist in the page.

let server: RunningServer;

const MARKUP = `"><img src=x onerror=alert(1)><svg onload=alert(2)><script>alert(3)</script>`;
// Most texts refuse the characters that change the direction of text (a rule of their own); the
// evidence, why and next step of an agreed level take them, and show them.
const NAME_TAIL = ` {@html '<b>HTMLX</b>'}`;
const TEXT_TAIL = `${NAME_TAIL} <a href="javascript:alert(4)">J</a> javascript:alert(5) =HYPERLINK("http://evil.example","x")`;
const BIDI = ' \u202eRTL\u202c';

/**
 * Hostile text, beginning with a label that says where it was typed: `short` fits an
 * organisation's, a grouping's or a person's name (100 characters), `name` a service's or a
 * round's (200), `text` the longer texts.
 */
const hostile = (label: string, size: 'short' | 'name' | 'text' | 'bidi' = 'text') =>
	`${label} ${MARKUP}${size === 'short' ? '' : size === 'name' ? NAME_TAIL : TEXT_TAIL}${size === 'bidi' ? BIDI : ''}`;
/** What a page shows of it: the label and the markup, as text. */
const shown = (label: string) => `${label} "><img src=x onerror=alert(1)>`;

const LABELS = {
	organisation: 'Org7',
	grouping: 'Grp7',
	service: 'Svc7',
	round: 'Rnd7',
	evidence: 'Evi7',
	rationale: 'Why7',
	nextStep: 'Nxt7',
	strength: 'Str7',
	comment: 'Cmt7',
	action: 'Act7',
	description: 'Dsc7',
	owner: 'Own7',
	note: 'Not7',
	person: 'Ppl7',
	token: 'Tok7'
};

/** Addresses of what was made, filled in as the test goes. */
const at: Record<string, string> = {};

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
});
test.afterAll(async () => {
	await server?.stop();
});

/** Everything a payload could have done in the page, were it markup. */
async function traces(page: Page) {
	return page.evaluate(() => ({
		imagesFromPayload: document.querySelectorAll('img[src="x"]').length,
		handlerAttributes: document.querySelectorAll('[onerror], [onload]').length,
		htmlFromPayload: [...document.querySelectorAll('b')].filter((b) => b.textContent === 'HTMLX')
			.length,
		javascriptLinks: [...document.querySelectorAll('a[href]')].filter((a) =>
			a.getAttribute('href')!.trim().toLowerCase().startsWith('javascript:')
		).length,
		// The page's own inline script carries the stored text too, as data: only a script element
		// made of the payload counts.
		scriptsFromPayload: [...document.scripts].filter((s) => s.textContent?.trim() === 'alert(3)')
			.length
	}));
}
const NO_TRACES = {
	imagesFromPayload: 0,
	handlerAttributes: 0,
	htmlFromPayload: 0,
	javascriptLinks: 0,
	scriptsFromPayload: 0
};

/** Records every dialog a page opens (and dismisses it), and the policy's script violations. */
async function watched(context: BrowserContext) {
	const dialogs: string[] = [];
	await context.addInitScript(() => {
		const seen: string[] = [];
		(window as unknown as { __violations: string[] }).__violations = seen;
		document.addEventListener('securitypolicyviolation', (event) => {
			if (event.effectiveDirective.startsWith('script-src'))
				seen.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sample}`);
		});
	});
	const page = await context.newPage();
	page.on('dialog', (dialog) => {
		dialogs.push(`${page.url()}: ${dialog.message()}`);
		void dialog.dismiss();
	});
	return { page, dialogs };
}

async function open(page: Page, path: string) {
	const response = await page.goto(server.baseURL + path);
	expect(response?.status(), path).toBe(200);
	// Hydration renders the page again in the browser: what it renders counts too.
	await page.waitForLoadState('networkidle');
}

test('hostile text typed into the forms is shown as typed, and never runs', async ({ browser }) => {
	test.setTimeout(240_000);
	const context = await browser.newContext({ bypassCSP: true });
	const { page, dialogs } = await watched(context);
	page.setDefaultTimeout(15_000);
	await signInAs(page, server.baseURL, 'platformAdmin');

	// An organisation, its grouping, a service and a round, named with hostile text.
	await page.getByRole('link', { name: 'Add an organisation' }).click();
	await page.getByLabel('Organisation name').fill(hostile(LABELS.organisation, 'short'));
	await page.getByRole('button', { name: 'Add organisation' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(shown(LABELS.organisation));
	at.organisation = new URL(page.url()).pathname;

	await page.goto(`${server.baseURL}${at.organisation}/groupings`);
	await page.getByLabel(/^Name of the/).fill(hostile(LABELS.grouping, 'short'));
	await page.getByRole('button', { name: /^Add / }).click();
	await expect(page.getByText(shown(LABELS.grouping)).first()).toBeVisible();

	await page.goto(server.baseURL + at.organisation);
	await page.getByRole('link', { name: 'Add a service' }).click();
	await page.getByLabel('Service name').fill(hostile(LABELS.service, 'name'));
	await page.getByLabel('Type of service').selectOption('Acute inpatient ward');
	await page.getByLabel(/^Directorate/).selectOption({ index: 1 });
	await page.getByRole('button', { name: 'Add service' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(shown(LABELS.service));
	at.service = new URL(page.url()).pathname;

	await page.goto(server.baseURL + at.organisation);
	await createAndOpenRound(
		page,
		hostile(LABELS.round, 'name'),
		['1', '1', '2026'],
		['30', '6', '2026']
	);
	at.round = new URL(page.url()).pathname;

	// The assessment: evidence, why and next step, a strength, a comment; then marked complete.
	await page.getByRole('link', { name: /assessment of Svc7/ }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('agreed levels');
	at.assessment = new URL(page.url()).pathname;
	const challenges = page.getByRole('group', { name: /^\d+\. / });
	await expect(challenges).toHaveCount(10);
	const first = (await challenges.first().locator('legend').first().textContent())!
		.trim()
		.replace(/^\d+\.\s*/, '');
	await page.getByLabel(`Evidence for ${first}`).fill(hostile(LABELS.evidence, 'bidi'));
	await page
		.getByLabel(`Why the team chose this level for ${first}`)
		.fill(hostile(LABELS.rationale, 'bidi'));
	await page
		.getByLabel(`What would move ${first} to the next level`)
		.fill(hostile(LABELS.nextStep, 'bidi'));
	for (let i = 0; i < 10; i++) await challenges.nth(i).getByLabel('2. Engagement').check();
	await page.getByRole('button', { name: 'Save and come back later' }).click();
	await expect(page.getByLabel(`Evidence for ${first}`)).toHaveValue(
		hostile(LABELS.evidence, 'bidi')
	);

	await page.getByLabel('What the team does well').fill(hostile(LABELS.strength));
	await page.getByRole('button', { name: 'Add strength' }).click();
	await expect(page.getByText(shown(LABELS.strength)).first()).toBeVisible();

	await page.getByLabel('Add a comment').fill(hostile(LABELS.comment));
	await page.getByRole('button', { name: 'Add comment' }).click();
	await expect(page.getByText(shown(LABELS.comment)).first()).toBeVisible();
	await markComplete(page);

	// An action in the service's plan, and a progress note on it.
	await page.goto(`${server.baseURL}${at.service}/actions/new`);
	await page.getByLabel('Challenge', { exact: true }).selectOption({ index: 1 });
	await page.getByLabel('Action', { exact: true }).fill(hostile(LABELS.action));
	await page.getByLabel('Description (optional)').fill(hostile(LABELS.description));
	await page.getByLabel("Or the owner's name").fill(hostile(LABELS.owner, 'name'));
	await fillDate(page, 'Due date', '1', '3', '2027');
	await page.getByRole('button', { name: 'Add action' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(shown(LABELS.action));
	at.action = new URL(page.url()).pathname;
	await page.getByLabel('Add a progress note').fill(hostile(LABELS.note));
	await page.getByRole('button', { name: 'Add note' }).click();
	await expect(page.getByText(shown(LABELS.note)).first()).toBeVisible();

	// A person, invited, who gives a hostile name; and an API token with one.
	await page.goto(`${server.baseURL}${at.organisation}/people`);
	await page.getByLabel('Email address').fill('hostile.name@trust.example');
	await page.getByLabel('Role').selectOption({ index: 1 });
	await page.getByLabel(/this address is the person’s own/).check();
	await page.getByRole('button', { name: 'Create invitation' }).click();
	const link = await page.getByLabel('Invitation link').inputValue();
	const invited = await (await browser.newContext()).newPage();
	await invited.goto(link);
	await invited.getByLabel('Full name').fill(hostile(LABELS.person, 'short'));
	await invited.getByLabel('Password', { exact: true }).fill('a long enough password');
	await invited.getByLabel('Confirm password').fill('a long enough password');
	await invited.getByRole('button', { name: 'Create account and accept' }).click();
	await expect(invited.getByRole('heading', { level: 1 })).not.toHaveText(/invitation/i);
	await invited.context().close();

	await page.goto(`${server.baseURL}/account/tokens`);
	await page.getByLabel('Name').fill(`${LABELS.token} "><img src=x onerror=alert(1)>\u202e`);
	await page.getByLabel('30 days').check();
	await page.getByRole('button', { name: 'Make token' }).click();
	await expect(page.getByText(shown(LABELS.token)).first()).toBeVisible();

	// Every page that shows them: each label must be there as text, and nothing may have run.
	const pages: [string, (keyof typeof LABELS)[]][] = [
		['/organisations', ['organisation']],
		[at.organisation, ['organisation', 'service', 'round']],
		[`${at.organisation}/groupings`, ['grouping']],
		[`${at.organisation}/dashboard`, ['service', 'round', 'grouping']],
		[at.service, ['service', 'round']],
		[`${at.service}/dashboard`, ['service']],
		[`${at.service}/plan`, ['action', 'strength']],
		[`${at.service}/report`, ['service']],
		[at.action, ['action', 'description', 'note']],
		[`${at.organisation}/actions`, ['action']],
		[at.round, ['round', 'service']],
		[`${at.round}/report`, ['round', 'service']],
		[
			at.assessment,
			['service', 'round', 'evidence', 'rationale', 'nextStep', 'strength', 'comment']
		],
		[`${at.assessment}/review`, []],
		[`${at.organisation}/people`, ['person']],
		[`${at.organisation}/audit`, ['organisation']],
		['/admin/audit', []],
		['/admin/accounts', ['person']],
		['/sites', ['organisation']],
		['/my-work', []],
		['/account/tokens', ['token']]
	];
	const problems: string[] = [];
	for (const [path, labels] of pages) {
		await open(page, path);
		const text = await page.locator('body').innerText();
		for (const label of labels)
			if (!text.includes(shown(LABELS[label])))
				problems.push(`${path}: ${label} is not shown as typed`);
		const found = await traces(page);
		if (JSON.stringify(found) !== JSON.stringify(NO_TRACES))
			problems.push(`${path}: ${JSON.stringify(found)}`);
	}

	// Every other kind of page, found by following links from the organisation's page.
	const crawled = await crawl(
		page,
		server.baseURL,
		at.organisation,
		async (path) => {
			await page.waitForLoadState('networkidle');
			const found = await traces(page);
			if (JSON.stringify(found) !== JSON.stringify(NO_TRACES))
				problems.push(`${path}: ${JSON.stringify(found)}`);
		},
		1
	);
	expect(crawled.length, 'pages found by following links').toBeGreaterThan(15);
	expect(problems).toEqual([]);
	expect(dialogs, 'dialogs opened by stored text').toEqual([]);

	// With the content security policy on: nothing was blocked from running, because nothing tried.
	const policed = await browser.newContext();
	const withPolicy = await watched(policed);
	await signInAs(withPolicy.page, server.baseURL, 'platformAdmin');
	const violations: string[] = [];
	for (const [path] of pages) {
		await open(withPolicy.page, path);
		const seen = await withPolicy.page.evaluate(
			() => (window as unknown as { __violations: string[] }).__violations
		);
		violations.push(...seen.map((v) => `${path}: ${v}`));
	}
	expect(violations).toEqual([]);
	expect(withPolicy.dialogs).toEqual([]);
	await policed.close();
	await context.close();
});
