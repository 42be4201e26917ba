import { requireAssessment } from '$lib/server/http/require';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { joinLink, openSessionOf, qrSvg, screenState } from '$lib/server/rating-sessions';
import type { PageServerLoad } from './$types';

// The facilitator's screen, to project. Its first render comes from here, whole; the live stream
// (../events) only keeps it up to date, and with JavaScript off a "Refresh" link does.

export const load = ((event) => {
	const { db, organisation, assessment } = requireAssessment(event, 'assessment.edit');
	const session = openSessionOf(db, assessment.id);
	const link = session ? joinLink(event.url.origin, session.joinCode) : null;
	return {
		organisation,
		assessment,
		scale: frameworkContent(db, assessment.frameworkId).scale,
		state: session ? screenState(db, session, assessment.frameworkId) : null,
		link,
		qr: link ? qrSvg(link) : null
	};
}) satisfies PageServerLoad;
