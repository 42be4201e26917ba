import { hash, verify } from '@node-rs/argon2';

// OWASP's minimum for Argon2id (the library's default variant): 19 MiB, 2 passes, 1 lane.
const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 };

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/**
 * At most this many Argon2 computations at once; the rest wait their turn. Each takes 19 MiB and
 * a core for tens of milliseconds, so a burst of sign-ins could otherwise exhaust memory and
 * starve every other request.
 */
export const MAX_CONCURRENT_HASHES = 2;

class Semaphore {
	#free: number;
	readonly #waiting: (() => void)[] = [];

	constructor(size: number) {
		this.#free = size;
	}

	async run<T>(task: () => Promise<T>): Promise<T> {
		if (this.#free > 0) this.#free -= 1;
		else await new Promise<void>((resolve) => this.#waiting.push(resolve));
		try {
			return await task();
		} finally {
			const next = this.#waiting.shift();
			if (next) next();
			else this.#free += 1;
		}
	}
}

const hashing = new Semaphore(MAX_CONCURRENT_HASHES);

export function hashPassword(password: string): Promise<string> {
	return hashing.run(() => hash(password, ARGON2_OPTIONS));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await hashing.run(() => verify(passwordHash, password));
	} catch {
		return false;
	}
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check, so an unknown email cannot be told apart by timing. */
export async function verifyAgainstDummy(password: string): Promise<false> {
	dummyHash ??= hashPassword('not-a-real-password-for-anyone');
	await verifyPassword(await dummyHash, password);
	return false;
}
