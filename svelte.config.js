import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter(),
		// SvelteKit's own origin check answers before any hook runs, with a line of text (or JSON,
		// to a form sent with JavaScript) that a person at another address never sees: their forms
		// silently do nothing. sameOriginWrites in src/hooks.server.ts makes the same check, for
		// every content type and not only forms, and shows people where the app is set up to be
		// used, so the built-in check is turned off ('*' is how SvelteKit 2.70 spells that).
		csrf: { trustedOrigins: ['*'] },
		// Hashes, not a nonce, allow the page's own inline script: the same page is then the same
		// bytes each time, so a dashboard can be kept and sent again (src/lib/server/http/kept-pages.ts).
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				// The one inline style allowed is on SvelteKit's own screen-reader route announcer.
				'style-src': [
					'self',
					'unsafe-hashes',
					'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='
				],
				'img-src': ['self', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none'],
				'base-uri': ['none'],
				'object-src': ['none']
			}
		}
	}
};

export default config;
