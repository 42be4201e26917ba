// Security events: signing in and out, first-run setup, downloads, and changes to accounts. They
// go in the same append-only trail as every other change.
//
// Where they are shown. An event that belongs to no organisation (organisationId null) is on the
// platform audit page. An event about an account (`account`) is also written, in the same
// transaction, once for each organisation the account then belonged to, with that organisation's
// id: so an organisation sees in its own trail that a platform administrator reset its
// administrator's password, and keeps seeing it after the person leaves. Writing the copies then,
// rather than joining memberships when the trail is read, keeps each trail one indexed range
// (organisation_id, at) and shows the organisations the person belonged to at the time, not now.

import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { memberships } from '../db/schema';
import { recordAuditEvent } from './record';

/**
 * The security events, by the name recorded in the trail. Account changes keep the `account.`
 * names they were first recorded with (two-step sign-in: `account.mfa_enabled`,
 * `account.mfa_disabled`, `account.mfa_recovery_code_used`; an administrator signing someone out:
 * `account.sessions_ended_by_administrator`), since the trail is append-only.
 */
export const SECURITY_ACTIONS = [
	'sign_in.succeeded',
	'sign_in.failed',
	'sign_in.throttled',
	'sign_out',
	'setup.completed',
	'download',
	'account.password_changed',
	'account.sessions_ended',
	'account.disabled',
	'account.enabled',
	'account.password_reset_issued',
	'account.password_reset_emailed',
	'account.password_reset_issued_on_server',
	'account.password_reset_used',
	'account.mfa_enabled',
	'account.mfa_disabled',
	'account.mfa_recovery_code_used',
	'account.sessions_ended_by_administrator',
	'api_token.created',
	'api_token.revoked',
	'api.calls'
] as const;

export type SecurityAction = (typeof SECURITY_ACTIONS)[number];

export interface SecurityEvent {
	action: SecurityAction;
	/** Who did it: null for someone not (yet) signed in, or for the app itself. */
	actorId: string | null;
	/** The account the event is about: each organisation it belongs to sees the event too. */
	account?: string | null;
	/** An organisation the event belongs to in the first place (a download of its data, say). */
	organisationId?: string | null;
	serviceId?: string | null;
	entityType: string;
	entityId: string;
	before?: unknown;
	after?: unknown;
}

/** Writes the event, and a copy for each organisation of the account it is about. */
export function recordSecurityEvent(tx: Tx, event: SecurityEvent, now = new Date()): void {
	const entry = {
		userId: event.actorId,
		serviceId: event.serviceId ?? null,
		action: event.action,
		entityType: event.entityType,
		entityId: event.entityId,
		before: event.before,
		after: event.after
	};
	const home = event.organisationId ?? null;
	recordAuditEvent(tx, { ...entry, organisationId: home }, now);
	if (!event.account) return;
	const rows = tx
		.select({ id: memberships.organisationId })
		.from(memberships)
		.where(eq(memberships.userId, event.account))
		.all();
	const organisations = new Set(rows.map((m) => m.id));
	organisations.delete(home as string);
	for (const organisationId of organisations) {
		recordAuditEvent(tx, { ...entry, serviceId: null, organisationId }, now);
	}
}

/**
 * An email address as a failed sign-in records it: SHA-256 of the address as typed, trimmed and
 * in lower case, so repeated attempts at one address can be told apart and matched against an
 * address someone asks about, without the trail keeping addresses people mistyped.
 */
export function emailDigest(email: string): string {
	return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/**
 * A sign-in refused: a wrong password or code (`failed`), or too many attempts at once
 * (`throttled`). At the password step only the address's digest is kept; at the code step the
 * password was right, so the account is known.
 */
export function recordSignInRefused(
	tx: Tx,
	refusal: ({ step: 'password'; email: string } | { step: 'code'; userId: string }) & {
		throttled: boolean;
	},
	now = new Date()
): void {
	const action = refusal.throttled ? 'sign_in.throttled' : 'sign_in.failed';
	if (refusal.step === 'code') {
		recordSecurityEvent(
			tx,
			{
				action,
				actorId: null,
				entityType: 'user',
				entityId: refusal.userId,
				after: { step: 'code' }
			},
			now
		);
		return;
	}
	const digest = emailDigest(refusal.email);
	recordSecurityEvent(
		tx,
		{
			action,
			actorId: null,
			entityType: 'sign_in',
			entityId: digest,
			after: { emailSha256: digest, step: 'password' }
		},
		now
	);
}

/** Someone signed in: with a password alone, a code from their app, or a recovery code. */
export function recordSignedIn(
	tx: Tx,
	userId: string,
	method: 'password' | 'code' | 'recovery',
	now = new Date()
): void {
	recordSecurityEvent(
		tx,
		{
			action: 'sign_in.succeeded',
			actorId: userId,
			entityType: 'user',
			entityId: userId,
			after: { method }
		},
		now
	);
}

export function recordSignedOut(tx: Tx, userId: string, now = new Date()): void {
	recordSecurityEvent(
		tx,
		{ action: 'sign_out', actorId: userId, entityType: 'user', entityId: userId },
		now
	);
}

/** A download of data: which table, for which organisation or service, with which filters. */
export interface Download {
	actorId: string;
	/** What was downloaded, e.g. "audit-trail" or "organisation-dashboard/heatmap". */
	table: string;
	organisationId?: string | null;
	serviceId?: string | null;
	/** The filters as the address carried them; those not set are left out. */
	filters?: Record<string, unknown>;
}

export function recordDownload(tx: Tx, download: Download, now = new Date()): void {
	const filters = Object.fromEntries(
		Object.entries(download.filters ?? {}).filter(([, v]) => v !== undefined && v !== null)
	);
	recordSecurityEvent(
		tx,
		{
			action: 'download',
			actorId: download.actorId,
			organisationId: download.organisationId ?? null,
			serviceId: download.serviceId ?? null,
			entityType: 'download',
			entityId: download.table,
			after: { table: download.table, filters }
		},
		now
	);
}
