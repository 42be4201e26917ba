import { formatIsoDate } from '../format/dates';
import { ASSESSMENT_STAGE_LABELS, ROUND_STATUS_LABELS, type AssessmentStatus } from './rounds';
import { ACTION_STATUS_LABELS, REVIEW_DECISION_LABELS } from './actions';
import { isPerspective, PERSPECTIVE_LABELS } from './ratings';

// What each recorded action means, in the words the people reading the trail use.
const AUDIT_ACTION_LABELS: Record<string, string> = {
	'organisation.created': 'Created the organisation',
	'service.created': 'Added a service',
	'grouping.created': 'Added a grouping',
	'service.grouping_changed': 'Put a service in a grouping',
	'round.created': 'Created a round',
	'round.updated': 'Changed a draft round',
	'round.opened': 'Opened a round',
	'round.closed': 'Closed a round',
	'round.reopened': 'Reopened a round',
	'round.service_added': 'Added a service to an open round',
	'round.service_taken_out': 'Took a service out of an open round',
	'assessment.completed': 'Marked an assessment complete',
	'assessment.completion_undone': 'Undid an assessment’s completion',
	'agreed_score.created': 'Recorded an agreed score',
	'agreed_score.updated': 'Changed an agreed score',
	'membership.created': 'Gave a role',
	'membership.removed': 'Removed a role',
	'invitation.created': 'Sent an invitation',
	'invitation.withdrawn': 'Withdrew an invitation',
	'invitation.accepted': 'Accepted an invitation',
	'comment.created': 'Commented on an assessment',
	'priorities.set': 'Set the team’s priorities',
	'rater.added': 'Invited a rater to an assessment',
	'ratings.saved': 'Saved their own ratings',
	'ratings.submitted': 'Submitted their own ratings',
	'paper_sheet.entered': 'Paper rating sheet entered',
	'paper_sheet.removed': 'Paper rating sheet removed',
	'team_resources.updated': 'Recorded the team’s resources',
	'strength.added': 'Recorded something the team does well',
	'strength.changed': 'Changed something the team does well',
	'strength.removed': 'Removed something the team does well',
	'strength.confirmed': 'Confirmed a strength from the previous round as still true',
	'strength.dropped': 'Dropped a strength from the previous round',
	'rating_session.opened': 'Opened a rating session in the room',
	'rating_session.closed': 'Closed a rating session',
	'assessment.rating_order_changed': 'Changed whether the room rates first or discusses first',
	'framework.imported': 'Imported a framework pack',
	'past_audits.imported': 'Imported past audits from a spreadsheet',
	'past_audits.import_undone': 'Undid an import of past audits',
	'export.workbook': 'Downloaded an Excel workbook',
	'framework.retired': 'Retired a framework pack',
	'framework.restored': 'Offered a framework pack again',
	'action.created': 'Added an improvement action',
	'action.updated': 'Changed an improvement action',
	'action.note_added': 'Added a progress note to an action',
	'action.reviewed': 'Reviewed an action at the next round',
	'account.password_changed': 'Changed their own password',
	'account.sessions_ended': 'Signed out their other sessions',
	'account.disabled': 'Disabled an account',
	'account.enabled': 'Enabled an account',
	'account.password_reset_issued': 'Issued a link to set a new password',
	'demo.seeded': 'Filled the database with demo data',
	'api_token.created': 'Made an API token',
	'api_token.revoked': 'Revoked an API token',
	'api.calls': 'Read data through the API (first call of the hour)',
	'account.password_reset_emailed': 'Emailed a link to set a new password, when asked',
	'account.password_reset_issued_on_server': 'Issued a link to set a new password on the server',
	'account.password_reset_used': 'Set a new password with a link',
	'account.mfa_enabled': 'Turned on two-step sign-in',
	'account.mfa_disabled': 'Turned off two-step sign-in',
	'account.mfa_recovery_code_used': 'Signed in with a recovery code',
	'account.sessions_ended_by_administrator': 'Signed someone out everywhere',
	'organisation.mfa_requirement_changed': 'Changed whether everyone must use two-step sign-in',
	'sign_in.succeeded': 'Signed in',
	'sign_in.failed': 'A sign-in was refused',
	'sign_in.throttled': 'A sign-in was slowed down: too many attempts at once',
	sign_out: 'Signed out',
	'setup.completed': 'Set up the server as its first administrator',
	download: 'Downloaded data',
	'export.report': 'Opened a report to print',
	// Before roles were "removed" and invitations "withdrawn" everywhere, these events were
	// recorded under "revoked". The trail is append-only, so they keep the names they were written
	// with, and read exactly as the events that replaced them.
	'membership.revoked': 'Removed a role',
	'invitation.revoked': 'Withdrew an invitation'
};

