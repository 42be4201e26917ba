import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

// Authenticator secrets must be readable by the server (to check codes), so they cannot be hashed
// like passwords. They are encrypted (AES-256-GCM) with a key that is not in the database, so a
// copy of the database alone does not give them away: MFA_KEY from the environment (32 bytes as
// 64 hex characters), or else a key file beside the database (`<database>.mfa-key`, made on first
// use, readable by its owner only). Back the key up with the database, and keep them apart.

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A version byte in front, so the scheme can change without guessing what a stored value is. */
const VERSION = 1;

let cachedKey: Buffer | undefined;

function keyFromHex(hex: string, where: string): Buffer {
	if (!/^[0-9a-fA-F]{64}$/.test(hex.trim()))
		throw new Error(
			`${where} must be 64 hexadecimal characters (32 bytes), e.g. from: openssl rand -hex 32`
		);
	return Buffer.from(hex.trim(), 'hex');
}

/** The key: MFA_KEY, or the key file beside the database (made when missing), or for an in-memory database one for this process. */
export function mfaKey(databasePath: string): Buffer {
	if (cachedKey) return cachedKey;
	if (process.env.MFA_KEY) {
		cachedKey = keyFromHex(process.env.MFA_KEY, 'MFA_KEY');
	} else if (databasePath === ':memory:') {
		cachedKey = randomBytes(KEY_BYTES);
	} else {
		const file = `${databasePath}.mfa-key`;
		if (!existsSync(file)) {
			mkdirSync(dirname(file), { recursive: true });
			// 'wx' fails if another process made it meanwhile; that one is then read below.
			try {
				writeFileSync(file, randomBytes(KEY_BYTES).toString('hex') + '\n', {
					mode: 0o600,
					flag: 'wx'
				});
			} catch (cause) {
				if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw cause;
			}
		}
		cachedKey = keyFromHex(readFileSync(file, 'utf8'), file);
	}
	return cachedKey;
}

export function seal(plain: Uint8Array, key: Buffer): Buffer {
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	const body = Buffer.concat([cipher.update(Buffer.from(plain)), cipher.final()]);
	return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

/** The plain bytes, or null when the value was sealed with another key or has been changed. */
export function open(sealed: Uint8Array, key: Buffer): Uint8Array | null {
	const bytes = Buffer.from(sealed);
	if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) return null;
	const iv = bytes.subarray(1, 1 + IV_BYTES);
	const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
	try {
		const decipher = createDecipheriv('aes-256-gcm', key, iv);
		decipher.setAuthTag(tag);
		return new Uint8Array(
			Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()])
		);
	} catch {
		return null;
	}
}
