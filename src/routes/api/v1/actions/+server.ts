import { answerApiCall, requireApiToken, unauthorised } from '$lib/server/api/handle';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) => {
	const holder = requireApiToken(event);
	return holder ? answerApiCall(event, holder, 'actions') : unauthorised();
};
