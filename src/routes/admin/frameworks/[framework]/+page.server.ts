import { requireFramework } from '$lib/server/http/require';
import { frameworkContent } from '$lib/server/frameworks/queries';
import type { PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, framework } = requireFramework(event);
	return {
		framework: {
			id: framework.id,
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
