import { inflateRawSync } from 'node:zlib';

/**
 * An .xlsx file is a zip archive. read-excel-file has no limit of its own on what it inflates,
 * so before it sees a file we walk the zip's central directory ourselves, refuse what is too
 * big or odd, and inflate each XML part with a hard cap on its output (`maxOutputLength`),
 * so an entry that lies about its size cannot grow past what it declared.
 */

export interface ZipLimits {
	/** Most entries an archive may hold. */
	maxEntries: number;
	/** Most bytes all entries may declare, uncompressed, together. */
	maxTotalUncompressed: number;
	/** Most bytes one entry may declare, uncompressed. */
	maxEntryUncompressed: number;
	/** Highest uncompressed : compressed ratio for an entry over `ratioFloor` bytes. */
	maxRatio: number;
	/** Entries smaller than this (uncompressed) are not held to `maxRatio`: tiny parts compress oddly. */
	ratioFloor: number;
}

export const defaultZipLimits: ZipLimits = {
	maxEntries: 1_000,
	maxTotalUncompressed: 100 * 1024 * 1024,
	maxEntryUncompressed: 50 * 1024 * 1024,
	maxRatio: 200,
	ratioFloor: 1024 * 1024
};

export interface ZipEntry {
	name: string;
	flags: number;
	method: number;
	compressedSize: number;
	uncompressedSize: number;
	localHeaderOffset: number;
}

export type ZipResult =
	| { ok: true; entries: ZipEntry[]; read: (entry: ZipEntry) => Uint8Array }
	| { ok: false; problem: string };

const damaged =
	'This file looks like an Excel workbook but it is damaged and cannot be read. Open it in Excel and save it again as .xlsx.';
const tooBig =
	'This workbook unpacks to far more data than an audit file needs, so it was not read. Save only the sheets you need as a new .xlsx file.';

function u16(b: Uint8Array, at: number): number {
	return b[at] | (b[at + 1] << 8);
}
function u32(b: Uint8Array, at: number): number {
	return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/** Walks the central directory and checks every declared size; nothing is inflated here. */
export function checkZip(bytes: Uint8Array, limits: ZipLimits = defaultZipLimits): ZipResult {
	// The end-of-central-directory record sits in the last 22 bytes plus an optional comment (≤ 65,535).
	let eocd = -1;
	for (let at = bytes.length - 22; at >= 0 && at >= bytes.length - 22 - 65_535; at--) {
		if (u32(bytes, at) === 0x06054b50) {
			eocd = at;
			break;
		}
	}
	if (eocd < 0) return { ok: false, problem: damaged };
	const declaredEntries = u16(bytes, eocd + 10);
	const directorySize = u32(bytes, eocd + 12);
	const directoryOffset = u32(bytes, eocd + 16);
	if (
		declaredEntries === 0xffff ||
		directorySize === 0xffffffff ||
		directoryOffset === 0xffffffff
	) {
		// ZIP64: only archives far beyond our limits need it.
		return { ok: false, problem: tooBig };
	}
	if (declaredEntries > limits.maxEntries) {
		return {
			ok: false,
			problem: `This workbook holds ${declaredEntries.toLocaleString('en-GB')} parts inside, more than the ${limits.maxEntries.toLocaleString('en-GB')} an Excel workbook needs, so it was not read.`
		};
	}
	if (directoryOffset + directorySize > eocd) return { ok: false, problem: damaged };

	const entries: ZipEntry[] = [];
	let total = 0;
	let at = directoryOffset;
	while (at < directoryOffset + directorySize) {
		if (at + 46 > bytes.length || u32(bytes, at) !== 0x02014b50)
			return { ok: false, problem: damaged };
		const nameLength = u16(bytes, at + 28);
		const entry: ZipEntry = {
			flags: u16(bytes, at + 8),
			method: u16(bytes, at + 10),
			compressedSize: u32(bytes, at + 20),
			uncompressedSize: u32(bytes, at + 24),
			localHeaderOffset: u32(bytes, at + 42),
			name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength))
		};
		at += 46 + nameLength + u16(bytes, at + 30) + u16(bytes, at + 32);
		entries.push(entry);
		if (entries.length > limits.maxEntries) {
			return {
				ok: false,
				problem: `This workbook holds more than ${limits.maxEntries.toLocaleString('en-GB')} parts inside, more than an Excel workbook needs, so it was not read.`
			};
		}
		if (entry.flags & 1) {
			return {
				ok: false,
				problem:
					'This workbook is password-protected. Open it in Excel, remove the password, and save it as .xlsx.'
			};
		}
		if (entry.compressedSize === 0xffffffff || entry.uncompressedSize === 0xffffffff) {
			return { ok: false, problem: tooBig };
		}
		if (entry.uncompressedSize > limits.maxEntryUncompressed) return { ok: false, problem: tooBig };
		total += entry.uncompressedSize;
		if (total > limits.maxTotalUncompressed) return { ok: false, problem: tooBig };
		if (
			entry.uncompressedSize >= limits.ratioFloor &&
			entry.uncompressedSize > limits.maxRatio * Math.max(entry.compressedSize, 1)
		) {
			return { ok: false, problem: tooBig };
		}
		if (entry.method !== 0 && entry.method !== 8) return { ok: false, problem: damaged };
	}

	function read(entry: ZipEntry): Uint8Array {
		const local = entry.localHeaderOffset;
		if (local + 30 > bytes.length || u32(bytes, local) !== 0x04034b50) throw new Error(damaged);
		const start = local + 30 + u16(bytes, local + 26) + u16(bytes, local + 28);
		const end = start + entry.compressedSize;
		if (end > bytes.length) throw new Error(damaged);
		const data = bytes.subarray(start, end);
		let out: Uint8Array;
		if (entry.method === 0) out = data;
		else {
			try {
				// The cap: inflating stops with an error one byte past what the entry declared.
				out = inflateRawSync(data, { maxOutputLength: entry.uncompressedSize + 1 });
			} catch (error) {
				const code = (error as { code?: string }).code;
				throw new Error(code === 'ERR_BUFFER_TOO_LARGE' ? tooBig : damaged, { cause: error });
			}
		}
		if (out.length !== entry.uncompressedSize) throw new Error(damaged);
		return out;
	}

	return { ok: true, entries, read };
}
