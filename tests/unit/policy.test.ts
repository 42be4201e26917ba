import { describe, expect, it } from 'vitest';
import {
	may,
	mayGrant,
	type Action,
	type Membership,
	type Person
} from '$lib/server/access/policy';

const ORG = 'org-a';
const OTHER_ORG = 'org-b';
const SERVICE = 'svc-1';
const OTHER_SERVICE = 'svc-2';

const person = (memberships: Membership[], isPlatformAdmin = false): Person => ({
	id: 'p',
	isPlatformAdmin,
	memberships
});
const orgRole = (role: Membership['role'], organisationId = ORG): Membership => ({
	organisationId,
	serviceId: null,
	role
});
const serviceRole = (role: Membership['role'], serviceId = SERVICE): Membership => ({
	organisationId: ORG,
	serviceId,
	role
});

const inOwnService = { organisationId: ORG, serviceId: SERVICE };
const inOtherService = { organisationId: ORG, serviceId: OTHER_SERVICE };
const inOtherOrg = { organisationId: OTHER_ORG, serviceId: 'svc-9' };

type Case = [string, Person | null, Action, object, boolean];

const cases: Case[] = [
	['anonymous', null, 'organisation.view', { organisationId: ORG }, false],
	['platform admin creates organisations', person([], true), 'organisation.create', {}, true],
	[
		'organisation admin cannot create organisations',
		person([orgRole('organisation_admin')]),
		'organisation.create',
		{},
		false
	],
	[
		'platform admin without membership cannot open an organisation',
		person([], true),
		'organisation.view',
		{ organisationId: ORG },
		false
	],
	[
		'organisation admin views own organisation',
		person([orgRole('organisation_admin')]),
		'organisation.view',
		{ organisationId: ORG },
		true
	],
	[
		'organisation admin manages own organisation',
		person([orgRole('organisation_admin')]),
		'organisation.manage',
		{ organisationId: ORG },
		true
	],
	[
		'organisation admin cannot see another organisation',
		person([orgRole('organisation_admin')]),
		'organisation.view',
		{ organisationId: OTHER_ORG },
		false
	],
	[
		'organisation admin edits any own service',
		person([orgRole('organisation_admin')]),
		'assessment.edit',
		inOtherService,
		true
	],
	[
		'organisation admin cannot edit elsewhere',
		person([orgRole('organisation_admin')]),
		'assessment.edit',
		inOtherOrg,
		false
	],
	['viewer views services', person([orgRole('viewer')]), 'service.view', inOwnService, true],
	[
		'viewer cannot manage',
		person([orgRole('viewer')]),
		'organisation.manage',
		{ organisationId: ORG },
		false
	],
	[
		'viewer cannot edit scores',
		person([orgRole('viewer')]),
		'assessment.edit',
		inOwnService,
		false
	],
	[
		'facilitator views granted organisation',
		person([orgRole('facilitator')]),
		'assessment.view',
		inOwnService,
		true
	],
	[
		'facilitator never edits scores',
		person([orgRole('facilitator')]),
		'assessment.edit',
		inOwnService,
		false
	],
	[
		'service lead edits own service',
		person([serviceRole('service_lead')]),
		'assessment.edit',
		inOwnService,
		true
	],
	[
		'service lead cannot edit another service',
		person([serviceRole('service_lead')]),
		'assessment.edit',
		inOtherService,
		false
	],
	[
		'service lead cannot see another service',
		person([serviceRole('service_lead')]),
		'service.view',
		inOtherService,
		false
	],
	[
		'service lead cannot manage the organisation',
		person([serviceRole('service_lead')]),
		'organisation.manage',
		{ organisationId: ORG },
		false
	],
	['rater views own service', person([serviceRole('rater')]), 'service.view', inOwnService, true],
	[
		'rater cannot edit agreed scores',
		person([serviceRole('rater')]),
		'assessment.edit',
		inOwnService,
		false
	],
	[
		'a service resource needs a service id',
		person([orgRole('organisation_admin')]),
		'service.view',
		{ organisationId: ORG },
		false
	]
];

