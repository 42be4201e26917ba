import { error } from '@sveltejs/kit';
import { authorise } from '$lib/server/access/guard';
import { frameworkContent, getFramework } from '$lib/server/frameworks/queries';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	authorise(event, 'frameworks.manage');
	const db = event.locals.db;
	const framework = getFramework(db, event.params.framework);
	if (!framework) error(404, 'Page not found');
	return {
		framework: {
			name: framework.name,
			key: framework.packKey,
			version: framework.version,
			attribution: framework.attribution,
			licence: framework.licence,
			retired: framework.retiredAt !== null
		},
		content: frameworkContent(db, framework.id)
	};
}) satisfies PageServerLoad;
