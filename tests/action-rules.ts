// Who may post each form action, in one table beside tests/route-rules.ts. A unit test
// (tests/unit/action-rules.test.ts) fails when an action exists without a row here, or a row names
// an action that does not exist; tests/e2e/action-access.e2e.ts posts every action as every kind of
// visitor on the demo data and checks the answer.
//
// Each key is where a form posts: the route for its default action, `route?/name` for a named one.
// An action's name appears only in its key, so renaming an action is one edit here.
//
// Answers, read from the action's JSON answer (what `use:enhance` receives):
//   'allowed'  the post got past every access check and the action itself answered: a failure
//              (the e2e posts a harmless body, so usually 400 from validation), a success, or a
//              redirect other than to sign in (it ran, where running changes nothing that matters);
//   'sign-in'  sent to sign in, to come back afterwards (a redirect to /sign-in?redirectTo=…);
//   '404'      refused as out of reach, or the link or id does not exist (error 404).
// Whatever the answer, nothing may change (but sessions, and an audit event a row says its action
// writes when it runs): the e2e checks the audit trail after every post and the whole database after
// every visitor.
//
// Visitors and places are those of tests/route-rules.ts: [home, sibling, elsewhere] for actions
// inside an organisation (a single answer there holds in every place). A made-up id answers 404 to
// anyone signed in, and a made-up link 404 to anyone.
//
// Before posting, the e2e prepares what some rows need, through the app's own actions: the service
// lead invites the demo rater to rate the home assessment; the organisation administrator invites a
// new email address to Northmoor (a valid invitation link); the platform administrator issues a
// password reset link to the viewer; the service lead starts a rating session (its join code).

import type { Visitor } from './route-rules';

export type ActionAnswer = 'allowed' | 'sign-in' | '404';
type Places = [home: ActionAnswer, sibling: ActionAnswer, elsewhere: ActionAnswer];
type Answers = Record<Visitor, ActionAnswer | Places>;

export interface ActionRule {
	/** Who decides, in words: the policy action the action asks for, or why it is public. */
	rule: string;
	answers: Answers;
	/**
	 * How the e2e posts without changing anything, when an empty form would not do: the fields it
	 * sends, whether it posts to an already closed round instead of the open one, and the one audit
	 * event an action that runs may write.
	 */
	/** `records`: the audit events the action may write when it runs (a refused sign-in writes one too). */
	harmless?: {
		form?: Record<string, string>;
		closedRound?: true;
		records?: string | readonly string[];
	};
}

const everyone = (anonymous: ActionAnswer, signedIn: ActionAnswer | Places): Answers => ({
	anonymous,
	platformAdmin: signedIn,
	organisationAdmin: signedIn,
	serviceLead: signedIn,
	rater: signedIn,
	facilitator: signedIn,
	viewer: signedIn
});

const A: ActionAnswer = 'allowed';
const N: ActionAnswer = '404';
const S: ActionAnswer = 'sign-in';

/** Platform administrators only, on the whole server. */
const PLATFORM: Answers = { ...everyone(S, N), platformAdmin: A };
/** organisation.manage: the organisation's administrators (the platform administrator is one at Northmoor). */
const MANAGERS: Answers = {
	...everyone(S, [N, N, N]),
	platformAdmin: [A, A, N],
	organisationAdmin: [A, A, N]
};
/** assessment.edit, plan.edit and service.people: the organisation's administrators, and the service's lead. */
const PLANNERS: Answers = { ...MANAGERS, serviceLead: [A, N, N] };
/**
 * organisation.people, or organisation.facilitators, which a platform administrator holds in every
 * organisation that exists: a made-up organisation answers 404 here too, as its people page does.
 */
const PEOPLE: Answers = {
	...everyone(S, [N, N, N]),
	platformAdmin: [A, A, A],
	organisationAdmin: [A, A, N]
};

/** An agreed-score form with a priority that is not one of the challenges: refused as invalid. */
const INVALID_ASSESSMENT = { form: { priority1: 'not-a-challenge' } };