describe('access policy', () => {
	it.each(cases)('%s', (_name, who, action, resource, expected) => {
		expect(may(who, action, resource)).toBe(expected);
	});

	it('a lead in one service and a rater in another has each role only where it was given', () => {
		const both = person([
			serviceRole('service_lead', SERVICE),
			serviceRole('rater', OTHER_SERVICE)
		]);
		expect(may(both, 'assessment.edit', inOwnService)).toBe(true);
		expect(may(both, 'assessment.edit', inOtherService)).toBe(false);
		expect(may(both, 'service.view', inOtherService)).toBe(true);
	});
});

describe('who may give which role', () => {
	const admin = person([orgRole('organisation_admin')]);
	const lead = person([serviceRole('service_lead')]);
	const platform = person([], true);

	it('an organisation administrator gives any role in their own organisation only', () => {
		expect(mayGrant(admin, 'organisation_admin', { organisationId: ORG })).toBe(true);
		expect(mayGrant(admin, 'facilitator', { organisationId: ORG })).toBe(true);
		expect(mayGrant(admin, 'service_lead', inOwnService)).toBe(true);
		expect(mayGrant(admin, 'organisation_admin', { organisationId: OTHER_ORG })).toBe(false);
	});

	it('a service lead invites raters and viewers to their own service, and nothing higher', () => {
		expect(mayGrant(lead, 'rater', inOwnService)).toBe(true);
		expect(mayGrant(lead, 'viewer', inOwnService)).toBe(true);
		expect(mayGrant(lead, 'service_lead', inOwnService)).toBe(false);
		expect(mayGrant(lead, 'rater', inOtherService)).toBe(false);
		expect(mayGrant(lead, 'organisation_admin', { organisationId: ORG })).toBe(false);
	});

	it('raters, viewers and facilitators give no roles', () => {
		for (const role of ['rater', 'viewer'] as const) {
			expect(mayGrant(person([serviceRole(role)]), 'rater', inOwnService)).toBe(false);
		}
		expect(mayGrant(person([orgRole('facilitator')]), 'viewer', { organisationId: ORG })).toBe(
			false
		);
	});

	it('a platform administrator grants facilitator access anywhere, but no other role outside their organisations', () => {
		expect(mayGrant(platform, 'facilitator', { organisationId: OTHER_ORG })).toBe(true);
		expect(mayGrant(platform, 'organisation_admin', { organisationId: OTHER_ORG })).toBe(false);
		expect(mayGrant(platform, 'rater', inOtherOrg)).toBe(false);
	});

	it('roles only go where they belong: service roles to a service, organisation roles to the organisation', () => {
		expect(mayGrant(admin, 'rater', { organisationId: ORG })).toBe(false);
		expect(mayGrant(admin, 'facilitator', inOwnService)).toBe(false);
	});
});

