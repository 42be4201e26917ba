// What a token may read: exactly what its person may see on the site, decided by the policy from
// the memberships they hold at the moment of the call. The SQL below only narrows to the ids the
// policy has already allowed.

import { may, type Person } from '../access/policy';

export interface ReadScope {
	/** Organisations the person may open (organisation.view): their rounds. */
	organisations: string[];
	/** Organisations where every service is in reach (an organisation-wide role). */
	wholeOrganisations: string[];
	/** Single services in reach through a role in that service alone. */
	services: string[];
}

export function readScope(person: Person): ReadScope {
	const organisations = new Set<string>();
	const wholeOrganisations = new Set<string>();
	const services = new Set<string>();
	for (const m of person.memberships) {
		const organisationId = m.organisationId;
		if (may(person, 'organisation.view', { organisationId })) organisations.add(organisationId);
		if (may(person, 'organisation.overview', { organisationId })) {
			wholeOrganisations.add(organisationId);
		} else if (
			m.serviceId &&
			may(person, 'service.view', { organisationId, serviceId: m.serviceId })
		) {
			services.add(m.serviceId);
		}
	}
	return {
		organisations: [...organisations],
		wholeOrganisations: [...wholeOrganisations],
		services: [...services]
	};
}

/** SQL parameters for the scope, as JSON arrays read with json_each. */
export function scopeParameters(scope: ReadScope) {
	return {
		scopeOrganisations: JSON.stringify(scope.organisations),
		scopeWholeOrganisations: JSON.stringify(scope.wholeOrganisations),
		scopeServices: JSON.stringify(scope.services)
	};
}

/** A service row `s` the scope reaches. */
export const SERVICE_IN_SCOPE = `(s.organisation_id in (select value from json_each(:scopeWholeOrganisations)) or s.id in (select value from json_each(:scopeServices)))`;
/** An organisation row `o` the scope reaches. */
export const ORGANISATION_IN_SCOPE = `o.id in (select value from json_each(:scopeOrganisations))`;
