// Personal tokens for the read API. A token is "imroc_" and 32 base32 characters (160 random
// bits); only its SHA-256 is stored, so a copy of the database cannot be used to call the API. A
// token has no roles of its own: every call reads its person's memberships as they are then.

import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { and, desc, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import {
	hourOf,
	MAX_TOKEN_DAYS,
	shouldRecordUse,
	tokenExpiry,
	tokenState
} from '$lib/domain/api-tokens';
import { recordSecurityEvent } from '../audit/security';
import type { Db } from '../db/client';
import { apiTokens, apiTokenUsage, memberships, users } from '../db/schema';
import { newId } from '../ids';
import type { SessionUser } from '../auth/session';

const PREFIX = 'imroc_';
const TOKEN_PATTERN = /^imroc_[a-z2-7]{32}$/;

export function hashApiToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

function newSecret(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return PREFIX + encodeBase32LowerCaseNoPadding(bytes);
}

/** Makes a token for the person; the secret is returned once, here, and never stored. */
export function createApiToken(
	db: Db,
	input: { userId: string; name: string; expiresAt: Date },
	now = new Date()
): { id: string; token: string; expiresAt: Date } {
	const id = newId();
	const token = newSecret();
	// Never more than a year, whatever the caller worked out.
	const expiresAt = new Date(
		Math.min(input.expiresAt.getTime(), tokenExpiry(MAX_TOKEN_DAYS, now).getTime())
	);
	db.transaction((tx) => {
		tx.insert(apiTokens)
			.values({
				id,
				userId: input.userId,
				name: input.name,
				secretHash: hashApiToken(token),
				createdAt: now,
				expiresAt
			})
			.run();
		recordSecurityEvent(
			tx,
			{
				action: 'api_token.created',
				actorId: input.userId,
				account: input.userId,
				entityType: 'api_token',
				entityId: id,
				after: { name: input.name, expiresAt: expiresAt.toISOString() }
			},
			now
		);
	});
	return { id, token, expiresAt };
}

export interface TokenHolder {
	tokenId: string;
	user: SessionUser;
}

/**
 * The token's holder, or null for a malformed, unknown, revoked or expired token, or one whose
 * account is disabled: each is refused alike. Records when the token was last used, at most once
 * a minute.
 */
export function authenticateApiToken(db: Db, token: string, now = new Date()): TokenHolder | null {
	if (!TOKEN_PATTERN.test(token)) return null;
	const row = db
		.select({
			id: apiTokens.id,
			expiresAt: apiTokens.expiresAt,
			revokedAt: apiTokens.revokedAt,
			lastUsedAt: apiTokens.lastUsedAt,
			userId: users.id,
			email: users.email,
			name: users.name,
			isPlatformAdmin: users.isPlatformAdmin,
			disabledAt: users.disabledAt
		})
		.from(apiTokens)
		.innerJoin(users, eq(users.id, apiTokens.userId))
		.where(eq(apiTokens.secretHash, hashApiToken(token)))
		.get();
	if (!row || row.disabledAt || tokenState(row, now) !== 'active') return null;
	if (shouldRecordUse(row.lastUsedAt, now)) {
		db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run();
	}
	return {
		tokenId: row.id,
		user: {
			id: row.userId,
			email: row.email,
			name: row.name,
			isPlatformAdmin: row.isPlatformAdmin
		}
	};
}

/**
 * Counts one call in its hour. The first call of a request (endpoint and filters) in an hour
 * writes one `api.calls` event to the trail, for each organisation the person belongs to; the
 * rest only add to the count.
 */
export function recordApiCall(
	db: Db,
	holder: TokenHolder,
	request: string,
	now = new Date()
): void {
	const hour = hourOf(now);
	db.transaction((tx) => {
		const first = tx
			.insert(apiTokenUsage)
			.values({ tokenId: holder.tokenId, hour, request, calls: 1 })
			.onConflictDoUpdate({
				target: [apiTokenUsage.tokenId, apiTokenUsage.hour, apiTokenUsage.request],
				set: { calls: sql`${apiTokenUsage.calls} + 1` }
			})
			.returning({ calls: apiTokenUsage.calls })
			.get();
		if (first.calls !== 1) return;
		recordSecurityEvent(
			tx,
			{
				action: 'api.calls',
				actorId: holder.user.id,
				account: holder.user.id,
				entityType: 'api_token',
				entityId: holder.tokenId,
				after: { request, hour: hour.toISOString() }
			},
			now
		);
	});
}

/**
 * Revokes a token. `organisationId` is set when an organisation's administrator revokes it from
 * its people's tokens page. Returns false when it was already revoked.
 */
export function revokeApiToken(
	db: Db,
	input: { tokenId: string; byUserId: string; organisationId?: string },
	now = new Date()
): boolean {
	return db.transaction((tx) => {
		const token = tx
			.select({ userId: apiTokens.userId, name: apiTokens.name })
			.from(apiTokens)
			.where(and(eq(apiTokens.id, input.tokenId), isNull(apiTokens.revokedAt)))
			.get();
		if (!token) return false;
		tx.update(apiTokens)
			.set({ revokedAt: now, revokedBy: input.byUserId })
			.where(eq(apiTokens.id, input.tokenId))
			.run();
		recordSecurityEvent(
			tx,
			{
				action: 'api_token.revoked',
				actorId: input.byUserId,
				account: token.userId,
				organisationId: input.organisationId ?? null,
				entityType: 'api_token',
				entityId: input.tokenId,
				before: { name: token.name }
			},
			now
		);
		return true;
	});
}

export interface TokenListing {
	id: string;
	name: string;
	createdAt: Date;
	expiresAt: Date;
	lastUsedAt: Date | null;
	revokedAt: Date | null;
	state: ReturnType<typeof tokenState>;
}

const listingColumns = {
	id: apiTokens.id,
	name: apiTokens.name,
	createdAt: apiTokens.createdAt,
	expiresAt: apiTokens.expiresAt,
	lastUsedAt: apiTokens.lastUsedAt,
	revokedAt: apiTokens.revokedAt
};

/** A person's own tokens, newest first (never the secret or its hash). */
export function tokensOf(db: Db, userId: string, now = new Date()): TokenListing[] {
	return db
		.select(listingColumns)
		.from(apiTokens)
		.where(eq(apiTokens.userId, userId))
		.orderBy(desc(apiTokens.createdAt))
		.all()
		.map((t) => ({ ...t, state: tokenState(t, now) }));
}

/** The person's own token with this id, or undefined. */
export function ownToken(db: Db, userId: string, tokenId: string) {
	return db
		.select({ id: apiTokens.id })
		.from(apiTokens)
		.where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)))
		.get();
}