describe('the policy for new actions', () => {
	it('keeps the audit trail and the people of an organisation to its administrators', () => {
		expect(
			may(person([orgRole('organisation_admin')]), 'audit.view', { organisationId: ORG })
		).toBe(true);
		expect(may(person([orgRole('facilitator')]), 'audit.view', { organisationId: ORG })).toBe(
			false
		);
		expect(may(person([], true), 'audit.view', { organisationId: ORG })).toBe(false);
		expect(
			may(person([serviceRole('service_lead')]), 'organisation.people', { organisationId: ORG })
		).toBe(false);
	});

	it('opens people pages to those who manage people there: administrators, leads for their service, platform administrators for facilitators', () => {
		const onOrganisation = { organisationId: ORG };
		expect(may(person([orgRole('organisation_admin')]), 'people.view', onOrganisation)).toBe(true);
		expect(may(person([orgRole('organisation_admin')]), 'people.view', inOtherService)).toBe(true);
		expect(may(person([], true), 'people.view', onOrganisation)).toBe(true);
		expect(may(person([], true), 'people.view', inOwnService)).toBe(false);
		expect(may(person([serviceRole('service_lead')]), 'people.view', inOwnService)).toBe(true);
		expect(may(person([serviceRole('service_lead')]), 'people.view', inOtherService)).toBe(false);
		expect(may(person([serviceRole('service_lead')]), 'people.view', onOrganisation)).toBe(false);
		for (const role of ['facilitator', 'viewer'] as const) {
			expect(may(person([orgRole(role)]), 'people.view', onOrganisation)).toBe(false);
			expect(may(person([orgRole(role)]), 'people.view', inOwnService)).toBe(false);
		}
		expect(may(person([orgRole('organisation_admin')]), 'people.view', inOtherOrg)).toBe(false);
	});

	it('lets facilitators and everyone taking part comment, but not viewers', () => {
		expect(may(person([orgRole('facilitator')]), 'assessment.comment', inOwnService)).toBe(true);
		expect(may(person([serviceRole('rater')]), 'assessment.comment', inOwnService)).toBe(true);
		expect(may(person([serviceRole('rater')]), 'assessment.comment', inOtherService)).toBe(false);
		expect(may(person([orgRole('viewer')]), 'assessment.comment', inOwnService)).toBe(false);
		expect(may(person([serviceRole('viewer')]), 'assessment.comment', inOwnService)).toBe(false);
		expect(may(person([orgRole('facilitator')]), 'assessment.comment', inOtherOrg)).toBe(false);
	});

	it('lets only platform administrators administer accounts', () => {
		expect(may(person([], true), 'accounts.administer')).toBe(true);
		expect(may(person([orgRole('organisation_admin')]), 'accounts.administer')).toBe(false);
	});

	it('lets the people who run an assessment plan its actions, and nobody who only reads', () => {
		expect(may(person([serviceRole('service_lead')]), 'plan.edit', inOwnService)).toBe(true);
		expect(may(person([orgRole('organisation_admin')]), 'plan.edit', inOtherService)).toBe(true);
		expect(may(person([serviceRole('service_lead')]), 'plan.edit', inOtherService)).toBe(false);
		expect(may(person([serviceRole('rater')]), 'plan.edit', inOwnService)).toBe(false);
		expect(may(person([orgRole('facilitator')]), 'plan.edit', inOwnService)).toBe(false);
		expect(may(person([orgRole('organisation_admin')]), 'plan.edit', inOtherOrg)).toBe(false);
	});

	it('lets an action’s owner add progress notes while they can see its service, and nobody else who only reads', () => {
		const rater = { ...person([serviceRole('rater')]), id: 'owner' };
		expect(may(rater, 'action.note', { ...inOwnService, ownerUserId: 'owner' })).toBe(true);
		expect(may(rater, 'action.note', { ...inOwnService, ownerUserId: 'someone-else' })).toBe(false);
		expect(may(rater, 'action.note', { ...inOwnService, ownerUserId: null })).toBe(false);
		expect(may(rater, 'action.note', { ...inOtherService, ownerUserId: 'owner' })).toBe(false);
		expect(
			may({ ...person([]), id: 'owner' }, 'action.note', { ...inOwnService, ownerUserId: 'owner' })
		).toBe(false);
		expect(
			may(person([serviceRole('service_lead')]), 'action.note', {
				...inOwnService,
				ownerUserId: null
			})
		).toBe(true);
		expect(
			may(person([orgRole('viewer')]), 'action.note', { ...inOwnService, ownerUserId: null })
		).toBe(false);
	});

	it('shows the whole organisation only to organisation-wide roles', () => {
		for (const role of ['organisation_admin', 'facilitator', 'viewer'] as const) {
			expect(may(person([orgRole(role)]), 'organisation.overview', { organisationId: ORG })).toBe(
				true
			);
			expect(
				may(person([orgRole(role)]), 'organisation.overview', { organisationId: OTHER_ORG })
			).toBe(false);
		}
		expect(
			may(person([serviceRole('service_lead')]), 'organisation.overview', { organisationId: ORG })
		).toBe(false);
		expect(
			may(person([serviceRole('viewer')]), 'organisation.overview', { organisationId: ORG })
		).toBe(false);
		expect(may(person([], true), 'organisation.overview', { organisationId: ORG })).toBe(false);
	});
});
