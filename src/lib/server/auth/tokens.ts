import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** A random secret for a single-use link (160 bits). Only its hash is ever stored. */
export function newLinkToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

/** What is stored for a link token; looking a token up by its hash needs no constant-time compare. */
export function hashLinkToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}
