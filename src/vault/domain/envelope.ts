import { createCipheriv, createDecipheriv, createHmac, createSecretKey, type KeyObject, randomBytes } from "node:crypto";

/**
 * Envelope encryption. Each record has its own random AES-256-GCM data key; the data key is
 * stored wrapped (itself AES-256-GCM encrypted) under a key-encryption key (KEK) from
 * REMIT_MASTER_KEY, with the KEK's version beside it. Rotating the KEK re-wraps data keys and
 * leaves the data alone. Per-record keys also keep every key far below the ~2^32 random-nonce
 * encryptions NIST allows one GCM key.
 *
 * Sealed values are `nonce (12) ‖ ciphertext ‖ tag (16)`. Additional authenticated data binds
 * each value to what it belongs to, so a ciphertext copied onto another record, another agency
 * or another key version fails to open.
 */

export interface KeyEncryptionKey {
  readonly version: string;
  /** A KeyObject, not bytes, so that logging or serializing it shows nothing. */
  readonly key: KeyObject;
}

export interface VaultKeys {
  /** Wraps every new key, and every key `rotateVaultKeys` re-wraps. */
  readonly current: KeyEncryptionKey;
  /** Every KEK that can still unwrap, the current one included. */
  readonly byVersion: ReadonlyMap<string, KeyEncryptionKey>;
}

export const keyLengthBytes = 32;
const nonceLengthBytes = 12;
const tagLengthBytes = 16;
/** A wrapped 32-byte key: nonce, ciphertext, tag. */
export const wrappedKeyLengthBytes = nonceLengthBytes + keyLengthBytes + tagLengthBytes;

const versionPattern = /^[A-Za-z0-9_.-]{1,32}$/;

/**
 * Reads `v2:<base64 of 32 bytes>,v1:<base64 …>`: the first is current, the others can still
 * unwrap what was wrapped under them. Errors name the entry by position, never its text.
 */
export function parseMasterKeys(text: string, source = "REMIT_MASTER_KEY"): VaultKeys {
  const entries = text
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error(`${source} holds no key: give version:base64, e.g. v1:<32 random bytes in base64>`);
  const parsed = entries.map((entry, index): KeyEncryptionKey => {
    const colon = entry.indexOf(":");
    const version = entry.slice(0, colon);
    const base64 = entry.slice(colon + 1);
    if (colon < 1 || !versionPattern.test(version)) {
      throw new Error(`${source} entry ${index + 1} needs a version before its key (letters, digits, _ . -), e.g. v1:<base64>`);
    }
    const bytes = Buffer.from(base64, "base64");
    if (bytes.length !== keyLengthBytes || bytes.toString("base64") !== base64) {
      throw new Error(
        `${source} entry ${index + 1} (${version}) must be ${keyLengthBytes} random bytes in base64 (openssl rand -base64 32)`,
      );
    }
    const key = createSecretKey(bytes);
    bytes.fill(0);
    return { version, key };
  });
  const byVersion = new Map(parsed.map((kek) => [kek.version, kek]));
  if (byVersion.size !== parsed.length) throw new Error(`${source} names one key version twice`);
  return { current: parsed[0] as KeyEncryptionKey, byVersion };
}

/** A fresh KEK in REMIT_MASTER_KEY's form. */
export function newMasterKeyText(version: string): string {
  if (!versionPattern.test(version)) throw new Error(`key version "${version}" must be 1–32 letters, digits, _ . or -`);
  return `${version}:${randomBytes(keyLengthBytes).toString("base64")}`;
}

export function newDataKey(): Buffer {
  return randomBytes(keyLengthBytes);
}

export function seal(key: KeyObject | Buffer, plaintext: Uint8Array, aad: string): Buffer {
  const nonce = randomBytes(nonceLengthBytes);
  const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: tagLengthBytes });
  cipher.setAAD(Buffer.from(aad, "utf8"));
  return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/**
 * Opens a sealed value, or throws: a value that fails authentication was altered or belongs to
 * another record, which is an attack or a bug, never something to carry on from.
 */
export function open(key: KeyObject | Buffer, sealed: Uint8Array, aad: string): Buffer {
  const bytes = Buffer.from(sealed);
  if (bytes.length < nonceLengthBytes + tagLengthBytes) throw new Error("vault ciphertext is truncated");
  const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, nonceLengthBytes), { authTagLength: tagLengthBytes });
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(bytes.subarray(bytes.length - tagLengthBytes));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(nonceLengthBytes, bytes.length - tagLengthBytes)), decipher.final()]);
  } catch {
    throw new Error("vault ciphertext failed authentication: it was altered, or belongs to another record or key");
  }
}

/** The AAD of a wrapped key names what the key is for and the KEK version it is wrapped under. */
const wrapContext = (context: string, kekVersion: string) => `remit.vault.wrap|${context}|kek:${kekVersion}`;

export function wrapKey(keys: VaultKeys, key: Buffer, context: string): { wrapped: Buffer; kekVersion: string } {
  const kek = keys.current;
  return { wrapped: seal(kek.key, key, wrapContext(context, kek.version)), kekVersion: kek.version };
}

export function unwrapKey(keys: VaultKeys, wrapped: Uint8Array, kekVersion: string, context: string): Buffer {
  const kek = keys.byVersion.get(kekVersion);
  if (!kek) {
    throw new Error(
      `vault key is wrapped under key version "${kekVersion}", which REMIT_MASTER_KEY does not hold: ` +
        `add ${kekVersion}:<its key> after the current key, then run remit vault rotate-key`,
    );
  }
  return open(kek.key, wrapped, wrapContext(context, kekVersion));
}

/**
 * A keyed fingerprint (HMAC-SHA256 under the agency's own fingerprint key, PCI DSS 3.5.1.1): the
 * same number gives the same fingerprint within one agency, a different one in another, and
 * cannot be brute-forced from the fingerprint alone as a plain hash could.
 */
export function keyedFingerprint(fingerprintKey: Buffer, purpose: "card" | "bank_account", value: string): string {
  return createHmac("sha256", fingerprintKey).update(`remit.vault.fingerprint|${purpose}|${value}`).digest("hex");
}

/**
 * What each wrapped key and each sealed value is bound to (agency and record, and for a bank
 * account the version), so that nothing can be moved from one row to another and still open.
 */
export const contexts = {
  fingerprintKey: (agencyId: string) => `fingerprint_key|${agencyId}`,
  cardKey: (agencyId: string, cardId: string) => `card|${agencyId}|${cardId}`,
  cardData: (agencyId: string, cardId: string) => `remit.vault.card|${agencyId}|${cardId}`,
  cardCvc: (agencyId: string, cardId: string) => `remit.vault.card_cvc|${agencyId}|${cardId}`,
  bankAccountKey: (agencyId: string, bankAccountId: string, version: number) => `bank_account|${agencyId}|${bankAccountId}|v${version}`,
  bankAccountData: (agencyId: string, bankAccountId: string, version: number) =>
    `remit.vault.bank_account|${agencyId}|${bankAccountId}|v${version}`,
};