/** How the trail keeps long text (see condensed in $lib/server/audit/record.ts). */
export const LONG_TEXT = { over: 500, startLength: 200, hexDigits: 16 } as const;

/** A long text as the trail keeps it: its length, a SHA-256 prefix and its first characters. */
export interface LongTextDigest {
	longText: true;
	length: number;
	sha256: string;
	start: string;
}

export function isLongTextDigest(value: unknown): value is LongTextDigest {
	return (
		!!value &&
		typeof value === 'object' &&
		(value as LongTextDigest).longText === true &&
		typeof (value as LongTextDigest).length === 'number' &&
		typeof (value as LongTextDigest).start === 'string'
	);
}

/** Whether two recorded texts (either of which may be a digest) are the same. */
function sameText(a: unknown, b: unknown): boolean {
	if (isLongTextDigest(a) && isLongTextDigest(b))
		return a.sha256 === b.sha256 && a.length === b.length;
	return (a ?? '') === (b ?? '');
}

const characters = (n: number) => `${n.toLocaleString('en-GB')} characters`;

/**
 * An assessment's stored status in the stage words every page uses. It is completed from, and a
 * completion is undone back to, agreeing: by then every challenge has an agreed level.
 */
const ASSESSMENT_STATUS_WORDS: Record<AssessmentStatus, string> = {
	in_progress: ASSESSMENT_STAGE_LABELS.agreeing,
	complete: ASSESSMENT_STAGE_LABELS.complete
};

const ACTION_FIELD_WORDS: Record<string, string> = {
	title: 'title',
	description: 'description',
	challengeId: 'challenge',
	ownerUserId: 'owner',
	ownerName: 'owner',
	startDate: 'start date',
	dueDate: 'due date',
	outcome: 'outcome'
};

/** A plain-language description of an action; one without a label yet is shown as recorded. */

/** Why an invitation was withdrawn without anyone choosing to, in the trail's words. */
const INVITATION_WITHDRAWAL_WORDS: Record<string, string> = {
	'inviter-disabled': 'the sender’s account was disabled',
	'inviter-lost-role': 'the sender no longer has the role to give it',
	'email-not-sent': 'the email could not be sent'
};
export function describeAction(action: string): string {
	return Object.hasOwn(AUDIT_ACTION_LABELS, action) ? AUDIT_ACTION_LABELS[action] : action;
}

/** Names the server looked up for the ids a change refers to. */
export interface ChangeNames {
	roundTitle?: string | null;
	challengeLabel?: string | null;
	/** The person a role was given to or taken from. */
	memberName?: string | null;
	/** The address an invitation was sent to. */
	invitationEmail?: string | null;
	invitationRole?: string | null;
	roleLabels?: Record<string, string>;
	/** The person whose account an account event is about. */
	accountName?: string | null;
}

export interface RecordedChange {
	action: string;
	before: unknown;
	after: unknown;
}

type Fields = Record<string, unknown>;

const asFields = (value: unknown): Fields | null =>
	value && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : null;

const text = (value: unknown): string | null => {
	if (isLongTextDigest(value)) return `${value.start.slice(0, 100)}… (${characters(value.length)})`;
	return typeof value === 'string' && value !== '' ? value : null;
};

const MAX_SUMMARY = 160;

