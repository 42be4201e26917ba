// Lookup-or-404 and the policy, together: each helper finds what the address names, checks that
// the signed-in person may do this to it, and hands back the record and the person. Anything
// outside a person's reach answers 404, exactly as if it did not exist, so a guessed id confirms
// nothing. Anyone not signed in is sent to sign in first, and comes back afterwards.

import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { may, type Action, type Person, type Resource } from '../access/policy';
import { getOrganisation } from '../organisations';
import { getService } from '../services';
import { getGrouping } from '../groupings';
import { getRound } from '../rounds/queries';
import { getAssessment } from '../assessments/queries';
import { raterOf } from '../ratings/raters';
import { getAction } from '../actions/rows';
import { getFramework } from '../frameworks/queries';
import { log } from '../log';

type Visit = Pick<RequestEvent, 'locals' | 'url' | 'request'>;
type VisitTo<Params> = Visit & { params: Params };

export function notFound(): never {
	error(404, 'Page not found');
}

/** Where a person who must set up two-step sign-in is sent, whatever they asked for. */
export const MFA_ENROLMENT_PATH = '/account/two-step';

/**
 * The signed-in person, or a redirect to sign-in that comes back here afterwards. Someone who must
 * use two-step sign-in and has not set it up is sent to set it up, and can use nothing else.
 */
export function requirePerson(event: Visit, { enrolling = false } = {}): Person {
	const person = event.locals.person;
	if (!person) {
		// After a form post, come back to the page itself, not to the action.
		const back =
			event.request.method === 'GET' ? event.url.pathname + event.url.search : event.url.pathname;
		redirect(303, `/sign-in?redirectTo=${encodeURIComponent(back)}`);
	}
	if (event.locals.mustEnrolInMfa && !enrolling) redirect(303, MFA_ENROLMENT_PATH);
	return person;
}

function refuseUnless(event: Visit, person: Person, permission: Action, resource: Resource) {
	if (may(person, permission, resource)) return;
	log().warn(
		{ action: permission, resource, method: event.request.method, path: event.url.pathname },
		'access refused'
	);
	notFound();
}

/** Signed in and allowed, for what is not one record: the server's accounts, the cross-site view. */
export function requirePermission(event: Visit, permission: Action, resource: Resource = {}) {
	const person = requirePerson(event);
	refuseUnless(event, person, permission, resource);
	return { db: event.locals.db, person };
}

/** The organisation the address names, as headings and breadcrumbs show it. */
function organisationOf(event: VisitTo<{ organisation: string }>) {
	const found = getOrganisation(event.locals.db, event.params.organisation);
	if (!found) notFound();
	const { id, name, odsCode, groupingLabel } = found;
	return { id, name, odsCode, groupingLabel };
}

/** An organisation, for what is decided for the whole of it. */
export function requireOrganisation(event: VisitTo<{ organisation: string }>, permission: Action) {
	const person = requirePerson(event);
	const organisation = organisationOf(event);
	refuseUnless(event, person, permission, { organisationId: organisation.id });
	return { db: event.locals.db, person, organisation };
}

/** One of the organisation's services. */
export function requireService(
	event: VisitTo<{ organisation: string; service: string }>,
	permission: Action
) {
	const person = requirePerson(event);
	const db = event.locals.db;
	const organisation = organisationOf(event);
	const service = getService(db, organisation.id, event.params.service);
	if (!service) notFound();
	refuseUnless(event, person, permission, {
		organisationId: organisation.id,
		serviceId: service.id
	});
	return { db, person, organisation, service };
}

/** One of the organisation's groupings; what may be done to one is decided for its organisation. */
export function requireGrouping(
	event: VisitTo<{ organisation: string; grouping: string }>,
	permission: Action
) {
	const person = requirePerson(event);
	const db = event.locals.db;
	const organisation = organisationOf(event);
	const grouping = getGrouping(db, organisation.id, event.params.grouping);
	if (!grouping) notFound();
	refuseUnless(event, person, permission, { organisationId: organisation.id });
	return { db, person, organisation, grouping };
}

/** One of the organisation's rounds; what may be done to a round is decided for its organisation. */
export function requireRound(
	event: VisitTo<{ organisation: string; round: string }>,
	permission: Action
) {
	const person = requirePerson(event);
	const db = event.locals.db;
	const organisation = organisationOf(event);
	const round = getRound(db, organisation.id, event.params.round);
	if (!round) notFound();
	refuseUnless(event, person, permission, { organisationId: organisation.id });
	return { db, person, organisation, round };
}

/** An assessment, only when its round and service belong to the organisation in the address. */
export function requireAssessment(
	event: VisitTo<{ organisation: string; round: string; assessment: string }>,
	permission: Action
) {
	const person = requirePerson(event);
	const db = event.locals.db;
	const organisation = organisationOf(event);
	const { round, assessment: assessmentId } = event.params;
	const assessment = getAssessment(db, organisation.id, round, assessmentId);
	if (!assessment) notFound();
	refuseUnless(event, person, permission, {
		organisationId: organisation.id,
		serviceId: assessment.serviceId
	});
	return { db, person, organisation, assessment };
}

/** The assessment, for a person invited to rate it; anyone else is answered 404. */
export function requireRater(
	event: VisitTo<{ organisation: string; round: string; assessment: string }>
) {
	const context = requireAssessment(event, 'assessment.view');
	const rater = raterOf(context.db, context.assessment.id, context.person.id);
	if (!rater) notFound();
	return { ...context, rater };
}

/** One improvement action of a service. The policy hears who owns it, for progress notes. */
export function requireImprovementAction(
	event: VisitTo<{ organisation: string; service: string; action: string }>,
	permission: Action
) {
	const person = requirePerson(event);
	const db = event.locals.db;
	const organisation = organisationOf(event);
	const action = getAction(db, organisation.id, event.params.service, event.params.action);
	if (!action) notFound();
	refuseUnless(event, person, permission, {
		organisationId: organisation.id,
		serviceId: action.serviceId,
		ownerUserId: action.ownerUserId
	});
	return { db, person, organisation, action };
}

/** A framework pack version, for the platform administrators who manage packs. */
export function requireFramework(event: VisitTo<{ framework: string }>) {
	const person = requirePerson(event);
	const db = event.locals.db;
	const framework = getFramework(db, event.params.framework);
	if (!framework) notFound();
	refuseUnless(event, person, 'frameworks.manage', {});
	return { db, person, framework };
}
