import { randomBytes } from "node:crypto";
import { newId, type Sql } from "../../platform/index.ts";
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
  return store.markApiKeyRevoked(sql, agencyId, keyId);
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

export async function authenticateApiKey(sql: Sql, text: string): Promise<Authentication> {
  if (!parseApiKey(text)) return { ok: false, code: "invalid_api_key" };
  const digest = digestApiKey(text);
  const key = await store.findApiKeyByDigest(sql, digest);
  if (!key || !sameDigest(key.digest, digest)) return { ok: false, code: "invalid_api_key" };
  if (key.revokedAt) return { ok: false, code: "api_key_revoked" };
  return { ok: true, caller: { agencyId: key.agencyId, keyId: key.id, kind: key.kind, mode: key.mode } };
}