export const ACTION_RULES: Record<string, ActionRule> = {
	'/sign-in': {
		rule: 'public (a signed-in visitor who posts it is answered as anyone else)',
		answers: everyone(A, A),
		harmless: { records: ['sign_in.failed', 'sign_in.throttled'] }
	},
	'/sign-in/code': {
		rule: 'public: the second step of signing in; without a sign-in waiting for its code it sends people back to the first',
		answers: everyone(A, A)
	},
	'/sign-out': {
		rule: 'public: ends the current session, if any (the e2e posts it last)',
		answers: everyone(A, A),
		harmless: { records: 'sign_out' }
	},
	'/setup/[token]': {
		rule: 'public with the one-time token, while no account exists (never, on the demo data)',
		answers: everyone(N, N)
	},
	'/invitations/[token]?/accept': {
		rule: 'signed in, with a valid invitation link (for another address, so it answers “a different email address”)',
		answers: everyone(S, A)
	},
	'/invitations/[token]?/create': {
		rule: 'public with a valid invitation link; someone signed in is told to accept it instead',
		answers: everyone(A, A)
	},
	'/reset-password/[token]': {
		rule: 'public with a valid password reset link',
		answers: everyone(A, A)
	},
	'/join': {
		rule: 'public: anyone types a session’s code (a wrong one is refused, and counted against the address)',
		answers: everyone(A, A)
	},
	'/join/[token]?/join': {
		rule: 'public with an open session’s code (a made-up code answers 404, as any made-up link)',
		answers: everyone(A, A)
	},
	'/join/[token]/rate?/save': {
		rule: 'public with an open session’s code and that session’s participant cookie (a made-up code answers 404)',
		answers: everyone(A, A)
	},
	'/join/[token]/rate?/submit': {
		rule: 'public with an open session’s code and that session’s participant cookie (a made-up code answers 404)',
		answers: everyone(A, A)
	},
	'/forgotten-password': {
		rule: 'public: anyone may ask for a reset link by email (on the demo data, without SMTP, it answers that email is not set up)',
		answers: everyone(A, A)
	},
	'/account?/changePassword': {
		rule: 'signed in: one’s own password',
		answers: everyone(S, A)
	},
	'/account?/signOutOthers': {
		rule: 'signed in: one’s own other sessions (it runs, and records that it did)',
		answers: everyone(S, A),
		harmless: { records: 'account.sessions_ended' }
	},

	'/account/tokens?/create': {
		rule: 'signed in: a token of one’s own',
		answers: everyone(S, A)
	},
	'/account/tokens?/revoke': {
		rule: 'signed in: one’s own tokens only (another’s answers 404)',
		answers: everyone(S, A)
	},
	'/account/two-step?/confirm': {
		rule: 'signed in: turning on one’s own two-step sign-in',
		answers: everyone(S, A)
	},
	'/account/two-step?/turnOff': {
		rule: 'signed in: turning off one’s own two-step sign-in (with the password and a code)',
		answers: everyone(S, A)
	},

	'/admin/accounts?/disable': { rule: 'accounts.administer', answers: PLATFORM },
	'/admin/accounts?/endSessions': { rule: 'accounts.administer', answers: PLATFORM },
	'/admin/accounts?/turnOffTwoStep': { rule: 'accounts.administer', answers: PLATFORM },
	'/admin/accounts?/enable': { rule: 'accounts.administer', answers: PLATFORM },
	'/admin/accounts?/issueReset': { rule: 'accounts.administer', answers: PLATFORM },
	'/admin/frameworks?/import': { rule: 'frameworks.manage', answers: PLATFORM },
	'/admin/frameworks/[framework]/retire': {
		rule: 'frameworks.manage (without the confirmation its button sends, it retires nothing)',
		answers: PLATFORM
	},
	'/admin/frameworks?/restore': { rule: 'frameworks.manage', answers: PLATFORM },
	'/organisations/new': { rule: 'organisation.create', answers: PLATFORM },

	'/organisations/[organisation]/groupings': { rule: 'organisation.manage', answers: MANAGERS },
	'/organisations/[organisation]/imports?/upload': {
		rule: 'organisation.manage',
		answers: MANAGERS
	},
	'/organisations/[organisation]/imports?/discard': {
		rule: 'organisation.manage, for the person’s own waiting file',
		answers: MANAGERS
	},
	// The waiting file is one already imported: confirming it is refused as adding nothing.
	'/organisations/[organisation]/imports/uploads/[upload]?/update': {
		rule: 'organisation.manage, and only the person who uploaded the file',
		answers: { ...everyone(S, [N, N, N]), organisationAdmin: [A, A, N] }
	},
	'/organisations/[organisation]/imports/uploads/[upload]?/confirm': {
		rule: 'organisation.manage, and only the person who uploaded the file',
		answers: { ...everyone(S, [N, N, N]), organisationAdmin: [A, A, N] }
	},
	// The import is one already undone: undoing it again is refused.
	'/organisations/[organisation]/imports/[import]/undo': {
		rule: 'organisation.manage',
		answers: MANAGERS
	},
	'/organisations/[organisation]/groupings/[grouping]': {
		rule: 'organisation.manage',
		answers: MANAGERS
	},
	'/organisations/[organisation]/services/new': { rule: 'organisation.manage', answers: MANAGERS },
	'/organisations/[organisation]/services/add-several?/preview': {
		rule: 'organisation.manage (previewing saves nothing)',
		answers: MANAGERS
	},
	'/organisations/[organisation]/services/add-several?/save': {
		rule: 'organisation.manage',
		answers: MANAGERS
	},
	'/organisations/[organisation]/rounds/new': { rule: 'organisation.manage', answers: MANAGERS },
	'/organisations/[organisation]/rounds/[round]?/open': {
		rule: 'organisation.manage (the open round answers that it is open already)',
		answers: MANAGERS
	},
	'/organisations/[organisation]/rounds/[round]?/close': {
		rule: 'organisation.manage (posted to a closed round, which answers that it is closed already)',
		answers: MANAGERS,
		harmless: { closedRound: true }
	},
	'/organisations/[organisation]/rounds/[round]?/reopen': {
		rule: 'organisation.manage',
		answers: MANAGERS
	},
	'/organisations/[organisation]/rounds/[round]/edit': {
		rule: 'organisation.manage',
		answers: MANAGERS
	},
	'/organisations/[organisation]/rounds/[round]/services?/add': {
		rule: 'organisation.manage',
		answers: MANAGERS
	},
	'/organisations/[organisation]/rounds/[round]/services?/takeOut': {
		rule: 'organisation.manage',
		answers: MANAGERS
	},
	'/organisations/[organisation]/people?/invite': {
		rule: 'organisation.people, or organisation.facilitators for a platform administrator',
		answers: PEOPLE
	},
	'/organisations/[organisation]/people?/removeRole': {
		rule: 'organisation.people, or organisation.facilitators for a platform administrator',
		answers: PEOPLE
	},
	'/organisations/[organisation]/people?/setTwoStep': {
		rule: 'organisation.people: the organisation’s administrators',
		answers: MANAGERS
	},
	'/organisations/[organisation]/people/tokens?/revoke': {
		rule: 'organisation.people, for the token of someone with a role in the organisation (mayRevokeTokenOf)',
		answers: MANAGERS
	},
	'/organisations/[organisation]/people?/endSessions': {
		rule: 'organisation.people, for someone with a role in the organisation (mayEndSessionsOf)',
		answers: MANAGERS
	},
	'/organisations/[organisation]/people?/withdrawInvitation': {
		rule: 'organisation.people, or organisation.facilitators for a platform administrator',
		answers: PEOPLE
	},
	'/organisations/[organisation]/services/[service]/people?/invite': {
		rule: 'service.people',
		answers: PLANNERS
	},
	'/organisations/[organisation]/services/[service]/people?/removeRole': {
		rule: 'service.people',
		answers: PLANNERS
	},
	'/organisations/[organisation]/services/[service]/people?/withdrawInvitation': {
		rule: 'service.people',
		answers: PLANNERS
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/save': {
		rule: 'assessment.edit',
		answers: PLANNERS,
		harmless: INVALID_ASSESSMENT
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/saveAndContinue': {
		rule: 'assessment.edit (saves, then goes on to the confirmation step)',
		answers: PLANNERS,
		harmless: INVALID_ASSESSMENT
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/teamPlan': {
		rule: 'assessment.edit: the team’s plan, which can change after completion until the round closes',
		answers: PLANNERS,
		harmless: INVALID_ASSESSMENT
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/addStrength': {
		rule: 'assessment.edit: what the team does well, part of the team’s plan (an empty text is refused)',
		answers: PLANNERS
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/changeStrength': {
		rule: 'assessment.edit (without a strength or its text, it is refused)',
		answers: PLANNERS
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/removeStrength': {
		rule: 'assessment.edit (without a strength, it is refused)',
		answers: PLANNERS
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/confirmStrength': {
		rule: 'assessment.edit: the previous round’s strength, confirmed as still true (without one, it is refused)',
		answers: PLANNERS
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/dropStrength': {
		rule: 'assessment.edit: the previous round’s strength, dropped (without one, it is refused)',
		answers: PLANNERS
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/undoCompletion': {
		rule: 'organisation.manage (an empty reason is refused)',
		answers: MANAGERS
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/complete': {
		rule: 'assessment.edit (without the confirmed list of scores, it is refused)',
		answers: PLANNERS
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]?/comment': {
		rule: 'assessment.comment: everyone who sees the service, except viewers',
		answers: {
			...everyone(S, [A, A, N]),
			serviceLead: [A, N, N],
			rater: [A, N, N],
			viewer: [N, N, N]
		}
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/raters?/add': {
		rule: 'assessment.edit',
		answers: PLANNERS
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/session?/start': {
		rule: 'assessment.edit (without a pace and an order, it is refused)',
		answers: PLANNERS
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/session?/order': {
		rule: 'assessment.edit (without an order, it is refused)',
		answers: PLANNERS
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/session?/move': {
		rule: 'assessment.edit (without next or previous, it is refused)',
		answers: PLANNERS
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/session?/reveal': {
		rule: 'assessment.edit (without a challenge, it is refused)',
		answers: PLANNERS
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/session?/close': {
		rule: 'assessment.edit (without the confirmation, it is refused)',
		answers: PLANNERS
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/sheets/enter?/enter': {
		rule: 'assessment.edit (an empty sheet is refused: nothing is answered)',
		answers: PLANNERS
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/sheets/enter?/remove': {
		rule: 'assessment.edit (no sheet named: refused)',
		answers: PLANNERS
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/rating?/perspective': {
		rule: 'assessment.view and an invitation to rate this assessment (only the demo rater, at home)',
		answers: { ...everyone(S, [N, N, N]), rater: [A, N, N] }
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/rating?/save': {
		rule: 'assessment.view and an invitation to rate this assessment (only the demo rater, at home)',
		answers: { ...everyone(S, [N, N, N]), rater: [A, N, N] }
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/rating?/submit': {
		rule: 'assessment.view and an invitation to rate this assessment (only the demo rater, at home)',
		answers: { ...everyone(S, [N, N, N]), rater: [A, N, N] }
	},
	'/organisations/[organisation]/rounds/[round]/assessments/[assessment]/review': {
		rule: 'plan.edit (an empty review changes nothing)',
		answers: PLANNERS
	},
	'/organisations/[organisation]/services/[service]/actions/new': {
		rule: 'plan.edit',
		answers: PLANNERS
	},
	'/organisations/[organisation]/services/[service]/actions/[action]?/note': {
		rule: 'action.note: planners, and the action’s owner (the home action is the demo rater’s)',
		answers: { ...PLANNERS, rater: [A, N, N] }
	},
	'/organisations/[organisation]/services/[service]/actions/[action]/edit': {
		rule: 'plan.edit',
		answers: PLANNERS
	}
};

/** The route of an action key, and the action's name ('default' for a route's only action). */
export function splitActionKey(key: string): { route: string; name: string } {
	const [route, name] = key.split('?/');
	return { route, name: name ?? 'default' };
}

/** The audit events a row says its action may write. */
export const recordsOf = (rule: ActionRule): readonly string[] =>
	[rule.harmless?.records ?? []].flat();
