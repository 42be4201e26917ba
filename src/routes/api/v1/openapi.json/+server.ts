import { openApiDocument } from '$lib/server/api/openapi';
import type { RequestHandler } from './$types';

// Public on purpose: it describes the shape of the API and holds no data, and tools read it
// before anyone has given them a token.
export const GET: RequestHandler = ({ url }) =>
	Response.json(openApiDocument(url.origin), {
		headers: { 'cache-control': 'public, max-age=300' }
	});