export interface PersonToken extends TokenListing {
	userId: string;
	personName: string;
	personEmail: string;
	isPlatformAdmin: boolean;
}

/** The tokens of everyone who holds a role in the organisation, newest first. */
export function tokensInOrganisation(
	db: Db,
	organisationId: string,
	now = new Date()
): PersonToken[] {
	const people = db
		.selectDistinct({ userId: memberships.userId })
		.from(memberships)
		.where(eq(memberships.organisationId, organisationId));
	return db
		.select({
			...listingColumns,
			userId: users.id,
			personName: users.name,
			personEmail: users.email,
			isPlatformAdmin: users.isPlatformAdmin
		})
		.from(apiTokens)
		.innerJoin(users, eq(users.id, apiTokens.userId))
		.where(inArray(apiTokens.userId, people))
		.orderBy(desc(apiTokens.createdAt))
		.all()
		.map((t) => ({ ...t, state: tokenState(t, now) }));
}

/** Calls per hour and request for these tokens over the last `days` days, newest first. */
export function tokenUsage(db: Db, tokenIds: string[], days = 30, now = new Date()) {
	if (tokenIds.length === 0) return [];
	return db
		.select({
			tokenId: apiTokenUsage.tokenId,
			hour: apiTokenUsage.hour,
			request: apiTokenUsage.request,
			calls: apiTokenUsage.calls
		})
		.from(apiTokenUsage)
		.where(
			and(
				inArray(apiTokenUsage.tokenId, tokenIds),
				gte(apiTokenUsage.hour, new Date(now.getTime() - days * 24 * 60 * 60 * 1000))
			)
		)
		.orderBy(desc(apiTokenUsage.hour), apiTokenUsage.request)
		.limit(500)
		.all();
}
