import { expect, test } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import { crawl, signInAs } from './crawl';

// WCAG 1.4.10 reflow, 1.4.4 resize text and 2.5.8 target size, on every kind of page an
// organisation administrator, a service lead and a platform administrator (framework packs, the
// cross-site view) can reach. 320 CSS pixels is the width of a
// small phone and of a 1280-pixel screen zoomed to 400%; 640 is that screen zoomed to 200%.

let server: RunningServer;

test.beforeAll(async () => {
	server = await startServer({ IMROC_DEMO: '1' });
});
test.afterAll(async () => {
	await server?.stop();
});

for (const visitor of ['organisationAdmin', 'serviceLead', 'platformAdmin'] as const) {
	for (const width of [320, 640]) {
		test(`at ${width} CSS pixels wide, pages for the ${visitor} need no sideways scrolling and controls are big enough`, async ({
			page
		}) => {
			await signInAs(page, server.baseURL, visitor);
			await page.setViewportSize({ width, height: 800 });
			const problems: string[] = [];
			await crawl(page, server.baseURL, '/organisations', async (path) => {
				// Data tables and charts may scroll inside their own box; the page itself may not.
				const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
				if (pageWidth > width) problems.push(`${path}: page is ${pageWidth}px wide`);

				const small = await page.evaluate(() =>
					[
						...document.querySelectorAll<HTMLElement>(
							'button, input:not([type="hidden"]), select, textarea'
						)
					]
						.filter((el) => el.offsetParent !== null)
						.map((el) => ({ el, box: el.getBoundingClientRect() }))
						.filter(({ box }) => box.width < 24 || box.height < 24)
						.map(
							({ el, box }) =>
								`${el.tagName.toLowerCase()}[name=${el.getAttribute('name') ?? ''}] ${Math.round(box.width)}×${Math.round(box.height)}`
						)
				);
				for (const target of small) problems.push(`${path}: control smaller than 24×24: ${target}`);
			});
			expect(problems).toEqual([]);
		});
	}
}
