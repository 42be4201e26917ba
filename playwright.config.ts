import { defineConfig, devices } from '@playwright/test';
import { existsSync } from 'node:fs';

// Browsers come from Debian's chromium package; Playwright's own download is not available here.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
	throw new Error(
		`Chromium was not found at ${executablePath}. Install it with "sudo apt-get install -y chromium", ` +
			'or set CHROMIUM_PATH to a Chromium or Chrome executable.'
	);
}

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	fullyParallel: false,
	// One at a time: on two cores a second worker's browser and server slowed every test two- to
	// threefold (the accessibility crawl of one role took 7.2 min instead of about 2), for no gain.
	workers: 1,
	forbidOnly: !!process.env.CI,
	retries: 0,
	reporter: process.env.CI ? 'line' : 'list',
	// Whole journeys (three raters rating ten challenges each) take about a minute on two cores.
	timeout: 180_000,
	// CI machines have two cores; a busy one can take more than the default 5 s to settle a page.
	expect: { timeout: 10_000 },
	use: {
		...devices['Desktop Chrome'],
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		launchOptions: {
			executablePath,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	}
});
