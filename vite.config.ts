import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	// nhsuk-frontend still ships an old IE filter hack that Vite 8's CSS minifier rejects.
	css: { lightningcss: { errorRecovery: true } },
	test: {
		include: ['tests/unit/**/*.test.ts'],
		environment: 'node',
		expect: { requireAssertions: true }
	}
});
