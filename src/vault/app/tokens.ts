import { type Database, newId, type Sql } from "../../platform/index.ts";
import * as store from "../adapters/vault-store.ts";
import { contexts, newDataKey, unwrapKey, type VaultKeys, wrapKey } from "../domain/envelope.ts";
import { vaultError } from "../domain/errors.ts";

/** A token is good for 15 minutes after it is issued, once. */
export const tokenLifetimeMs = 15 * 60_000;

const tokenPrefix: Record<store.TokenKind, string> = { card: "tok", bank_account: "btok" };
const tokenParam: Record<store.TokenKind, string> = { card: "card_token", bank_account: "bank_account_token" };

/** A new, unused token for the card or bank account `recordId`, not yet stored. */
export function newToken(agencyId: string, kind: store.TokenKind, recordId: string, now: Date): store.TokenRecord {
  return {
    agencyId,
    id: newId(tokenPrefix[kind]),
    kind,
    recordId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + tokenLifetimeMs),
    usedAt: null,
  };
}

export async function issueToken(
  sql: Sql,
  agencyId: string,
  kind: store.TokenKind,
  recordId: string,
  now: Date,
): Promise<store.TokenRecord> {
  const token = newToken(agencyId, kind, recordId, now);
  await store.insertToken(sql, token);
  return token;
}

/**
 * Uses a token up and answers the id of what it stands for. Run inside the caller's transaction,
 * the token is spent only if that transaction commits. Another agency's token, or a token of the
 * other kind, is "not found": its existence is not revealed.
 */
export async function claimToken(sql: Sql, agencyId: string, tokenId: string, kind: store.TokenKind, now: Date): Promise<string> {
  const recordId = await store.claimToken(sql, agencyId, tokenId, kind, now);
  if (recordId !== undefined) return recordId;
  return refuseClaim(sql, agencyId, tokenId, kind);
}

/** Says why a token could not be claimed: not found (or another agency's, or another kind), used, or expired. */
export async function refuseClaim(sql: Sql, agencyId: string, tokenId: string, kind: store.TokenKind): Promise<never> {
  const token = await store.findToken(sql, agencyId, tokenId);
  const param = tokenParam[kind];
  if (!token || token.kind !== kind)
    throw vaultError("token_not_found", `No such ${kind === "card" ? "card" : "bank account"} token`, param);
  if (token.usedAt) throw vaultError("token_already_used", "This token was used already: collect the payment details again", param);
  throw vaultError("token_expired", "This token expired 15 minutes after it was issued: collect the payment details again", param);
}

/** The agency's fingerprint key, created (wrapped under the current KEK) on the agency's first use. */
export async function agencyFingerprintKey(sql: Sql, keys: VaultKeys, agencyId: string, now: Date): Promise<Buffer> {
  const context = contexts.fingerprintKey(agencyId);
  let stored = await store.findFingerprintKey(sql, agencyId);
  if (!stored) {
    const key = newDataKey();
    const { wrapped, kekVersion } = wrapKey(keys, key, context);
    key.fill(0);
    await store.insertFingerprintKey(sql, agencyId, { wrappedKey: wrapped, kekVersion }, now);
    stored = await store.findFingerprintKey(sql, agencyId);
    if (!stored) throw new Error(`the fingerprint key of agency ${agencyId} was inserted but cannot be read back`);
  }
  return unwrapKey(keys, stored.wrappedKey, stored.kekVersion, context);
}

/**
 * Unwrapped fingerprint keys by database, agency and KEK set. An agency's fingerprint key never
 * changes once created (a rotation re-wraps it, the key stays), and reading and unwrapping it was
 * a database round trip and an AES operation in every tokenization. Bounded; the oldest goes first.
 */
const fingerprintKeys = new WeakMap<Database, Map<string, { readonly keys: VaultKeys; readonly key: Buffer }>>();
const fingerprintKeysMax = 10_000;

/**
 * `agencyFingerprintKey` through this process's memory. Reads (and on an agency's first use
 * creates) the key through `db`, outside any transaction, so only a committed key is kept. The
 * buffer is shared: use it, never change or zero it.
 */
export async function cachedAgencyFingerprintKey(db: Database, keys: VaultKeys, agencyId: string, now: Date): Promise<Buffer> {
  let cache = fingerprintKeys.get(db);
  const cached = cache?.get(agencyId);
  if (cached && cached.keys === keys) return cached.key;
  const key = await agencyFingerprintKey(db, keys, agencyId, now);
  if (!cache) {
    cache = new Map();
    fingerprintKeys.set(db, cache);
  }
  cache.delete(agencyId);
  if (cache.size >= fingerprintKeysMax) cache.delete(cache.keys().next().value as string);
  cache.set(agencyId, { keys, key });
  return key;
}
