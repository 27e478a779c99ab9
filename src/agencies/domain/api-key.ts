import { createHash, timingSafeEqual } from "node:crypto";
import { crc32 } from "node:zlib";
import { base62 } from "../../platform/index.ts";

/**
 * API keys look like `rk_test_<32 random base62><6 checksum base62>`.
 * - `rk_` secret keys authenticate the agency's server; `pk_` publishable keys may sit in a web
 *   page and only ask the vault for tokens.
 * - `test` and `live` keep simulated money apart from real money.
 * - The checksum (CRC-32 of everything before it) lets a typo or a truncated key be refused
 *   without a database read, and lets secret scanners recognise a Remit key.
 * Only a SHA-256 digest of a key is stored; the key itself is shown once.
 */
export type KeyKind = "secret" | "publishable";
export type KeyMode = "test" | "live";

const kindPrefix: Record<KeyKind, string> = { secret: "rk", publishable: "pk" };
const bodyLength = 32;
const checksumLength = 6;
const keyPattern = /^(rk|pk)_(test|live)_([0-9A-Za-z]{38})$/;

export function formatApiKey(kind: KeyKind, mode: KeyMode, randomBytes: Uint8Array): string {
  if (randomBytes.length < 24) throw new RangeError("an API key needs at least 24 random bytes");
  const head = `${kindPrefix[kind]}_${mode}_${base62(randomBytes).padStart(bodyLength, "0").slice(-bodyLength)}`;
  return head + checksum(head);
}

/** The kind and mode of a well-formed key, or undefined for anything else. Reads no database. */
export function parseApiKey(text: string): { kind: KeyKind; mode: KeyMode } | undefined {
  const match = keyPattern.exec(text);
  if (!match) return undefined;
  const head = text.slice(0, -checksumLength);
  const given = Buffer.from(text.slice(-checksumLength));
  if (!timingSafeEqual(given, Buffer.from(checksum(head)))) return undefined;
  return { kind: match[1] === "rk" ? "secret" : "publishable", mode: match[2] as KeyMode };
}

export function digestApiKey(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Compares two digests in constant time. */
export function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function checksum(head: string): string {
  return base62(uint32Bytes(crc32(head))).padStart(checksumLength, "0");
}

function uint32Bytes(n: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, n);
  return bytes;
}
