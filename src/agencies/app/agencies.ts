import { randomBytes } from "node:crypto";
import { type Database, newId, type Sql } from "../../platform/index.ts";
import * as store from "../adapters/agency-store.ts";
import {
  type Agency,
  agencyError,
  validateAgencyName,
  validateDuplicateWindow,
  validateOrigin,
  validateTimeZone,
} from "../domain/agency.ts";
import { digestApiKey, formatApiKey, type KeyKind, type KeyMode, parseApiKey, sameDigest } from "../domain/api-key.ts";

export interface NewAgency {
  readonly name: string;
  readonly timeZone?: string;
  readonly allowedOrigins?: readonly string[];
  readonly duplicateWindowSeconds?: number;
}

export const defaultTimeZone = "America/Chicago";
export const defaultDuplicateWindowSeconds = 600;

export async function createAgency(sql: Sql, input: NewAgency): Promise<Agency> {
  return store.insertAgency(sql, {
    id: newId("agy"),
    name: validateAgencyName(input.name),
    timeZone: validateTimeZone(input.timeZone ?? defaultTimeZone),
    allowedOrigins: [...new Set((input.allowedOrigins ?? []).map(validateOrigin))],
    duplicateWindowSeconds: validateDuplicateWindow(input.duplicateWindowSeconds ?? defaultDuplicateWindowSeconds),
  });
}

export async function getAgency(sql: Sql, agencyId: string): Promise<Agency> {
  const agency = await store.findAgencyById(sql, agencyId);
  if (!agency) throw agencyError("agency_not_found", `No agency ${agencyId}`, "agency");
  return agency;
}

/** How long `getAgencyCached` trusts an agency it read: a change made since shows within this. */
export const agencyCacheTtlMs = 5_000;
const agencyCacheEntriesMax = 1_000;
const agencyCaches = new WeakMap<Database, Map<string, { readonly agency: Agency; readonly readAtMs: number }>>();

/**
 * `getAgency` through a short-lived cache of this process: a card payment reads its agency's
 * duplicate window, which almost never changes, and that read was a round trip inside the
 * payment's transaction. It reads through `db`, never inside a transaction, so nothing
 * uncommitted is cached.
 */
export async function getAgencyCached(db: Database, agencyId: string): Promise<Agency> {
  let cache = agencyCaches.get(db);
  const cached = cache?.get(agencyId);
  if (cached && performance.now() - cached.readAtMs < agencyCacheTtlMs) return cached.agency;
  const readAtMs = performance.now();
  const agency = await getAgency(db, agencyId);
  if (!cache) {
    cache = new Map();
    agencyCaches.set(db, cache);
  }
  cache.delete(agencyId);
  if (cache.size >= agencyCacheEntriesMax) cache.delete(cache.keys().next().value as string);
  cache.set(agencyId, { agency, readAtMs });
  return agency;
}

export const findAgencyByName = store.findAgencyByName;

export interface IssuedApiKey {
  readonly id: string;
  readonly agencyId: string;
  readonly kind: KeyKind;
  readonly mode: KeyMode;
  readonly last4: string;
  readonly createdAt: Date;
  /** The key itself: returned this once and never stored. */
  readonly secret: string;
}

export async function createApiKey(sql: Sql, input: { agencyId: string; kind?: KeyKind; mode?: KeyMode }): Promise<IssuedApiKey> {
  await getAgency(sql, input.agencyId);
  const kind = input.kind ?? "secret";
  const mode = input.mode ?? "test";
  const secret = formatApiKey(kind, mode, randomBytes(24));
  const record = await store.insertApiKey(sql, {
    agencyId: input.agencyId,
    id: newId("key"),
    kind,
    mode,
    digest: digestApiKey(secret),
    last4: secret.slice(-4),
  });
  return { id: record.id, agencyId: record.agencyId, kind, mode, last4: record.last4, createdAt: record.createdAt, secret };
}

export async function revokeApiKey(sql: Sql, agencyId: string, keyId: string): Promise<boolean> {
  const revoked = await store.markApiKeyRevoked(sql, agencyId, keyId);
  // This process stops honouring the key at once; other processes within `apiKeyCacheTtlMs`.
  if (revoked) authenticatedKeysGeneration++;
  return revoked;
}

export interface Caller {
  readonly agencyId: string;
  readonly keyId: string;
  readonly kind: KeyKind;
  readonly mode: KeyMode;
}

/** A refused key is a value, not an exception: the HTTP layer maps the code to a 401. */
export type Authentication =
  | { readonly ok: true; readonly caller: Caller }
  | { readonly ok: false; readonly code: "invalid_api_key" | "api_key_revoked" };

/**
 * How long this process trusts a key it has authenticated without reading it again: every API and
 * vault request needs its key, and the lookup was a database round trip in each. The price: a key
 * revoked by another process (another hub node, `remit` run against a live database) is still
 * honoured here for up to this long. `revokeApiKey` in this process takes effect at once.
 */
export const apiKeyCacheTtlMs = 5_000;
const apiKeyCacheEntriesMax = 10_000;

interface AuthenticatedKey {
  readonly digest: Buffer;
  readonly caller: Caller;
  readonly generation: number;
  readonly checkedAtMs: number;
}

/** Only keys that authenticated are kept: a flood of unknown keys cannot grow the cache. */
const authenticatedKeys = new WeakMap<Sql, Map<string, AuthenticatedKey>>();
/** Bumped by every revocation in this process, which so forgets every key it trusted before. */
let authenticatedKeysGeneration = 0;

export async function authenticateApiKey(sql: Sql, text: string): Promise<Authentication> {
  if (!parseApiKey(text)) return { ok: false, code: "invalid_api_key" };
  const digest = digestApiKey(text);
  let cache = authenticatedKeys.get(sql);
  const cacheKey = digest.toString("base64");
  const cached = cache?.get(cacheKey);
  if (
    cached &&
    cached.generation === authenticatedKeysGeneration &&
    performance.now() - cached.checkedAtMs < apiKeyCacheTtlMs &&
    sameDigest(cached.digest, digest)
  ) {
    return { ok: true, caller: { ...cached.caller } };
  }
  const generation = authenticatedKeysGeneration;
  const checkedAtMs = performance.now();
  const key = await store.findApiKeyByDigest(sql, digest);
  if (!key || !sameDigest(key.digest, digest)) return { ok: false, code: "invalid_api_key" };
  if (key.revokedAt) return { ok: false, code: "api_key_revoked" };
  const caller: Caller = { agencyId: key.agencyId, keyId: key.id, kind: key.kind, mode: key.mode };
  if (!cache) {
    cache = new Map();
    authenticatedKeys.set(sql, cache);
  }
  cache.delete(cacheKey);
  if (cache.size >= apiKeyCacheEntriesMax) cache.delete(cache.keys().next().value as string);
  cache.set(cacheKey, { digest, caller, generation, checkedAtMs });
  return { ok: true, caller: { ...caller } };
}
