import { randomBytes } from "node:crypto";

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Base62 text of the bytes, most significant digit first. */
export function base62(bytes: Uint8Array): string {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let text = "";
  while (value > 0n) {
    text = alphabet[Number(value % 62n)] + text;
    value /= 62n;
  }
  return text;
}

/**
 * A prefixed random id such as `agy_4CpG0x…`: 128 random bits, so ids are unguessable and
 * never reveal how many rows a table holds.
 */
export function newId(prefix: string): string {
  return `${prefix}_${base62(randomBytes(16)).padStart(22, "0")}`;
}