function shorten(value: string, max = 60): string {
	const oneLine = value.replace(/\s+/g, ' ').trim();
	return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

function levelText(level: unknown): string {
	return typeof level === 'number' ? `level ${level}` : 'no level';
}

function agreedScoreChange(before: Fields | null, after: Fields | null): string {
	const parts: string[] = [];
	if (before && after) {
		if (before.level !== after.level) {
			parts.push(
				typeof before.level === 'number' && typeof after.level === 'number'
					? `level ${before.level} → ${after.level}`
					: `${levelText(before.level)} → ${levelText(after.level)}`
			);
		}
		if (!sameText(before.evidence, after.evidence))
			parts.push(`evidence ${changedText(after.evidence)}`);
	} else if (after) {
		parts.push(levelText(after.level));
		if (text(after.evidence))
			parts.push(
				isLongTextDigest(after.evidence)
					? `evidence added (${characters(after.evidence.length)})`
					: 'evidence added'
			);
	}
	return parts.join(', ');
}

/** "changed", or for a long text "changed (812 characters)". */
function changedText(value: unknown): string {
	return isLongTextDigest(value) ? `changed (${characters(value.length)})` : 'changed';
}

function periodText(fields: Fields | null): string | null {
	const start = text(fields?.periodStart);
	const end = text(fields?.periodEnd);
	return start && end ? `${formatIsoDate(start)} to ${formatIsoDate(end)}` : null;
}

function servicesText(fields: Fields | null): string | null {
	const ids = fields?.serviceIds;
	return Array.isArray(ids) ? `${ids.length} service${ids.length === 1 ? '' : 's'}` : null;
}

/** What changed in a draft round: "title Spring → Spring 2026, 3 services → 4 services". */
function draftRoundChange(before: Fields | null, after: Fields | null): string {
	const parts: string[] = [];
	if (before?.title !== after?.title && text(after?.title)) {
		parts.push(`title ${text(before?.title) ?? '–'} → ${text(after?.title)}`);
	}
	const [periodBefore, periodAfter] = [periodText(before), periodText(after)];
	if (periodBefore !== periodAfter && periodAfter) parts.push(`period ${periodAfter}`);
	if (before?.frameworkId !== after?.frameworkId) parts.push('framework changed');
	const [servicesBefore, servicesAfter] = [servicesText(before), servicesText(after)];
	const sameServices =
		Array.isArray(before?.serviceIds) &&
		Array.isArray(after?.serviceIds) &&
		JSON.stringify([...before.serviceIds].sort()) === JSON.stringify([...after.serviceIds].sort());
	if (!sameServices && servicesAfter) {
		parts.push(
			servicesBefore && servicesBefore !== servicesAfter
				? `${servicesBefore} → ${servicesAfter}`
				: 'services changed'
		);
	}
	return parts.join(', ');
}

function statusChange(
	before: Fields | null,
	after: Fields | null,
	labels: Record<string, string>
): string {
	const label = (status: unknown) =>
		typeof status === 'string' ? (labels[status] ?? status) : null;
	const from = label(before?.status);
	const to = label(after?.status);
	if (from && to) return `${from} → ${to}`;
	return to ?? from ?? '';
}

const HIDDEN_KEY = /hash|token|secret|password/i;
const ID_KEY = /^id$|Id$/;

function valueSummary(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (isLongTextDigest(value)) return `(${characters(value.length)})`;
	if (typeof value === 'string') return shorten(value);
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (Array.isArray(value)) return `${value.length} item${value.length === 1 ? '' : 's'}`;
	const fields = Object.entries(value as Fields).filter(
		([key, v]) =>
			!HIDDEN_KEY.test(key) && !ID_KEY.test(key) && v !== null && v !== undefined && v !== ''
	);
	if (fields.length === 1) return valueSummary(fields[0][1]);
	return fields
		.slice(0, 6)
		.map(
			([key, v]) => `${key}: ${typeof v === 'object' ? valueSummary(v) : shorten(String(v), 40)}`
		)
		.join(', ');
}

/** Any change without a better description: what it was, then what it became. */
function genericChange(before: unknown, after: unknown): string {
	const from = valueSummary(before);
	const to = valueSummary(after);
	if (from && to) return `${from} → ${to}`;
	if (from) return `was ${from}`;
	return to;
}

function joined(...parts: (string | null | undefined)[]): string {
	return parts.filter((p): p is string => !!p).join(': ');
}

const SIGN_IN_METHODS: Record<string, string> = {
	password: 'with a password',
	code: 'with a password and a code from their app',
	recovery: 'with a password and a recovery code'
};

/** "wrong password for the address with SHA-256 1f2e3d4c…", or the account at the code step. */
function signInRefusal(after: Fields | null, accountName: string | null | undefined): string {
	if (after?.step === 'code') return joined(accountName, 'code from the app not right');
	const digest = text(after?.emailSha256);
	return digest ? `address with SHA-256 ${digest.slice(0, 12)}…` : '';
}

/** Whose account it was, and how many sessions the change ended: "Tom Whitfield, 2 sessions ended". */
function accountChange(after: Fields | null, accountName: string | null | undefined): string {
	const ended = typeof after?.endedSessions === 'number' ? after.endedSessions : 0;
	const sessions = ended > 0 ? `${ended} session${ended === 1 ? '' : 's'} ended` : null;
	return [accountName, sessions].filter(Boolean).join(', ');
}

/** "organisation-dashboard/heatmap, filters: round abc, framework imroc" */
function downloadSummary(after: Fields | null): string {
	const filters = asFields(after?.filters);
	const set = Object.entries(filters ?? {})
		.filter(([, v]) => v !== null && v !== undefined && v !== '')
		.map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
	return [text(after?.table), set.length > 0 ? `filters: ${set.join(', ')}` : 'no filters']
		.filter(Boolean)
		.join(', ');
}

/**
 * A short, readable account of what changed, such as "Spring 2026 · Day-to-day interactions:
 * level 2 → 3". The full before and after stay in the CSV download.
 */
export function describeChange(change: RecordedChange, names: ChangeNames = {}): string {
	const before = asFields(change.before);
	const after = asFields(change.after);
	const roleLabel = (role: unknown) =>
		typeof role === 'string' ? (names.roleLabels?.[role] ?? role) : null;
	let summary: string;
	switch (change.action) {
		case 'agreed_score.created':
		case 'agreed_score.updated': {
			const what = [names.roundTitle, names.challengeLabel].filter(Boolean).join(' · ');
			summary = joined(what, agreedScoreChange(before, after));
			break;
		}
		case 'round.created': {
			const title = text(after?.title) ?? names.roundTitle;
			summary = [title, periodText(after), servicesText(after)].filter(Boolean).join(', ');
			break;
		}
		case 'round.updated':
			summary = joined(names.roundTitle, draftRoundChange(before, after));
			break;
		case 'round.opened':
		case 'round.closed':
			summary = joined(names.roundTitle, statusChange(before, after, ROUND_STATUS_LABELS));
			break;
		case 'round.reopened': {
			const reason = text(after?.reason);
			const parts = [
				statusChange(before, after, ROUND_STATUS_LABELS),
				reason ? `reason: ${shorten(reason, 100)}` : null
			];
			summary = joined(names.roundTitle, parts.filter(Boolean).join(', '));
			break;
		}
		case 'paper_sheet.entered':
		case 'paper_sheet.removed': {
			const sheet = after ?? before;
			const perspective = text(sheet?.perspective);
			const answers = typeof sheet?.answers === 'number' ? sheet.answers : null;
			summary = [
				perspective && isPerspective(perspective) ? PERSPECTIVE_LABELS[perspective] : perspective,
				answers === null ? null : `${answers} answered`
			]
				.filter(Boolean)
				.join(', ');
			break;
		}
		case 'round.service_added':
		case 'round.service_taken_out':
			summary = joined(names.roundTitle, text((after ?? before)?.serviceName));
			break;
		case 'service.grouping_changed':
			summary = [text(after?.name), text(after?.groupingName)].filter(Boolean).join(' → ');
			break;
		case 'grouping.created':
			summary = text(after?.name) ?? genericChange(change.before, change.after);
			break;
		case 'assessment.completed':
			summary = joined(names.roundTitle, statusChange(before, after, ASSESSMENT_STATUS_WORDS));
			break;
		case 'assessment.completion_undone': {
			const reason = text(after?.reason);
			const parts = [
				statusChange(before, after, ASSESSMENT_STATUS_WORDS),
				reason ? `reason: ${shorten(reason, 100)}` : null
			];
			summary = joined(names.roundTitle, parts.filter(Boolean).join(', '));
			break;
		}
		case 'organisation.created':
		case 'service.created': {
			const name = text(after?.name);
			const detail = text(after?.type) ?? text(after?.odsCode);
			summary = name
				? detail
					? `${name} (${detail})`
					: name
				: genericChange(change.before, change.after);
			break;
		}
		case 'membership.created':
		case 'membership.removed':
		case 'membership.revoked': {
			const role = roleLabel(after?.role ?? before?.role);
			summary = joined(names.memberName, role) || genericChange(change.before, change.after);
			break;
		}
		case 'invitation.created':
		case 'invitation.withdrawn':
		case 'invitation.revoked':
		case 'invitation.accepted': {
			const email = names.invitationEmail ?? text(after?.email);
			const role = roleLabel(names.invitationRole ?? after?.role);
			const how =
				after?.delivery === 'email'
					? 'emailed'
					: after?.addressVouchedFor === true
						? 'link passed on by hand, address vouched for'
						: null;
			const why = INVITATION_WITHDRAWAL_WORDS[text(after?.reason) ?? ''] ?? null;
			summary = [[email, role ? `as ${role}` : null].filter(Boolean).join(' '), how, why]
				.filter(Boolean)
				.join('; ');
			break;
		}
		case 'action.created':
			summary = [
				text(after?.title),
				text(after?.dueDate) ? `due ${formatIsoDate(String(after?.dueDate))}` : null
			]
				.filter(Boolean)
				.join(', ');
			break;
		case 'action.updated': {
			const changed = Object.keys(after ?? {}).filter(
				(key) => JSON.stringify(before?.[key] ?? null) !== JSON.stringify(after?.[key] ?? null)
			);
			const status =
				before?.status !== after?.status ? statusChange(before, after, ACTION_STATUS_LABELS) : null;
			const others = [
				...new Set(
					changed
						.filter((key) => key !== 'status')
						.map((key) => {
							const word = ACTION_FIELD_WORDS[key] ?? key;
							const value = after?.[key];
							return isLongTextDigest(value) ? `${word} (${characters(value.length)})` : word;
						})
				)
			];
			summary = joined(
				text(after?.title),
				[status, others.length > 0 ? `changed ${others.join(', ')}` : null]
					.filter(Boolean)
					.join('; ')
			);
			break;
		}
		case 'action.note_added':
			summary = text(after?.note) ?? genericChange(change.before, change.after);
			break;
		case 'action.reviewed': {
			const decision =
				typeof after?.decision === 'string'
					? (REVIEW_DECISION_LABELS as Record<string, string>)[after.decision]
					: null;
			summary =
				[decision, text(after?.note)].filter(Boolean).join(': ') ||
				genericChange(change.before, change.after);
			break;
		}
		case 'comment.created':
			summary = text(after?.body) ?? genericChange(change.before, change.after);
			break;
		case 'sign_in.succeeded':
			summary = SIGN_IN_METHODS[String(after?.method)] ?? '';
			break;
		case 'sign_in.failed':
		case 'sign_in.throttled':
			summary = signInRefusal(after, names.accountName);
			break;
		case 'download':
			summary = downloadSummary(after);
			break;
		case 'export.workbook':
			summary =
				after?.workbook === 'history'
					? 'Organisation history workbook, every closed round'
					: joined('Round workbook', text(after?.roundTitle));
			break;
		case 'past_audits.imported':
		case 'past_audits.import_undone': {
			const counts = change.action === 'past_audits.imported' ? after : before;
			const file = text(counts?.fileName) ?? 'a file';
			const figure = (key: string, one: string) => {
				const n = Number(counts?.[key] ?? 0);
				return `${n.toLocaleString('en-GB')} ${one}${n === 1 ? '' : 's'}`;
			};
			summary = `${change.action === 'past_audits.imported' ? 'Past audits imported' : 'Import undone'} from ${file}: ${[figure('rounds', 'round'), figure('scores', 'score')].join(', ')}`;
			break;
		}
		default:
			summary = change.action.startsWith('account.')
				? accountChange(after, names.accountName)
				: genericChange(change.before, change.after);
	}
	return shorten(summary, MAX_SUMMARY);
}
